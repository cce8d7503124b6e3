#include "content/audio/features.h"

#include <aubio/aubio.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

namespace encore::audio {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMelFilters = 40;
constexpr uint_t kRhythmWindow = 1024;   // aubio tempo/onset window (hop = options.hop)
constexpr double kRolloffShare = 0.85;
constexpr double kChromaMinHz = 55;       // A1
constexpr double kChromaMaxHz = 5000;
constexpr double kPeakFloorRatio = 1e-3;  // spectral peaks weaker than this x frame max are ignored
constexpr double kEps = 1e-12;
constexpr int kKeys = 2 * kPitchClasses;
constexpr double kOnsetSilenceDb = -150;

// Krumhansl-Kessler key profiles (Krumhansl 1990), tonic first.
constexpr std::array<double, kPitchClasses> kMajorProfile = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                                             2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, kPitchClasses> kMinorProfile = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                                             2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

template <typename T, void (*Del)(T*)>
struct AubioDeleter {
  void operator()(T* p) const {
    if (p != nullptr) Del(p);
  }
};
using Fvec = std::unique_ptr<fvec_t, AubioDeleter<fvec_t, del_fvec>>;
using Cvec = std::unique_ptr<cvec_t, AubioDeleter<cvec_t, del_cvec>>;
using Pvoc = std::unique_ptr<aubio_pvoc_t, AubioDeleter<aubio_pvoc_t, del_aubio_pvoc>>;
using Pitch = std::unique_ptr<aubio_pitch_t, AubioDeleter<aubio_pitch_t, del_aubio_pitch>>;
using Onset = std::unique_ptr<aubio_onset_t, AubioDeleter<aubio_onset_t, del_aubio_onset>>;
using Mfcc = std::unique_ptr<aubio_mfcc_t, AubioDeleter<aubio_mfcc_t, del_aubio_mfcc>>;

bool IsPowerOfTwo(int v) { return v > 0 && (v & (v - 1)) == 0; }

double Percentile(std::vector<float> v, double q) {
  if (v.empty()) return 0;
  auto k = static_cast<std::ptrdiff_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[static_cast<size_t>(k)];
}

struct Running {
  double sum = 0;
  double sum_sq = 0;
  int64_t n = 0;
  void Add(double v) {
    sum += v;
    sum_sq += v * v;
    ++n;
  }
  double Mean() const { return n > 0 ? sum / static_cast<double>(n) : 0.0; }
  double Std() const {
    if (n < 2) return 0;
    double m = Mean();
    return std::sqrt(std::max(0.0, sum_sq / static_cast<double>(n) - m * m));
  }
};

// Tempo in two steps. (1) The beat period: autocorrelation of the onset
// detection function over 50-200 BPM; among its peaks the shortest lag whose
// strength is within kOctaveShare of the strongest wins (a click track's
// autocorrelation is as strong at 2x the period as at the period; aubio's own
// beat tracker reads 120 BPM clicks as 61.5). (2) Sub-frame precision: the
// least-squares slope of onset time against beat number, over the onsets that
// sit on that grid. Regularity: share of onsets on the grid, discounted by
// their timing jitter.
void EstimateTempo(const std::vector<float>& odf, double frame_s, const std::vector<double>& onsets,
                   double duration_s, AudioFeatures* f) {
  constexpr double kMinBpm = 50, kMaxBpm = 200, kOctaveShare = 0.7, kGridTolerance = 0.15;
  const auto n = static_cast<int64_t>(odf.size());
  const auto min_lag = static_cast<int64_t>(std::ceil(60.0 / kMaxBpm / frame_s));
  const auto max_lag = static_cast<int64_t>(std::ceil(60.0 / kMinBpm / frame_s));
  if (onsets.size() < 4 || n < 2 * max_lag) return;
  // Local-mean removal and half-wave rectification: only rises in novelty count.
  std::vector<double> novelty(odf.size());
  const int64_t half = 8;
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0;
    int64_t cnt = 0;
    for (int64_t j = std::max<int64_t>(0, i - half); j <= std::min(n - 1, i + half); ++j, ++cnt) sum += odf[static_cast<size_t>(j)];
    novelty[static_cast<size_t>(i)] = std::max(0.0, odf[static_cast<size_t>(i)] - sum / static_cast<double>(cnt));
  }
  // acf: [max_lag + 3], unbiased (divided by the overlap length).
  std::vector<double> acf(static_cast<size_t>(max_lag + 3), 0.0);
  for (int64_t lag = std::max<int64_t>(1, min_lag - 2); lag <= max_lag + 2; ++lag) {
    double sum = 0;
    for (int64_t i = 0; i + lag < n; ++i) sum += novelty[static_cast<size_t>(i)] * novelty[static_cast<size_t>(i + lag)];
    acf[static_cast<size_t>(lag)] = sum / static_cast<double>(n - lag);
  }
  // smooth: [max_lag + 2], three-lag sums. A period between two lags (126 BPM
  // is 20.5 hops) splits its peak over both, and the unsplit peak at twice
  // the period would otherwise win.
  std::vector<double> smooth(static_cast<size_t>(max_lag + 2), 0.0);
  for (int64_t lag = std::max<int64_t>(2, min_lag - 1); lag <= max_lag + 1; ++lag) {
    smooth[static_cast<size_t>(lag)] =
        acf[static_cast<size_t>(lag - 1)] + acf[static_cast<size_t>(lag)] + acf[static_cast<size_t>(lag + 1)];
  }
  double best = 0;
  for (int64_t lag = min_lag; lag <= max_lag; ++lag) best = std::max(best, smooth[static_cast<size_t>(lag)]);
  if (best <= 0) return;
  double period = 0;
  for (int64_t lag = std::max<int64_t>(min_lag, 3); lag <= max_lag; ++lag) {
    const double a = smooth[static_cast<size_t>(lag - 1)], b = smooth[static_cast<size_t>(lag)], c = smooth[static_cast<size_t>(lag + 1)];
    if (b >= a && b >= c && b >= kOctaveShare * best) {
      const double denom = a - 2 * b + c;
      const double delta = denom < 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
      period = (static_cast<double>(lag) + delta) * frame_s;
      break;
    }
  }
  if (period <= 0) return;
  // Refine on the onsets: try the first onsets as grid anchors, keep the fit
  // with most onsets on the grid. The coarse period drifts off the grid over a
  // long track, so each fit is iterated from short to the full length.
  int best_inliers = 0;
  double best_period = period, best_rms = 0;
  for (size_t anchor = 0; anchor < std::min<size_t>(8, onsets.size()); ++anchor) {
    double p = period;
    int inliers = 0;
    double rms = 0;
    for (double horizon : {4.0, 16.0, 64.0, 1e9}) {
      double sx = 0, sy = 0, sxx = 0, sxy = 0;
      int count = 0;
      for (double t : onsets) {
        const double k = std::round((t - onsets[anchor]) / p);
        if (std::abs(k) > horizon || std::abs((t - onsets[anchor]) - k * p) > kGridTolerance * p) continue;
        sx += k;
        sy += t;
        sxx += k * k;
        sxy += k * t;
        ++count;
      }
      const double denom = count * sxx - sx * sx;
      if (count < 3 || denom <= 0) break;
      const double slope = (count * sxy - sx * sy) / denom;
      if (!(slope > 0.9 * p && slope < 1.1 * p)) break;
      const double intercept = (sy - slope * sx) / count;
      double sq = 0;
      for (double t : onsets) {
        const double k = std::round((t - onsets[anchor]) / p);
        if (std::abs(k) > horizon || std::abs((t - onsets[anchor]) - k * p) > kGridTolerance * p) continue;
        const double fit = t - (intercept + slope * k);
        sq += fit * fit;
      }
      p = slope;
      inliers = count;
      rms = std::sqrt(sq / count);
    }
    if (inliers > best_inliers) {
      best_inliers = inliers;
      best_period = p;
      best_rms = rms;
    }
  }
  if (best_inliers < 4) best_inliers = 0;
  f->tempo_bpm = 60.0 / best_period;
  f->beats = static_cast<int>(duration_s / best_period);
  const double on_grid = static_cast<double>(best_inliers) / static_cast<double>(onsets.size());
  f->beat_regularity = std::clamp(on_grid * (1.0 - best_rms / (0.25 * best_period)), 0.0, 1.0);
}

void EstimateKey(AudioFeatures* f) {
  double total = std::accumulate(f->chroma.begin(), f->chroma.end(), 0.0);
  if (total <= 0) return;
  auto correlate = [&](const std::array<double, kPitchClasses>& profile, int tonic) {
    double mc = total / kPitchClasses;
    double mp = std::accumulate(profile.begin(), profile.end(), 0.0) / kPitchClasses;
    double num = 0, dc = 0, dp = 0;
    for (int pc = 0; pc < kPitchClasses; ++pc) {
      double c = f->chroma[static_cast<size_t>(pc)] - mc;
      double p = profile[static_cast<size_t>((pc - tonic + kPitchClasses) % kPitchClasses)] - mp;
      num += c * p;
      dc += c * c;
      dp += p * p;
    }
    return dc > 0 && dp > 0 ? num / std::sqrt(dc * dp) : 0.0;
  };
  double best = -2;
  for (int key_idx = 0; key_idx < kKeys; ++key_idx) {
    const bool minor = key_idx >= kPitchClasses;
    int tonic = key_idx % kPitchClasses;
    double r = correlate(minor ? kMinorProfile : kMajorProfile, tonic);
    if (r > best) {
      best = r;
      f->key = tonic;
      f->mode = minor ? Mode::kMinor : Mode::kMajor;
    }
  }
  f->key_strength = best;
}

}  // namespace

std::string PitchClassName(int pc) {
  static const char* kNames[kPitchClasses] = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};
  return pc >= 0 && pc < kPitchClasses ? kNames[pc] : "";
}

std::string KeyName(int key, Mode mode) {
  if (key < 0) return "";
  return PitchClassName(key) + (mode == Mode::kMinor ? " minor" : " major");
}

StatusOr<AudioFeatures> ExtractAudioFeatures(const media::AudioBuffer& audio, const AudioFeatureOptions& o) {
  if (!IsPowerOfTwo(o.window) || !IsPowerOfTwo(o.hop) || o.hop > o.window) {
    return InvalidArgument("audio window and hop must be powers of two with hop <= window");
  }
  if (audio.sample_rate < 8000) return InvalidArgument("audio sample rate must be >= 8000 Hz");
  const auto sr = static_cast<uint_t>(audio.sample_rate);
  const auto win = static_cast<uint_t>(o.window);
  const auto hop = static_cast<uint_t>(o.hop);
  const size_t frames = audio.samples.size() / hop;
  if (frames < 4) return InvalidArgument("audio too short to analyse (" + std::to_string(audio.duration_s()) + " s)");

  Fvec in(new_fvec(hop));
  Fvec one(new_fvec(1));
  Fvec mfcc_out(new_fvec(kMfccCoefficients));
  Cvec grain(new_cvec(win));
  Pvoc pvoc(new_aubio_pvoc(win, hop));
  Pitch pitch(new_aubio_pitch("yinfast", win, hop, sr));
  Onset onset(new_aubio_onset("default", kRhythmWindow, hop, sr));
  Mfcc mfcc(new_aubio_mfcc(win, kMelFilters, kMfccCoefficients, sr));
  if (!in || !one || !mfcc_out || !grain || !pvoc || !pitch || !onset || !mfcc) {
    return Internal("aubio could not create its analysers for rate " + std::to_string(sr) + " Hz");
  }
  aubio_pitch_set_unit(pitch.get(), "Hz");
  aubio_pitch_set_silence(pitch.get(), -90);
  // aubio confirms an onset a hop or two after it starts and drops it when that
  // later hop is "silent"; a click shorter than a hop followed by digital
  // silence would be lost at the default -70 dB.
  aubio_onset_set_silence(onset.get(), kOnsetSilenceDb);

  AudioFeatures f;
  f.duration_s = audio.duration_s();
  FrameTrack track;
  track.frame_s = static_cast<double>(hop) / sr;
  track.level_db.reserve(frames);
  track.pitch_hz.reserve(frames);
  track.confidence.reserve(frames);

  const size_t bins = win / 2 + 1;
  const double bin_hz = static_cast<double>(sr) / win;
  std::vector<double> power(bins);
  std::vector<double> chroma(kPitchClasses, 0.0);
  std::vector<double> onset_times;
  std::vector<float> odf;  // onset detection function, one value per hop
  odf.reserve(frames);
  int64_t onsets = 0;
  int64_t silent = 0;
  Running centroid, rolloff, flatness;
  std::array<Running, kMfccCoefficients> mfcc_stats;
  std::vector<float> active_db;
  std::vector<float> pitched_midi;
  std::vector<float> pitched_hz;
  double active_power = 0;

  for (size_t frame_idx = 0; frame_idx < frames; ++frame_idx) {
    const float* src = audio.samples.data() + frame_idx * hop;
    double energy = 0;
    for (uint_t i = 0; i < hop; ++i) {
      in->data[i] = src[i];
      energy += static_cast<double>(src[i]) * src[i];
    }
    const double mean_power = energy / hop;
    const float level = static_cast<float>(10.0 * std::log10(mean_power + kEps));

    aubio_onset_do(onset.get(), in.get(), one.get());
    odf.push_back(aubio_onset_get_descriptor(onset.get()));
    if (one->data[0] != 0) {
      ++onsets;
      // aubio reports an onset at 0 whenever a file starts with sound, ~30 ms
      // earlier than its later onsets are timed; it would skew the grid fit.
      const double t = aubio_onset_get_last_s(onset.get());
      if (t > track.frame_s) onset_times.push_back(t);
    }
    aubio_pitch_do(pitch.get(), in.get(), one.get());
    const float hz = one->data[0];
    const float conf = aubio_pitch_get_confidence(pitch.get());
    aubio_pvoc_do(pvoc.get(), in.get(), grain.get());

    track.level_db.push_back(level);
    track.pitch_hz.push_back(hz);
    track.confidence.push_back(conf);

    if (level <= o.silence_db) {
      ++silent;
      continue;
    }
    active_db.push_back(level);
    active_power += mean_power;
    if (conf >= o.min_pitch_confidence && hz > 40 && hz < 4000) {
      pitched_hz.push_back(hz);
      pitched_midi.push_back(static_cast<float>(69.0 + 12.0 * std::log2(hz / 440.0)));
    }

    // Spectral shape from the magnitude spectrum.
    double mag_sum = 0, weighted = 0, power_sum = 0, log_sum = 0, max_power = 0;
    for (size_t k = 0; k < bins; ++k) {
      const double m = grain->norm[k];
      power[k] = m * m;
      mag_sum += m;
      weighted += m * k * bin_hz;
      power_sum += power[k];
      log_sum += std::log(power[k] + kEps);
      max_power = std::max(max_power, power[k]);
    }
    if (mag_sum > 0) centroid.Add(weighted / mag_sum);
    double cumulative = 0;
    for (size_t k = 0; k < bins; ++k) {
      cumulative += power[k];
      if (cumulative >= kRolloffShare * power_sum) {
        rolloff.Add(k * bin_hz);
        break;
      }
    }
    flatness.Add(std::exp(log_sum / bins) / (power_sum / bins + kEps));

    aubio_mfcc_do(mfcc.get(), grain.get(), mfcc_out.get());
    for (int c = 0; c < kMfccCoefficients; ++c) mfcc_stats[static_cast<size_t>(c)].Add(mfcc_out->data[c]);

    // Chroma from spectral peaks, each at its parabolically interpolated frequency.
    for (size_t k = 1; k + 1 < bins; ++k) {
      if (power[k] <= power[k - 1] || power[k] < power[k + 1] || power[k] < kPeakFloorRatio * max_power) continue;
      const double a = std::log(power[k - 1] + kEps), b = std::log(power[k] + kEps), c = std::log(power[k + 1] + kEps);
      const double denom = a - 2 * b + c;
      const double delta = denom != 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
      const double freq = (static_cast<double>(k) + delta) * bin_hz;
      if (freq < kChromaMinHz || freq > kChromaMaxHz) continue;
      const long note = std::lround(69.0 + 12.0 * std::log2(freq / 440.0));
      chroma[static_cast<size_t>(((note % kPitchClasses) + kPitchClasses) % kPitchClasses)] += std::sqrt(power[k]);
    }
  }

  EstimateTempo(odf, static_cast<double>(hop) / sr, onset_times, f.duration_s, &f);
  f.onset_rate = static_cast<double>(onsets) / std::max(f.duration_s, kEps);
  f.silence_fraction = static_cast<double>(silent) / static_cast<double>(frames);
  if (!active_db.empty()) {
    f.loudness_db = 10.0 * std::log10(active_power / static_cast<double>(active_db.size()) + kEps);
    f.loudness_range_db = Percentile(active_db, 0.95) - Percentile(active_db, 0.10);
    f.pitched_fraction = static_cast<double>(pitched_hz.size()) / static_cast<double>(active_db.size());
  }
  if (!pitched_hz.empty()) {
    f.pitch_median_hz = Percentile(pitched_hz, 0.5);
    f.pitch_median_midi = 69.0 + 12.0 * std::log2(f.pitch_median_hz / 440.0);
    Running midi;
    for (float m : pitched_midi) midi.Add(m);
    f.pitch_std_semitones = midi.Std();
  }
  for (int c = 0; c < kMfccCoefficients; ++c) {
    f.mfcc_mean[static_cast<size_t>(c)] = static_cast<float>(mfcc_stats[static_cast<size_t>(c)].Mean());
    f.mfcc_std[static_cast<size_t>(c)] = static_cast<float>(mfcc_stats[static_cast<size_t>(c)].Std());
  }
  f.centroid_hz = centroid.Mean();
  f.rolloff_hz = rolloff.Mean();
  f.flatness = flatness.Mean();
  double chroma_total = std::accumulate(chroma.begin(), chroma.end(), 0.0);
  if (chroma_total > 0) {
    for (int pc = 0; pc < kPitchClasses; ++pc) {
      f.chroma[static_cast<size_t>(pc)] = static_cast<float>(chroma[static_cast<size_t>(pc)] / chroma_total);
    }
    EstimateKey(&f);
  }
  f.segments = SegmentFrames(track, o.segmenter);
  if (f.duration_s > 0) {
    f.speech_fraction = TotalSeconds(f.segments, SegmentKind::kSpeech) / f.duration_s;
    f.music_fraction = TotalSeconds(f.segments, SegmentKind::kMusic) / f.duration_s;
  }
  return f;
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"log_duration",      "tempo_bpm/200",    "beat_regularity",
                                  "onset_rate/10",     "pitched_fraction", "pitch_median_midi/127",
                                  "pitch_std_semitones/12", "centroid_hz/10000", "rolloff_hz/10000",
                                  "flatness",          "loudness_db/60+1", "loudness_range_db/40",
                                  "silence_fraction",  "speech_fraction",  "music_fraction",
                                  "key_strength"};
    for (int c = 0; c < kMfccCoefficients; ++c) n.push_back("mfcc_mean_" + std::to_string(c));
    for (int c = 0; c < kMfccCoefficients; ++c) n.push_back("mfcc_std_" + std::to_string(c));
    for (int pc = 0; pc < kPitchClasses; ++pc) n.push_back("chroma_" + PitchClassName(pc));
    for (int key_idx = 0; key_idx < kKeys; ++key_idx) {
      n.push_back("key_" + KeyName(key_idx % kPitchClasses, key_idx >= kPitchClasses ? Mode::kMinor : Mode::kMajor));
    }
    return n;
  }();
  return names;
}

std::vector<float> FeatureVector(const AudioFeatures& f) {
  std::vector<float> v;
  v.reserve(kAudioFeatureDim);
  auto push = [&](double x) { v.push_back(static_cast<float>(std::isfinite(x) ? x : 0.0)); };
  push(std::log1p(f.duration_s));
  push(f.tempo_bpm / 200);
  push(f.beat_regularity);
  push(f.onset_rate / 10);
  push(f.pitched_fraction);
  push(f.pitch_median_midi / 127);
  push(f.pitch_std_semitones / 12);
  push(f.centroid_hz / 10000);
  push(f.rolloff_hz / 10000);
  push(f.flatness);
  push(std::max(f.loudness_db, -120.0) / 60 + 1);
  push(f.loudness_range_db / 40);
  push(f.silence_fraction);
  push(f.speech_fraction);
  push(f.music_fraction);
  push(f.key_strength);
  for (float m : f.mfcc_mean) push(m);
  for (float s : f.mfcc_std) push(s);
  for (float c : f.chroma) push(c);
  for (int key_idx = 0; key_idx < kKeys; ++key_idx) {
    const bool minor = key_idx >= kPitchClasses;
    push(f.key == key_idx % kPitchClasses && (f.mode == Mode::kMinor) == minor ? 1.0 : 0.0);
  }
  return v;
}

std::vector<std::string> Tags(const AudioFeatures& f) {
  std::vector<std::string> tags;
  if (f.speech_fraction + f.music_fraction < 0.2) {
    tags.push_back("mostly silent");
    return tags;
  }
  if (f.speech_fraction >= 0.5) tags.push_back("speech-heavy");
  else if (f.speech_fraction >= 0.15) tags.push_back("some speech");
  const bool musical = f.music_fraction >= 0.3;
  if (musical) tags.push_back("music");
  if (musical && f.tempo_bpm > 0 && f.beat_regularity >= 0.5) {
    if (f.tempo_bpm < 80) tags.push_back("slow");
    else if (f.tempo_bpm < 120) tags.push_back("moderate tempo");
    else if (f.tempo_bpm < 160) tags.push_back("fast");
    else tags.push_back("very fast");
    if (f.beat_regularity >= 0.85) tags.push_back("steady beat");
  }
  if (musical && f.key >= 0 && f.key_strength >= 0.5) {
    tags.push_back(f.mode == Mode::kMinor ? "minor key" : "major key");
    tags.push_back("key of " + KeyName(f.key, f.mode));
  }
  if (musical && f.pitched_fraction >= 0.7) tags.push_back("tonal");
  if (f.onset_rate >= 2 && f.pitched_fraction < 0.3) tags.push_back("percussive");
  if (f.flatness >= 0.4) tags.push_back("noisy");
  if (f.loudness_db > -12) tags.push_back("loud");
  else if (f.loudness_db < -30) tags.push_back("quiet");
  if (musical && f.centroid_hz > 3000) tags.push_back("bright");
  else if (musical && f.centroid_hz > 0 && f.centroid_hz < 800) tags.push_back("mellow");
  return tags;
}

}  // namespace encore::audio
