// Views of a stored media analysis (the JSON of video::ToJson): a compact digest
// for clients that show it next to an item (the server's item endpoints and the
// dashboard), and its words for the text pipeline (content models, search).
// Knows the analysis JSON so the server and the models do not have to.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/records.h"

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

// What an analysis says in words: its tags ("fast", "minor key", "transcribed speech",
// ...) and the text of its keywords, summary, on-screen text and transcript (the
// transcript cut at `max_text_chars`). Tolerates any JSON, never throws.
struct AnalysisWords {
  std::vector<std::string> tags;
  std::string text;
};
AnalysisWords WordsOfAnalysis(const nlohmann::json& stored, size_t max_text_chars = 20000);
// Which parts of an analysis AddAnalysisToItem adds.
struct AnalysisTextOptions {
  // The analysis tags into item->tags. Off for models: on the demo catalogue these
  // coarse tags ("video", "moderate tempo", "colourful"), shared across genres, cost
  // the TF-IDF content model 0.015-0.027 Recall@10 on new items (docs/media.md);
  // search wants them ("minor key" finds the items).
  bool tags = false;
};
// Adds a stored analysis (JSON text; "" or unparsable adds nothing) to an item as the
// text pipeline reads it: the words after item->description, and with options.tags the
// tags the item lacks to item->tags. So transcripts and on-screen text reach the
// content, hybrid and fusion models and `encore search`.
void AddAnalysisToItem(const std::string& stored, Item* item, const AnalysisTextOptions& options = {});
// The same for a catalogue: analyses[i] (shorter than items is fine) into (*items)[i].
void AddAnalysesToItems(const std::vector<std::string>& analyses, std::vector<Item>* items,
                        const AnalysisTextOptions& options = {});

// The first `max_chars` of `text`, cut after a whole word, "..." appended when cut.
std::string Excerpt(const std::string& text, size_t max_chars);

}  // namespace encore::video
