#include "content/audio/segmenter.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace encore::audio {
namespace {

constexpr double kMinPitchHz = 40;    // below: not a pitch yinfast can track at these windows
constexpr double kMaxPitchHz = 4000;
constexpr double kMinActiveShare = 0.3;  // of a window's frames, else the window is silence
constexpr double kTransientAboveSilenceDb = 20;  // ...unless a frame is this much above the silence level

struct PitchDeleter {
  void operator()(aubio_pitch_t* p) const { del_aubio_pitch(p); }
};
struct FvecDeleter {
  void operator()(fvec_t* v) const { del_fvec(v); }
};

double Median(std::vector<float> v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

SegmentKind ClassifyWindow(const FrameTrack& t, size_t begin, size_t end, const SegmenterOptions& o) {
  const size_t n = end - begin;
  size_t active = 0;
  size_t voiced = 0;
  size_t changes = 0;
  bool prev_voiced = false;
  std::vector<float> pitches;
  double peak_db = -1e9;
  for (size_t frame_idx = begin; frame_idx < end; ++frame_idx) {
    const bool is_active = t.level_db[frame_idx] > o.silence_db;
    const bool is_voiced = is_active && t.confidence[frame_idx] >= o.min_pitch_confidence &&
                           t.pitch_hz[frame_idx] > kMinPitchHz && t.pitch_hz[frame_idx] < kMaxPitchHz;
    active += is_active;
    peak_db = std::max(peak_db, static_cast<double>(t.level_db[frame_idx]));
    voiced += is_voiced;
    if (frame_idx > begin && is_voiced != prev_voiced) ++changes;
    prev_voiced = is_voiced;
    if (is_voiced) pitches.push_back(t.pitch_hz[frame_idx]);
  }
  // Mostly quiet and no loud transient: silence. Sparse clicks or drum hits
  // leave most frames quiet too, but they are music.
  if (static_cast<double>(active) < kMinActiveShare * static_cast<double>(n) && peak_db < o.silence_db + kTransientAboveSilenceDb) {
    return SegmentKind::kSilence;
  }
  const double seconds = static_cast<double>(n) * t.frame_s;
  const double voiced_share = static_cast<double>(voiced) / static_cast<double>(active);
  const double change_rate = static_cast<double>(changes) / seconds;
  const double median_hz = Median(pitches);
  const bool speech = change_rate >= o.min_voicing_changes && voiced_share >= o.min_voiced_share &&
                      voiced_share <= o.max_voiced_share && median_hz >= o.min_voice_hz &&
                      median_hz <= o.max_voice_hz;
  return speech ? SegmentKind::kSpeech : SegmentKind::kMusic;
}

}  // namespace

std::string_view SegmentKindName(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kSilence: return "silence";
    case SegmentKind::kSpeech: return "speech";
    case SegmentKind::kMusic: return "music";
  }
  return "unknown";
}

StatusOr<FrameTrack> TrackFrames(const media::AudioBuffer& audio) {
  if (audio.sample_rate < 8000) return InvalidArgument("audio sample rate must be >= 8000 Hz");
  // ~23 ms hops at 22.05/44.1 kHz, 16 ms at 16 kHz; the window covers two periods of 40 Hz.
  const uint_t hop = audio.sample_rate >= 22050 ? 512 : 256;
  const uint_t window = 4 * hop;
  std::unique_ptr<aubio_pitch_t, PitchDeleter> pitch(
      new_aubio_pitch("yinfast", window, hop, static_cast<uint_t>(audio.sample_rate)));
  std::unique_ptr<fvec_t, FvecDeleter> in(new_fvec(hop));
  std::unique_ptr<fvec_t, FvecDeleter> out(new_fvec(1));
  if (!pitch || !in || !out) return Internal("aubio could not create a yinfast pitch detector");
  aubio_pitch_set_unit(pitch.get(), "Hz");
  aubio_pitch_set_silence(pitch.get(), -90);
  FrameTrack track;
  track.frame_s = static_cast<double>(hop) / audio.sample_rate;
  const size_t frames = audio.samples.size() / hop;
  track.level_db.reserve(frames);
  track.pitch_hz.reserve(frames);
  track.confidence.reserve(frames);
  for (size_t frame_idx = 0; frame_idx < frames; ++frame_idx) {
    const float* src = audio.samples.data() + frame_idx * hop;
    double energy = 0;
    for (uint_t i = 0; i < hop; ++i) {
      in->data[i] = src[i];
      energy += static_cast<double>(src[i]) * src[i];
    }
    aubio_pitch_do(pitch.get(), in.get(), out.get());
    track.level_db.push_back(static_cast<float>(10.0 * std::log10(energy / hop + 1e-12)));
    track.pitch_hz.push_back(out->data[0]);
    track.confidence.push_back(aubio_pitch_get_confidence(pitch.get()));
  }
  return track;
}

std::vector<Segment> SegmentFrames(const FrameTrack& track, const SegmenterOptions& options) {
  std::vector<Segment> segments;
  const size_t frames = track.level_db.size();
  if (frames == 0 || track.frame_s <= 0) return segments;
  const size_t per_window = std::max<size_t>(1, static_cast<size_t>(std::lround(options.window_s / track.frame_s)));
  std::vector<SegmentKind> labels;
  std::vector<std::pair<size_t, size_t>> bounds;
  for (size_t begin = 0; begin < frames; begin += per_window) {
    size_t end = std::min(frames, begin + per_window);
    // A short tail joins the previous window.
    if (end - begin < per_window / 2 && !bounds.empty()) {
      bounds.back().second = end;
      break;
    }
    bounds.emplace_back(begin, end);
  }
  for (auto [begin, end] : bounds) labels.push_back(ClassifyWindow(track, begin, end, options));
  // Median smoothing: a lone window between two agreeing neighbours takes their label.
  for (size_t i = 1; i + 1 < labels.size(); ++i) {
    if (labels[i - 1] == labels[i + 1] && labels[i] != labels[i - 1] && labels[i - 1] != SegmentKind::kSilence) {
      labels[i] = labels[i - 1];
    }
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    double start = static_cast<double>(bounds[i].first) * track.frame_s;
    double end = static_cast<double>(bounds[i].second) * track.frame_s;
    if (!segments.empty() && segments.back().kind == labels[i]) {
      segments.back().end_s = end;
    } else {
      segments.push_back({start, end, labels[i]});
    }
  }
  return segments;
}

StatusOr<std::vector<Segment>> SegmentAudio(const media::AudioBuffer& audio, const SegmenterOptions& options) {
  ENCORE_ASSIGN_OR_RETURN(FrameTrack track, TrackFrames(audio));
  return SegmentFrames(track, options);
}

double TotalSeconds(const std::vector<Segment>& segments, SegmentKind kind) {
  double total = 0;
  for (const Segment& s : segments) {
    if (s.kind == kind) total += s.end_s - s.start_s;
  }
  return total;
}

}  // namespace encore::audio
