#include "content/video/shots.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace encore::video {
namespace {

struct Boundary {
  double time_s = 0;
  TransitionKind kind = TransitionKind::kCut;
  double strength = 0;
};

double MedianSpacing(const std::vector<FrameSignature>& frames) {
  std::vector<double> dt;
  for (size_t i = 1; i < frames.size(); ++i) dt.push_back(frames[i].time_s - frames[i - 1].time_s);
  if (dt.empty()) return 0.1;
  std::nth_element(dt.begin(), dt.begin() + static_cast<std::ptrdiff_t>(dt.size() / 2), dt.end());
  return std::max(1e-3, dt[dt.size() / 2]);
}

}  // namespace

std::string_view TransitionName(TransitionKind kind) {
  switch (kind) {
    case TransitionKind::kStart: return "start";
    case TransitionKind::kCut: return "cut";
    case TransitionKind::kFade: return "fade";
    case TransitionKind::kDissolve: return "dissolve";
  }
  return "unknown";
}

Status ShotOptions::Validate() const {
  if (!(frames_per_second > 0) || max_width < kThumbWidth || !(context_s > 0) || min_shot_s < 0) {
    return InvalidArgument("shot options: frames_per_second and context_s must be > 0, max_width >= 32");
  }
  return Status::Ok();
}

FrameSignature Signature(const media::VideoFrame& frame) {
  ENCORE_CHECK(frame.channels == 3);
  FrameSignature sig;
  sig.time_s = frame.time_s;
  const int w = frame.width, h = frame.height;
  std::array<double, kHistBins> hist{};
  std::vector<double> thumb(kThumbWidth * kThumbHeight, 0.0);
  std::vector<int> thumb_count(kThumbWidth * kThumbHeight, 0);
  double luma_sum = 0, sat_sum = 0;
  for (int y = 0; y < h; ++y) {
    const uint8_t* row = frame.data.data() + static_cast<size_t>(y) * w * 3;
    const int ty = y * kThumbHeight / h;
    for (int x = 0; x < w; ++x) {
      const int r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
      hist[static_cast<size_t>((r >> 6) * 16 + (g >> 6) * 4 + (b >> 6))] += 1;
      const double luma = 0.299 * r + 0.587 * g + 0.114 * b;
      luma_sum += luma;
      const int mx = std::max({r, g, b}), mn = std::min({r, g, b});
      sat_sum += mx > 0 ? static_cast<double>(mx - mn) / mx : 0.0;
      const size_t cell = static_cast<size_t>(ty * kThumbWidth + x * kThumbWidth / w);
      thumb[cell] += luma;
      ++thumb_count[cell];
    }
  }
  const double pixels = std::max(1.0, static_cast<double>(w) * h);
  for (int i = 0; i < kHistBins; ++i) sig.hist[static_cast<size_t>(i)] = static_cast<float>(hist[static_cast<size_t>(i)] / pixels);
  sig.brightness = static_cast<float>(luma_sum / pixels / 255.0);
  sig.saturation = static_cast<float>(sat_sum / pixels);
  for (size_t c = 0; c < thumb.size(); ++c) {
    sig.thumb[c] = static_cast<uint8_t>(thumb_count[c] > 0 ? std::lround(thumb[c] / thumb_count[c]) : 0);
  }
  return sig;
}

double HistDistance(const std::array<float, kHistBins>& a, const std::array<float, kHistBins>& b) {
  double d = 0;
  for (int i = 0; i < kHistBins; ++i) d += std::abs(a[static_cast<size_t>(i)] - b[static_cast<size_t>(i)]);
  return 0.5 * d;
}

std::vector<Shot> SegmentShots(const std::vector<FrameSignature>& frames, double duration_s, const ShotOptions& o) {
  std::vector<Shot> shots;
  const auto n = static_cast<int64_t>(frames.size());
  if (n == 0) return shots;
  const double spacing = MedianSpacing(frames);
  const auto k = std::max<int64_t>(1, std::lround(o.context_s / spacing));
  auto at = [&](int64_t i) -> const FrameSignature& { return frames[static_cast<size_t>(i)]; };

  // d: [n], d[i] = distance between samples i-1 and i (d[0] = 0).
  std::vector<double> d(static_cast<size_t>(n), 0.0);
  for (int64_t i = 1; i < n; ++i) d[static_cast<size_t>(i)] = HistDistance(at(i - 1).hist, at(i).hist);

  std::vector<Boundary> boundaries;
  std::vector<bool> is_cut(static_cast<size_t>(n), false);
  for (int64_t i = 1; i < n; ++i) {
    const double di = d[static_cast<size_t>(i)];
    if (di <= o.cut_threshold) continue;
    double context = 0;
    for (int64_t j = std::max<int64_t>(1, i - k); j <= std::min(n - 1, i + k); ++j) {
      if (j != i) context = std::max(context, d[static_cast<size_t>(j)]);
    }
    if (di < o.cut_contrast * context) continue;
    // Both sides must be stable: in a dissolve the samples next to a large
    // step are themselves blends and keep changing.
    const double before = i >= 3 ? HistDistance(at(i - 3).hist, at(i - 1).hist) : 0.0;
    const double after = i + 2 < n ? HistDistance(at(i).hist, at(i + 2).hist) : 0.0;
    if (before + after > o.cut_stability * di) continue;
    is_cut[static_cast<size_t>(i)] = true;
    boundaries.push_back({0.5 * (at(i - 1).time_s + at(i).time_s), TransitionKind::kCut, di});
  }

  // g: [n], distance between the samples k before and k after.
  std::vector<double> g(static_cast<size_t>(n), 0.0);
  for (int64_t i = k; i + k < n; ++i) g[static_cast<size_t>(i)] = HistDistance(at(i - k).hist, at(i + k).hist);
  for (int64_t i = k; i + k < n; ++i) {
    const double gi = g[static_cast<size_t>(i)];
    if (gi <= o.gradual_threshold) continue;
    bool peak = true, cut_inside = false;
    for (int64_t j = i - k; j <= i + k; ++j) {
      if (g[static_cast<size_t>(j)] > gi || (j < i && g[static_cast<size_t>(j)] == gi)) peak = false;
      if (j > i - k && is_cut[static_cast<size_t>(j)]) cut_inside = true;
    }
    if (!peak || cut_inside) continue;
    // A fade dips well below both shots, measured outside the transition
    // (+-2k); a dissolve from a dark shot does not dip. The boundary is the
    // centre of the darkest run for a fade, else the centre of mass of the
    // consecutive changes (where the pictures blend).
    const int64_t lo_w = std::max<int64_t>(0, i - 2 * k), hi_w = std::min(n - 1, i + 2 * k);
    int64_t darkest = i - k;
    for (int64_t j = i - k; j <= i + k; ++j) {
      if (at(j).brightness < at(darkest).brightness) darkest = j;
    }
    const float sides = std::min(at(lo_w).brightness, at(hi_w).brightness);
    Boundary b{at(i).time_s, TransitionKind::kDissolve, gi};
    if (at(darkest).brightness < o.black_level && at(darkest).brightness < 0.5f * sides) {
      b.kind = TransitionKind::kFade;
      int64_t lo = darkest, hi = darkest;
      const float limit = at(darkest).brightness + 0.02f;
      while (lo > 0 && at(lo - 1).brightness <= limit) --lo;
      while (hi + 1 < n && at(hi + 1).brightness <= limit) ++hi;
      b.time_s = 0.5 * (at(lo).time_s + at(hi).time_s);
    } else {
      double mass = 0, weighted = 0;
      for (int64_t j = i - k + 1; j <= i + k; ++j) {
        const double t = 0.5 * (at(j - 1).time_s + at(j).time_s);
        mass += d[static_cast<size_t>(j)];
        weighted += d[static_cast<size_t>(j)] * t;
      }
      if (mass > 0) b.time_s = weighted / mass;
    }
    boundaries.push_back(b);
  }

  std::sort(boundaries.begin(), boundaries.end(), [](const Boundary& a, const Boundary& b) { return a.time_s < b.time_s; });
  std::vector<Boundary> merged;
  for (const Boundary& b : boundaries) {
    if (b.time_s < o.min_shot_s / 2 || b.time_s > duration_s - o.min_shot_s / 2) continue;
    if (!merged.empty() && b.time_s - merged.back().time_s < o.min_shot_s) {
      if (b.strength > merged.back().strength) merged.back() = b;
      continue;
    }
    merged.push_back(b);
  }

  double start = 0;
  TransitionKind kind = TransitionKind::kStart;
  auto close_shot = [&](double end, TransitionKind next_kind) {
    Shot shot;
    shot.start_s = start;
    shot.end_s = end;
    shot.transition_in = kind;
    shot.keyframe_s = 0.5 * (start + end);
    std::array<double, kHistBins> hist{};
    double brightness = 0, saturation = 0, motion = 0;
    int count = 0, pairs = 0;
    const FrameSignature* prev = nullptr;
    for (const FrameSignature& f : frames) {
      if (f.time_s < start || f.time_s >= end) continue;
      for (int b = 0; b < kHistBins; ++b) hist[static_cast<size_t>(b)] += f.hist[static_cast<size_t>(b)];
      brightness += f.brightness;
      saturation += f.saturation;
      if (prev != nullptr) {
        double diff = 0;
        for (size_t c = 0; c < f.thumb.size(); ++c) diff += std::abs(static_cast<int>(f.thumb[c]) - prev->thumb[c]);
        motion += diff / (255.0 * static_cast<double>(f.thumb.size()));
        ++pairs;
      }
      prev = &f;
      ++count;
    }
    if (count > 0) {
      for (int b = 0; b < kHistBins; ++b) shot.hist[static_cast<size_t>(b)] = static_cast<float>(hist[static_cast<size_t>(b)] / count);
      shot.brightness = static_cast<float>(brightness / count);
      shot.saturation = static_cast<float>(saturation / count);
    }
    shot.motion = pairs > 0 ? static_cast<float>(motion / pairs) : 0.0f;
    shots.push_back(shot);
    start = end;
    kind = next_kind;
  };
  for (const Boundary& b : merged) close_shot(b.time_s, b.kind);
  close_shot(std::max(duration_s, start), TransitionKind::kStart);
  return shots;
}

StatusOr<std::vector<Shot>> DetectShots(const std::string& path, const ShotOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  media::VideoDecodeOptions decode;
  decode.frames_per_second = options.frames_per_second;
  decode.max_width = options.max_width;
  decode.format = media::PixelFormat::kRgb24;
  decode.max_seconds = options.max_seconds;
  std::vector<FrameSignature> frames;
  ENCORE_RETURN_IF_ERROR(media::ForEachVideoFrame(path, decode, [&](const media::VideoFrame& frame) {
    frames.push_back(Signature(frame));
    return Status::Ok();
  }));
  const double duration = frames.back().time_s + 1.0 / options.frames_per_second;
  return SegmentShots(frames, duration, options);
}

std::string DominantColorName(const std::array<float, kHistBins>& hist) {
  const auto best = static_cast<int>(std::max_element(hist.begin(), hist.end()) - hist.begin());
  // Bin centres on the 0..3 level scale of each channel.
  const int r = best / 16, g = (best / 4) % 4, b = best % 4;
  const int mx = std::max({r, g, b}), mn = std::min({r, g, b});
  if (mx == 0) return "black";
  if (mx - mn <= 0) return mx == 3 ? "white" : (mx == 1 ? "dark grey" : "grey");
  std::string name;
  if (r == mx && g == mx) name = "yellow";
  else if (r == mx && b == mx) name = "magenta";
  else if (g == mx && b == mx) name = "cyan";
  else if (r == mx) name = g > b ? "orange" : "red";
  else if (g == mx) name = "green";
  else name = "blue";
  return mx <= 1 ? "dark " + name : name;
}

}  // namespace encore::video
