// The whole media-understanding pipeline for one file, audio or video:
//   probe -> audio features + speech/music/silence segments (22.05 kHz)
//         -> transcript of the speech segments (16 kHz, PocketSphinx)
//         -> for video: shots (cuts, fades, dissolves) with visual features,
//            a keyframe per shot read by Tesseract
//         -> keywords and summary of transcript + on-screen text (content/text)
//         -> tags and a generated one-paragraph description.
// The result serialises to JSON (ToJson) with a format version so stored
// analyses can be recognised as stale (kAnalysisVersion).
//
// Thread-safety: a MediaAnalyzer owns a PocketSphinx decoder and a Tesseract
// engine and is NOT thread-safe; use one per worker thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "content/audio/features.h"
#include "content/media/decoder.h"
#include "content/speech/transcriber.h"
#include "content/video/ocr.h"
#include "content/video/shots.h"
#include "core/records.h"
#include "core/status.h"

namespace encore::video {

// Bumped whenever the analysis or its JSON changes meaning; stored with each result.
inline constexpr int kAnalysisVersion = 1;
// Store::PutItemData key of the stored analysis.
inline constexpr const char* kAnalysisKey = kMediaAnalysisKey;

struct AnalyzerOptions {
  bool transcribe = true;            // run speech-to-text on speech segments
  bool read_text = true;             // run OCR on keyframes (video)
  double min_speech_s = 0.5;         // transcribe only when the segmenter found this much speech
  double max_seconds = 900;          // analyse at most this much of each file
  int keyframe_width = 640;          // keyframes are decoded at most this wide for OCR
  int keywords = 8;                  // keywords kept
  audio::AudioFeatureOptions audio;
  ShotOptions shots;
  speech::TranscriberOptions speech;
  TextReaderOptions ocr;
};

struct ShotAnalysis {
  Shot shot;
  std::vector<TextLine> text;        // on-screen text of the keyframe
};

struct MediaAnalysis {
  media::MediaInfo info;
  std::string kind;                  // "audio" or "video"
  std::optional<audio::AudioFeatures> audio;  // absent for silent video (no audio stream)
  std::vector<float> audio_vector;   // audio::FeatureVector, empty without audio
  speech::Transcript transcript;
  std::vector<ShotAnalysis> shots;   // empty for audio
  std::vector<std::string> on_screen_text;  // distinct lines in order of appearance
  std::vector<std::string> keywords;
  std::string summary;               // of transcript + on-screen text, "" when there is none
  std::vector<std::string> tags;
  std::string description;           // generated, one paragraph
  double analysis_cpu_s = 0;         // CPU seconds this analysis took (process CPU time)
};

class MediaAnalyzer {
 public:
  // Loads the speech and OCR engines when enabled (errors if their data is missing).
  static StatusOr<std::unique_ptr<MediaAnalyzer>> Create(const AnalyzerOptions& options = {});
  ~MediaAnalyzer();
  MediaAnalyzer(const MediaAnalyzer&) = delete;
  MediaAnalyzer& operator=(const MediaAnalyzer&) = delete;

  // Analyses one file. Errors name the file (see media/decoder.h for the codes).
  StatusOr<MediaAnalysis> Analyze(const std::string& path);

 private:
  struct Impl;
  explicit MediaAnalyzer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// JSON form: {"version", "path", "kind", "duration_s", "tags", "description",
// "audio": {...}, "transcript": {...}, "shots": [...], ...} (docs/media.md).
nlohmann::json ToJson(const MediaAnalysis& analysis);
// A human-readable report (several lines).
std::string ToText(const MediaAnalysis& analysis);

}  // namespace encore::video
