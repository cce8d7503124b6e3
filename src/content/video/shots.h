// Shot-boundary detection and per-shot visual features.
//
// Frames are sampled at `frames_per_second` and reduced to a 64-bin RGB
// histogram (4x4x4), mean brightness and saturation, and a 32x24 grey
// thumbnail. Boundaries:
//   - hard cut: the histogram distance (half L1, in [0, 1]) between two
//     consecutive samples exceeds `cut_threshold` and is at least
//     `cut_contrast` times every other consecutive distance within
//     +-`context_s` (camera motion and flashes change several frames alike),
//     and the changes over two samples before and after it sum to at most
//     `cut_stability` times the cut (in a dissolve they are blends that keep
//     changing);
//   - gradual (fade through black, dissolve): the distance between the
//     samples `context_s` before and after a frame peaks above
//     `gradual_threshold` with no hard cut inside that span; a fade when the
//     darkest sample of the span is below `black_level` and under half the
//     brightness of the samples 2 x `context_s` before and after, else a
//     dissolve; a fade is placed at the centre of its darkest run, a dissolve
//     at the centre of mass of the consecutive changes around it;
//   - boundaries closer than `min_shot_s` are merged, keeping the stronger.
// Per shot: the mean histogram, brightness, saturation, motion energy (mean
// absolute difference of consecutive thumbnails, in [0, 1]) and the keyframe
// time (the middle sample of the shot).
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "content/media/decoder.h"
#include "core/status.h"

namespace encore::video {

inline constexpr int kHistBins = 64;  // 4 levels per R, G, B channel
inline constexpr int kThumbWidth = 32;
inline constexpr int kThumbHeight = 24;

enum class TransitionKind { kStart = 0, kCut = 1, kFade = 2, kDissolve = 3 };
std::string_view TransitionName(TransitionKind kind);

struct ShotOptions {
  double frames_per_second = 10;  // sampling rate for detection
  int max_width = 160;            // samples are scaled down to this width
  double cut_threshold = 0.35;
  double cut_contrast = 2.0;
  double cut_stability = 0.5;     // the two sides of a cut together change at most this share of it
  double gradual_threshold = 0.45;
  double context_s = 0.5;
  double black_level = 0.12;      // mean brightness in [0, 1] below which a sample is "black"
  double min_shot_s = 0.6;
  double max_seconds = 900;       // analyse at most this much video
  Status Validate() const;
};

// What is kept of one sampled frame.
struct FrameSignature {
  double time_s = 0;
  std::array<float, kHistBins> hist{};   // sums to 1
  float brightness = 0;                  // mean luma in [0, 1]
  float saturation = 0;                  // mean HSV saturation in [0, 1]
  std::array<uint8_t, kThumbWidth * kThumbHeight> thumb{};  // grey, row-major
};

struct Shot {
  double start_s = 0;
  double end_s = 0;
  TransitionKind transition_in = TransitionKind::kStart;
  double keyframe_s = 0;
  std::array<float, kHistBins> hist{};
  float brightness = 0;
  float saturation = 0;
  float motion = 0;
};

// Reduces an RGB24 frame to its signature. REQUIRES: frame.channels == 3.
FrameSignature Signature(const media::VideoFrame& frame);

// Half L1 distance of two histograms, in [0, 1].
double HistDistance(const std::array<float, kHistBins>& a, const std::array<float, kHistBins>& b);

// Segments a sequence of signatures (in time order) into shots covering
// [0, duration_s).
std::vector<Shot> SegmentShots(const std::vector<FrameSignature>& frames, double duration_s,
                               const ShotOptions& options = {});

// Decodes `path` and segments it. Errors as media::ForEachVideoFrame.
StatusOr<std::vector<Shot>> DetectShots(const std::string& path, const ShotOptions& options = {});

// A coarse colour name for a histogram's dominant bin ("red", "dark blue", "grey"...).
std::string DominantColorName(const std::array<float, kHistBins>& hist);

}  // namespace encore::video
