// Speech-to-text with PocketSphinx (Debian libpocketsphinx-dev +
// pocketsphinx-en-us, US English). Only the stretches the speech/music/silence
// segmenter (content/audio/segmenter.h) labels as speech are decoded; inside
// them, pauses of at least `min_pause_s` split utterances, and each utterance
// becomes one transcript segment with its own timestamps and word timings.
//
// Thread-safety: a Transcriber holds one PocketSphinx decoder and is NOT
// thread-safe; create one per worker thread (creation loads the acoustic and
// language models, ~0.5 s).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "content/audio/segmenter.h"
#include "content/media/decoder.h"
#include "core/status.h"

namespace encore::speech {

inline constexpr const char* kDefaultModelDir = "/usr/share/pocketsphinx/model/en-us";

struct TranscriberOptions {
  std::string model_dir = kDefaultModelDir;  // holds en-us/, en-us.lm.bin, cmudict-en-us.dict
  double min_pause_s = 0.35;     // a quieter stretch at least this long ends an utterance
  double pause_below_peak_db = 30;  // "quiet" = this many dB under the region's loud level
  double max_utterance_s = 20;   // longer utterances are cut (PocketSphinx degrades on long ones)
  double pad_s = 0.15;           // audio kept around each utterance
};

struct Word {
  std::string text;
  double start_s = 0;
  double end_s = 0;
};

struct TranscriptSegment {
  double start_s = 0;
  double end_s = 0;
  std::string text;              // words joined by single spaces, lower case
  std::vector<Word> words;
};

struct Transcript {
  std::vector<TranscriptSegment> segments;
  double speech_seconds = 0;     // audio that was decoded
  // All segment texts joined by spaces.
  std::string Text() const;
};

class Transcriber {
 public:
  // FailedPrecondition when the model files are missing (install pocketsphinx-en-us).
  static StatusOr<std::unique_ptr<Transcriber>> Create(const TranscriberOptions& options = {});
  ~Transcriber();
  Transcriber(const Transcriber&) = delete;
  Transcriber& operator=(const Transcriber&) = delete;

  // Transcribes the speech segments of `audio`. REQUIRES: audio.sample_rate == 16000.
  StatusOr<Transcript> Transcribe(const media::AudioBuffer& audio, const std::vector<audio::Segment>& segments);
  // Runs the segmenter first, then Transcribe.
  StatusOr<Transcript> Transcribe(const media::AudioBuffer& audio);

 private:
  struct Impl;
  explicit Transcriber(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Word error rate of `hypothesis` against `reference`: (substitutions +
// deletions + insertions) / reference words, after lower-casing and dropping
// punctuation. 0 for two empty texts; 1 per word for an empty hypothesis.
double WordErrorRate(const std::string& reference, const std::string& hypothesis);

// Lower-cased words of `text` with punctuation removed (apostrophes kept).
std::vector<std::string> NormalizeWords(const std::string& text);

}  // namespace encore::speech
