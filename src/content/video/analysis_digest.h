// A compact view of a stored media analysis (the JSON of video::ToJson) for
// clients that show it next to an item: the server's item endpoints and the
// dashboard. Knows the analysis JSON so the server does not have to.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace encore::video {

struct DigestOptions {
  size_t excerpt_chars = 280;   // transcript excerpt length (cut at a word, "..." appended)
  size_t max_shots = 50;        // shots listed (shot_count has the total)
};

// {"version", "kind", "duration_s", "tags", "description", "summary", "keywords",
//  "transcript_excerpt", "transcript_words", "tempo_bpm", "beat_regularity", "key",
//  "key_strength", "speech_fraction", "music_fraction", "shot_count",
//  "shots": [{"start_s", "end_s", "transition_in", "colour", "text": [...]}],
//  "on_screen_text"}. Audio fields are null without audio, tempo_bpm null
// without a steady beat; fields absent from `stored` are left out or empty.
// Tolerates any JSON (wrong types are skipped), never throws.
nlohmann::json AnalysisDigest(const nlohmann::json& stored, const DigestOptions& options = {});

// The first `max_chars` of `text`, cut after a whole word, "..." appended when cut.
std::string Excerpt(const std::string& text, size_t max_chars);

}  // namespace encore::video
