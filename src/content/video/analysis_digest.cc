#include "content/video/analysis_digest.h"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

namespace encore::video {
namespace {

using nlohmann::json;

// Copies stored[key] into out[key] when it is a string (a number).
void CopyString(const json& stored, const char* key, json& out) {
  auto it = stored.find(key);
  if (it != stored.end() && it->is_string()) out[key] = *it;
}
void CopyNumber(const json& stored, const char* key, json& out) {
  auto it = stored.find(key);
  if (it != stored.end() && it->is_number()) out[key] = *it;
}

std::vector<std::string> Strings(const json& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const json& s : v) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

json NumberOrNull(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? *it : json();
}

}  // namespace

std::string Excerpt(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  size_t cut = text.rfind(' ', max_chars);
  if (cut == std::string::npos || cut == 0) cut = max_chars;
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

json AnalysisDigest(const json& stored, const DigestOptions& options) {
  json out = json::object();
  if (!stored.is_object()) return out;
  CopyNumber(stored, "version", out);
  CopyString(stored, "kind", out);
  CopyNumber(stored, "duration_s", out);
  CopyString(stored, "description", out);
  CopyString(stored, "summary", out);
  out["tags"] = Strings(stored.value("tags", json()));
  out["keywords"] = Strings(stored.value("keywords", json()));
  out["on_screen_text"] = Strings(stored.value("on_screen_text", json()));

  std::string transcript;
  if (auto t = stored.find("transcript"); t != stored.end() && t->is_object()) {
    auto text = t->find("text");
    if (text != t->end() && text->is_string()) transcript = text->get<std::string>();
  }
  size_t words = 0;
  bool in_word = false;
  for (char c : transcript) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  out["transcript_excerpt"] = Excerpt(transcript, options.excerpt_chars);
  out["transcript_words"] = words;

  const json audio = stored.value("audio", json());
  const bool has_audio = audio.is_object();
  json tempo = has_audio ? NumberOrNull(audio, "tempo_bpm") : json();
  if (tempo.is_number() && !(tempo.get<double>() > 0)) tempo = json();  // 0 means no steady beat
  out["tempo_bpm"] = tempo;
  out["beat_regularity"] = has_audio ? NumberOrNull(audio, "beat_regularity") : json();
  out["key"] = has_audio && audio.contains("key") && audio["key"].is_string() ? audio["key"] : json();
  out["key_strength"] = has_audio ? NumberOrNull(audio, "key_strength") : json();
  out["speech_fraction"] = has_audio ? NumberOrNull(audio, "speech_fraction") : json();
  out["music_fraction"] = has_audio ? NumberOrNull(audio, "music_fraction") : json();

  json shots = json::array();
  size_t shot_count = 0;
  if (auto s = stored.find("shots"); s != stored.end() && s->is_array()) {
    shot_count = s->size();
    for (const json& shot : *s) {
      if (shots.size() >= options.max_shots) break;
      if (!shot.is_object()) continue;
      json d = {{"start_s", NumberOrNull(shot, "start_s")}, {"end_s", NumberOrNull(shot, "end_s")}};
      CopyString(shot, "transition_in", d);
      CopyString(shot, "colour", d);
      std::vector<std::string> lines;
      if (auto text = shot.find("text"); text != shot.end() && text->is_array()) {
        for (const json& line : *text) {
          if (line.is_object() && line.contains("text") && line["text"].is_string()) {
            lines.push_back(line["text"].get<std::string>());
          }
        }
      }
      d["text"] = lines;
      shots.push_back(std::move(d));
    }
  }
  out["shot_count"] = shot_count;
  out["shots"] = std::move(shots);
  return out;
}

AnalysisWords WordsOfAnalysis(const json& stored, size_t max_text_chars) {
  AnalysisWords out;
  if (!stored.is_object()) return out;
  out.tags = Strings(stored.value("tags", json()));
  auto append = [&out](const std::string& s) {
    if (s.empty()) return;
    if (!out.text.empty()) out.text += '\n';
    out.text += s;
  };
  for (const std::string& k : Strings(stored.value("keywords", json()))) append(k);
  if (auto it = stored.find("summary"); it != stored.end() && it->is_string()) append(it->get<std::string>());
  for (const std::string& line : Strings(stored.value("on_screen_text", json()))) append(line);
  if (auto t = stored.find("transcript"); t != stored.end() && t->is_object()) {
    auto text = t->find("text");
    if (text != t->end() && text->is_string()) append(Excerpt(text->get<std::string>(), max_text_chars));
  }
  return out;
}

void AddAnalysisToItem(const std::string& stored, Item* item, const AnalysisTextOptions& options) {
  if (stored.empty()) return;
  const AnalysisWords words = WordsOfAnalysis(json::parse(stored, nullptr, /*allow_exceptions=*/false));
  for (const std::string& tag : options.tags ? words.tags : std::vector<std::string>{}) {
    if (std::find(item->tags.begin(), item->tags.end(), tag) == item->tags.end()) item->tags.push_back(tag);
  }
  if (words.text.empty()) return;
  if (!item->description.empty()) item->description += '\n';
  item->description += words.text;
}

void AddAnalysesToItems(const std::vector<std::string>& analyses, std::vector<Item>* items,
                        const AnalysisTextOptions& options) {
  for (size_t i = 0; i < analyses.size() && i < items->size(); ++i) {
    AddAnalysisToItem(analyses[i], &(*items)[i], options);
  }
}

}  // namespace encore::video
