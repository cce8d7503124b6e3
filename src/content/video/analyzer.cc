#include "content/video/analyzer.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "content/text/keywords.h"
#include "content/text/summarize.h"
#include "content/text/tokenizer.h"

namespace encore::video {
namespace {

// Editing-pace and look thresholds for tags.
constexpr double kFastCutsPerMinute = 20;
constexpr double kSlowShotSeconds = 10;
constexpr double kDarkBrightness = 0.25;
constexpr double kBrightBrightness = 0.65;
constexpr double kColourfulSaturation = 0.5;
constexpr double kStaticMotion = 0.01;
constexpr double kBusyMotion = 0.08;
constexpr size_t kDescriptionTextLines = 3;
constexpr size_t kDescriptionQuoteChars = 160;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Truncate(const std::string& s, size_t max_chars) {
  if (s.size() <= max_chars) return s;
  size_t cut = s.rfind(' ', max_chars);
  return s.substr(0, cut == std::string::npos ? max_chars : cut) + "...";
}

void AddTag(std::vector<std::string>* tags, const std::string& tag) {
  if (std::find(tags->begin(), tags->end(), tag) == tags->end()) tags->push_back(tag);
}

std::string Plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

struct MediaAnalyzer::Impl {
  AnalyzerOptions options;
  std::unique_ptr<speech::Transcriber> transcriber;
  std::unique_ptr<TextReader> reader;
  std::optional<text::Tokenizer> tokenizer;

  void AnalyzeText(MediaAnalysis* a) const;
  void MakeTags(MediaAnalysis* a) const;
  void Describe(MediaAnalysis* a) const;
};

MediaAnalyzer::MediaAnalyzer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MediaAnalyzer::~MediaAnalyzer() = default;

StatusOr<std::unique_ptr<MediaAnalyzer>> MediaAnalyzer::Create(const AnalyzerOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.shots.Validate());
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (options.transcribe) {
    ENCORE_ASSIGN_OR_RETURN(impl->transcriber, speech::Transcriber::Create(options.speech));
  }
  if (options.read_text) {
    ENCORE_ASSIGN_OR_RETURN(impl->reader, TextReader::Create(options.ocr));
  }
  text::TokenizerOptions tokenizer_options;
  tokenizer_options.chinese = text::ChineseMode::kBigrams;  // transcripts and OCR here are English
  ENCORE_ASSIGN_OR_RETURN(text::Tokenizer tokenizer, text::Tokenizer::Create(tokenizer_options));
  impl->tokenizer.emplace(std::move(tokenizer));
  return std::unique_ptr<MediaAnalyzer>(new MediaAnalyzer(std::move(impl)));
}

StatusOr<MediaAnalysis> MediaAnalyzer::Analyze(const std::string& path) {
  const double cpu_start = ThreadCpuSeconds();
  const AnalyzerOptions& o = impl_->options;
  MediaAnalysis a;
  ENCORE_ASSIGN_OR_RETURN(a.info, media::ProbeMedia(path));
  a.kind = a.info.has_video ? "video" : "audio";

  if (a.info.has_audio) {
    media::AudioDecodeOptions decode;
    decode.sample_rate = media::kMusicSampleRate;
    decode.max_seconds = o.max_seconds;
    auto music = media::DecodeAudio(path, decode);
    // A video whose soundtrack is broken is still analysed for its pictures.
    if (!music.ok() && !a.info.has_video) return music.status();
    if (music.ok()) {
      auto features = audio::ExtractAudioFeatures(*music, o.audio);
      if (!features.ok() && !a.info.has_video) return features.status().WithContext(path);
      if (features.ok()) {
        a.audio = std::move(*features);
        a.audio_vector = audio::FeatureVector(*a.audio);
      }
    }
  }
  if (a.audio && impl_->transcriber &&
      audio::TotalSeconds(a.audio->segments, audio::SegmentKind::kSpeech) >= o.min_speech_s) {
    media::AudioDecodeOptions decode;
    decode.sample_rate = media::kSpeechSampleRate;
    decode.max_seconds = o.max_seconds;
    ENCORE_ASSIGN_OR_RETURN(media::AudioBuffer speech_audio, media::DecodeAudio(path, decode));
    ENCORE_ASSIGN_OR_RETURN(a.transcript, impl_->transcriber->Transcribe(speech_audio, a.audio->segments));
  }

  if (a.info.has_video) {
    ShotOptions shot_options = o.shots;
    shot_options.max_seconds = o.max_seconds;
    ENCORE_ASSIGN_OR_RETURN(std::vector<Shot> shots, DetectShots(path, shot_options));
    std::vector<double> times;
    for (const Shot& s : shots) {
      a.shots.push_back({s, {}});
      times.push_back(s.keyframe_s);
    }
    if (impl_->reader) {
      media::VideoDecodeOptions decode;
      decode.max_width = o.keyframe_width;
      decode.format = media::PixelFormat::kRgb24;
      ENCORE_ASSIGN_OR_RETURN(std::vector<media::VideoFrame> keyframes, media::DecodeFramesAt(path, times, decode));
      std::set<std::string> seen;
      for (size_t i = 0; i < keyframes.size(); ++i) {
        ENCORE_ASSIGN_OR_RETURN(a.shots[i].text, impl_->reader->Read(keyframes[i]));
        for (const TextLine& line : a.shots[i].text) {
          if (seen.insert(Lower(line.text)).second) a.on_screen_text.push_back(line.text);
        }
      }
    }
  }
  impl_->AnalyzeText(&a);
  impl_->MakeTags(&a);
  impl_->Describe(&a);
  a.analysis_cpu_s = ThreadCpuSeconds() - cpu_start;
  return a;
}

void MediaAnalyzer::Impl::AnalyzeText(MediaAnalysis* a) const {
  // Transcript segments have no punctuation: each becomes one sentence.
  std::string all;
  for (const speech::TranscriptSegment& s : a->transcript.segments) all += s.text + ".\n";
  for (const std::string& line : a->on_screen_text) all += line + ".\n";
  if (all.empty()) return;
  auto tokens = tokenizer->TokenizeRaw(all);
  if (tokens.ok()) {
    for (const text::Keyword& kw : text::TextRankKeywords(*tokens, options.keywords)) a->keywords.push_back(kw.first);
  }
  text::SummaryOptions summary_options;
  summary_options.max_sentences = 2;
  summary_options.max_chars = 240;
  auto summary = text::Summarize(all, *tokenizer, summary_options);
  if (summary.ok()) a->summary = summary->text;
}

void MediaAnalyzer::Impl::MakeTags(MediaAnalysis* a) const {
  a->tags.push_back(a->kind);
  if (a->audio) {
    for (const std::string& t : audio::Tags(*a->audio)) AddTag(&a->tags, t);
  } else if (a->info.has_video) {
    AddTag(&a->tags, "no sound");
  }
  if (!a->transcript.segments.empty()) AddTag(&a->tags, "transcribed speech");
  if (!a->shots.empty()) {
    const double duration = a->shots.back().shot.end_s;
    const double per_minute = duration > 0 ? 60.0 * static_cast<double>(a->shots.size() - 1) / duration : 0;
    if (per_minute >= kFastCutsPerMinute) AddTag(&a->tags, "fast-paced editing");
    else if (duration / static_cast<double>(a->shots.size()) >= kSlowShotSeconds) AddTag(&a->tags, "long takes");
    double brightness = 0, saturation = 0, motion = 0;
    for (const ShotAnalysis& s : a->shots) {
      const double w = s.shot.end_s - s.shot.start_s;
      brightness += w * s.shot.brightness;
      saturation += w * s.shot.saturation;
      motion += w * s.shot.motion;
    }
    if (duration > 0) {
      brightness /= duration;
      saturation /= duration;
      motion /= duration;
    }
    if (brightness < kDarkBrightness) AddTag(&a->tags, "dark visuals");
    else if (brightness > kBrightBrightness) AddTag(&a->tags, "bright visuals");
    if (saturation > kColourfulSaturation) AddTag(&a->tags, "colourful");
    if (motion < kStaticMotion) AddTag(&a->tags, "static camera");
    else if (motion > kBusyMotion) AddTag(&a->tags, "lots of motion");
    if (!a->on_screen_text.empty()) AddTag(&a->tags, "on-screen text");
  }
}

void MediaAnalyzer::Impl::Describe(MediaAnalysis* a) const {
  std::ostringstream d;
  const double duration = a->audio ? a->audio->duration_s : (a->shots.empty() ? a->info.duration_s : a->shots.back().shot.end_s);
  d << "A " << Fixed(duration, 0) << " s " << a->kind;
  if (!a->shots.empty()) {
    size_t cuts = 0, fades = 0, dissolves = 0;
    for (const ShotAnalysis& s : a->shots) {
      cuts += s.shot.transition_in == TransitionKind::kCut;
      fades += s.shot.transition_in == TransitionKind::kFade;
      dissolves += s.shot.transition_in == TransitionKind::kDissolve;
    }
    d << " in " << Plural(a->shots.size(), "shot");
    std::vector<std::string> parts;
    if (cuts > 0) parts.push_back(Plural(cuts, "cut"));
    if (fades > 0) parts.push_back(Plural(fades, "fade"));
    if (dissolves > 0) parts.push_back(Plural(dissolves, "dissolve"));
    if (!parts.empty()) {
      d << " (";
      for (size_t i = 0; i < parts.size(); ++i) d << (i ? ", " : "") << parts[i];
      d << ")";
    }
    d << ", mostly " << DominantColorName(a->shots[a->shots.size() / 2].shot.hist);
  }
  d << ".";
  if (!a->on_screen_text.empty()) {
    d << " On-screen text: ";
    for (size_t i = 0; i < std::min(kDescriptionTextLines, a->on_screen_text.size()); ++i) {
      d << (i ? ", " : "") << "\"" << a->on_screen_text[i] << "\"";
    }
    d << ".";
  }
  if (a->audio) {
    const audio::AudioFeatures& f = *a->audio;
    if (f.speech_fraction >= 0.15) d << " Speech makes up " << Fixed(100 * f.speech_fraction, 0) << "% of the sound";
    else if (f.music_fraction >= 0.3) d << " The sound is mostly music";
    else d << " The sound is mostly silence";
    if (f.music_fraction >= 0.3 && f.tempo_bpm > 0) d << "; music at about " << Fixed(f.tempo_bpm, 0) << " BPM";
    if (f.music_fraction >= 0.3 && f.key >= 0) d << " in " << audio::KeyName(f.key, f.mode);
    d << ".";
  }
  if (!a->transcript.segments.empty()) {
    d << " It says: \"" << Truncate(a->transcript.Text(), kDescriptionQuoteChars) << "\".";
  }
  if (!a->keywords.empty()) {
    d << " Keywords: ";
    for (size_t i = 0; i < a->keywords.size(); ++i) d << (i ? ", " : "") << a->keywords[i];
    d << ".";
  }
  a->description = d.str();
}

nlohmann::json ToJson(const MediaAnalysis& a) {
  using nlohmann::json;
  json j;
  j["version"] = kAnalysisVersion;
  j["path"] = a.info.path;
  j["kind"] = a.kind;
  j["container"] = a.info.container;
  j["duration_s"] = a.info.duration_s;
  j["tags"] = a.tags;
  j["description"] = a.description;
  j["keywords"] = a.keywords;
  j["summary"] = a.summary;
  j["analysis_cpu_s"] = a.analysis_cpu_s;
  if (a.audio) {
    const audio::AudioFeatures& f = *a.audio;
    json au;
    au["duration_s"] = f.duration_s;
    au["tempo_bpm"] = f.tempo_bpm;
    au["beat_regularity"] = f.beat_regularity;
    au["onset_rate"] = f.onset_rate;
    au["pitched_fraction"] = f.pitched_fraction;
    au["pitch_median_hz"] = f.pitch_median_hz;
    au["pitch_std_semitones"] = f.pitch_std_semitones;
    au["centroid_hz"] = f.centroid_hz;
    au["rolloff_hz"] = f.rolloff_hz;
    au["flatness"] = f.flatness;
    au["loudness_db"] = f.loudness_db;
    au["loudness_range_db"] = f.loudness_range_db;
    au["silence_fraction"] = f.silence_fraction;
    au["speech_fraction"] = f.speech_fraction;
    au["music_fraction"] = f.music_fraction;
    au["key"] = audio::KeyName(f.key, f.mode);
    au["key_strength"] = f.key_strength;
    au["chroma"] = f.chroma;
    au["mfcc_mean"] = f.mfcc_mean;
    au["mfcc_std"] = f.mfcc_std;
    json segs = json::array();
    for (const audio::Segment& s : f.segments) {
      segs.push_back({{"start_s", s.start_s}, {"end_s", s.end_s}, {"kind", std::string(audio::SegmentKindName(s.kind))}});
    }
    au["segments"] = segs;
    au["vector"] = a.audio_vector;
    j["audio"] = au;
  }
  json tr = json::array();
  for (const speech::TranscriptSegment& s : a.transcript.segments) {
    json words = json::array();
    for (const speech::Word& w : s.words) words.push_back({{"w", w.text}, {"start_s", w.start_s}, {"end_s", w.end_s}});
    tr.push_back({{"start_s", s.start_s}, {"end_s", s.end_s}, {"text", s.text}, {"words", words}});
  }
  j["transcript"] = {{"text", a.transcript.Text()}, {"segments", tr}};
  if (!a.shots.empty()) {
    json shots = json::array();
    for (const ShotAnalysis& s : a.shots) {
      json text = json::array();
      for (const TextLine& l : s.text) text.push_back({{"text", l.text}, {"confidence", l.confidence}});
      shots.push_back({{"start_s", s.shot.start_s},
                       {"end_s", s.shot.end_s},
                       {"transition_in", std::string(TransitionName(s.shot.transition_in))},
                       {"keyframe_s", s.shot.keyframe_s},
                       {"brightness", s.shot.brightness},
                       {"saturation", s.shot.saturation},
                       {"motion", s.shot.motion},
                       {"colour", DominantColorName(s.shot.hist)},
                       {"histogram", s.shot.hist},
                       {"text", text}});
    }
    j["shots"] = shots;
    j["on_screen_text"] = a.on_screen_text;
  }
  return j;
}

std::string ToText(const MediaAnalysis& a) {
  std::ostringstream out;
  out << a.info.path << ": " << a.kind << ", " << Fixed(a.info.duration_s, 1) << " s (" << a.info.container << ")\n";
  out << "  tags: ";
  for (size_t i = 0; i < a.tags.size(); ++i) out << (i ? ", " : "") << a.tags[i];
  out << "\n";
  if (a.audio) {
    const audio::AudioFeatures& f = *a.audio;
    out << "  audio: speech " << Fixed(100 * f.speech_fraction, 0) << "%, music " << Fixed(100 * f.music_fraction, 0)
        << "%, silence " << Fixed(100 * f.silence_fraction, 0) << "%; loudness " << Fixed(f.loudness_db, 1) << " dBFS\n";
    out << "  rhythm: " << (f.tempo_bpm > 0 ? Fixed(f.tempo_bpm, 1) + " BPM" : "no steady beat") << ", regularity "
        << Fixed(f.beat_regularity, 2) << ", " << Fixed(f.onset_rate, 2) << " onsets/s\n";
    out << "  pitch: ";
    if (f.pitch_median_hz > 0) {
      out << "median " << Fixed(f.pitch_median_hz, 1) << " Hz (" << audio::PitchClassName(static_cast<int>(std::lround(f.pitch_median_midi)) % 12)
          << static_cast<int>(std::lround(f.pitch_median_midi)) / 12 - 1 << "), pitched " << Fixed(100 * f.pitched_fraction, 0) << "%";
    } else {
      out << "none";
    }
    out << "; key " << (f.key >= 0 ? audio::KeyName(f.key, f.mode) + " (" + Fixed(f.key_strength, 2) + ")" : "unknown") << "\n";
  }
  for (size_t i = 0; i < a.shots.size(); ++i) {
    const Shot& s = a.shots[i].shot;
    out << "  shot " << i + 1 << ": " << Fixed(s.start_s, 2) << "-" << Fixed(s.end_s, 2) << " s, "
        << TransitionName(s.transition_in) << ", " << DominantColorName(s.hist) << ", brightness "
        << Fixed(s.brightness, 2) << ", motion " << Fixed(s.motion, 3);
    for (const TextLine& l : a.shots[i].text) out << ", text \"" << l.text << "\"";
    out << "\n";
  }
  for (const speech::TranscriptSegment& s : a.transcript.segments) {
    out << "  [" << Fixed(s.start_s, 1) << "-" << Fixed(s.end_s, 1) << "] " << s.text << "\n";
  }
  if (!a.keywords.empty()) {
    out << "  keywords: ";
    for (size_t i = 0; i < a.keywords.size(); ++i) out << (i ? ", " : "") << a.keywords[i];
    out << "\n";
  }
  out << "  description: " << a.description << "\n";
  return out.str();
}

}  // namespace encore::video
