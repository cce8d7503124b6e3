#include "content/speech/transcriber.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace encore::speech {
namespace {

constexpr int kRate = media::kSpeechSampleRate;
constexpr int kLevelFrame = kRate / 100;     // 10 ms frames for the pause finder
constexpr double kSphinxFrameS = 0.01;       // PocketSphinx's default -frate 100
constexpr double kExtendSpeechS = 1.0;       // segmenter windows are coarse: widen speech regions
constexpr double kMinUtteranceS = 0.12;
constexpr double kAbsoluteQuietDb = -55;

// PocketSphinx markers that are not words: <s>, </s>, <sil>, [NOISE], ++GARBAGE++.
bool IsFiller(const char* w) {
  return w == nullptr || w[0] == '<' || w[0] == '[' || w[0] == '+' || w[0] == '\0';
}

// "read(2)" -> "read": alternate pronunciations carry a suffix.
std::string StripVariant(const char* w) {
  std::string s(w);
  auto paren = s.find('(');
  if (paren != std::string::npos) s.resize(paren);
  return s;
}

}  // namespace

struct Transcriber::Impl {
  cmd_ln_t* config = nullptr;
  ps_decoder_t* decoder = nullptr;
  TranscriberOptions options;
  ~Impl() {
    if (decoder != nullptr) ps_free(decoder);
    if (config != nullptr) cmd_ln_free_r(config);
  }

  // Decodes samples [begin, end) of `pcm` as one utterance starting at `offset_s`.
  Status Decode(const std::vector<int16_t>& pcm, size_t begin, size_t end, TranscriptSegment* seg) {
    if (ps_start_utt(decoder) < 0) return Internal("PocketSphinx could not start an utterance");
    ps_process_raw(decoder, pcm.data() + begin, end - begin, FALSE, TRUE);
    if (ps_end_utt(decoder) < 0) return Internal("PocketSphinx could not finish an utterance");
    const double offset_s = static_cast<double>(begin) / kRate;
    for (ps_seg_t* it = ps_seg_iter(decoder); it != nullptr; it = ps_seg_next(it)) {
      const char* w = ps_seg_word(it);
      if (IsFiller(w)) continue;
      int sf = 0, ef = 0;
      ps_seg_frames(it, &sf, &ef);
      Word word{StripVariant(w), offset_s + sf * kSphinxFrameS, offset_s + (ef + 1) * kSphinxFrameS};
      if (!seg->text.empty()) seg->text += ' ';
      seg->text += word.text;
      seg->words.push_back(std::move(word));
    }
    return Status::Ok();
  }
};

Transcriber::Transcriber(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transcriber::~Transcriber() = default;

StatusOr<std::unique_ptr<Transcriber>> Transcriber::Create(const TranscriberOptions& options) {
  namespace fs = std::filesystem;
  const std::string hmm = options.model_dir + "/en-us";
  const std::string lm = options.model_dir + "/en-us.lm.bin";
  const std::string dict = options.model_dir + "/cmudict-en-us.dict";
  for (const std::string& p : {hmm, lm, dict}) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      return FailedPrecondition("speech model file " + p + " is missing (install pocketsphinx-en-us)");
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                             dict.c_str(), "-logfn", "/dev/null", "-samprate", "16000", nullptr);
  if (impl->config == nullptr) return Internal("PocketSphinx rejected its configuration");
  impl->decoder = ps_init(impl->config);
  if (impl->decoder == nullptr) return Internal("PocketSphinx could not load the models in " + options.model_dir);
  return std::unique_ptr<Transcriber>(new Transcriber(std::move(impl)));
}

StatusOr<Transcript> Transcriber::Transcribe(const media::AudioBuffer& audio) {
  if (audio.sample_rate != kRate) return InvalidArgument("transcription needs 16 kHz audio");
  ENCORE_ASSIGN_OR_RETURN(std::vector<audio::Segment> segments, audio::SegmentAudio(audio));
  return Transcribe(audio, segments);
}

StatusOr<Transcript> Transcriber::Transcribe(const media::AudioBuffer& audio,
                                              const std::vector<audio::Segment>& segments) {
  if (audio.sample_rate != kRate) {
    return InvalidArgument("transcription needs 16 kHz audio, got " + std::to_string(audio.sample_rate) + " Hz");
  }
  const TranscriberOptions& o = impl_->options;
  const size_t n = audio.samples.size();
  std::vector<int16_t> pcm(n);
  for (size_t i = 0; i < n; ++i) pcm[i] = static_cast<int16_t>(std::lround(audio.samples[i] * 32767.0f));
  // levels: [frames] dBFS per 10 ms.
  const size_t frames = n / kLevelFrame;
  std::vector<float> levels(frames);
  for (size_t frame_idx = 0; frame_idx < frames; ++frame_idx) {
    double e = 0;
    for (int i = 0; i < kLevelFrame; ++i) {
      double s = audio.samples[frame_idx * kLevelFrame + static_cast<size_t>(i)];
      e += s * s;
    }
    levels[frame_idx] = static_cast<float>(10.0 * std::log10(e / kLevelFrame + 1e-12));
  }

  Transcript transcript;
  const double total_s = audio.duration_s();
  for (const audio::Segment& region : segments) {
    if (region.kind != audio::SegmentKind::kSpeech) continue;
    auto first = static_cast<size_t>(std::max(0.0, region.start_s - kExtendSpeechS) * 100);
    auto last = std::min(frames, static_cast<size_t>(std::min(total_s, region.end_s + kExtendSpeechS) * 100));
    if (first >= last) continue;
    std::vector<float> sorted(levels.begin() + static_cast<std::ptrdiff_t>(first),
                              levels.begin() + static_cast<std::ptrdiff_t>(last));
    std::sort(sorted.begin(), sorted.end());
    const float peak = sorted[sorted.size() * 95 / 100];
    const double quiet = std::max<double>(kAbsoluteQuietDb, peak - o.pause_below_peak_db);
    const auto min_pause = static_cast<size_t>(o.min_pause_s * 100);
    const auto max_len = static_cast<size_t>(o.max_utterance_s * 100);
    // Utterances: runs of loud frames joined across pauses shorter than min_pause.
    std::vector<std::pair<size_t, size_t>> utterances;
    size_t start = SIZE_MAX, last_loud = 0;
    for (size_t f = first; f <= last; ++f) {
      const bool loud = f < last && levels[f] > quiet;
      if (loud) {
        if (start == SIZE_MAX) start = f;
        last_loud = f;
        if (f + 1 - start >= max_len) {
          utterances.emplace_back(start, f + 1);
          start = SIZE_MAX;
        }
      } else if (start != SIZE_MAX && (f - last_loud > min_pause || f == last)) {
        utterances.emplace_back(start, last_loud + 1);
        start = SIZE_MAX;
      }
    }
    for (auto [uf, ul] : utterances) {
      if ((ul - uf) * 0.01 < kMinUtteranceS) continue;
      const auto pad = static_cast<size_t>(o.pad_s * kRate);
      size_t begin = uf * kLevelFrame > pad ? uf * kLevelFrame - pad : 0;
      size_t end = std::min(n, ul * kLevelFrame + pad);
      TranscriptSegment seg;
      seg.start_s = static_cast<double>(uf) * 0.01;
      seg.end_s = static_cast<double>(ul) * 0.01;
      ENCORE_RETURN_IF_ERROR(impl_->Decode(pcm, begin, end, &seg));
      transcript.speech_seconds += static_cast<double>(end - begin) / kRate;
      if (!seg.words.empty()) transcript.segments.push_back(std::move(seg));
    }
  }
  return transcript;
}

std::string Transcript::Text() const {
  std::string out;
  for (const TranscriptSegment& s : segments) {
    if (s.text.empty()) continue;
    if (!out.empty()) out += ' ';
    out += s.text;
  }
  return out;
}

std::vector<std::string> NormalizeWords(const std::string& text) {
  std::vector<std::string> words;
  std::string cur;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '\'') {
      cur += static_cast<char>(std::tolower(c));
    } else if (c == '-' && !cur.empty()) {
      // "well-known" -> "well", "known": the dictionary spells them apart.
      words.push_back(cur);
      cur.clear();
    } else if (!cur.empty()) {
      words.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

double WordErrorRate(const std::string& reference, const std::string& hypothesis) {
  const std::vector<std::string> ref = NormalizeWords(reference);
  const std::vector<std::string> hyp = NormalizeWords(hypothesis);
  if (ref.empty()) return hyp.empty() ? 0.0 : 1.0;
  // Levenshtein distance over words, one row at a time.
  std::vector<size_t> prev(hyp.size() + 1), cur(hyp.size() + 1);
  for (size_t j = 0; j <= hyp.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= ref.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= hyp.size(); ++j) {
      size_t sub = prev[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return static_cast<double>(prev[hyp.size()]) / static_cast<double>(ref.size());
}

}  // namespace encore::speech
