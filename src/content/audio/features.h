// Music and audio features with aubio (Debian libaubio-dev 0.4.9): tempo and
// beat regularity, onset rate, pitch statistics (yinfast: the aubio method that
// reports a usable confidence), MFCC statistics, spectral centroid / rolloff /
// flatness, loudness, chroma with an estimated key and mode (Krumhansl-Kessler
// profiles), and the speech / music / silence mix (content/audio/segmenter.h).
//
// The result flattens into one fixed-length vector (FeatureVector, layout in
// docs/media.md and FeatureNames()) and a few human-readable tags (Tags).
//
// Thread-safety: ExtractAudioFeatures allocates its own aubio objects; concurrent
// calls are safe.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "content/audio/segmenter.h"
#include "content/media/decoder.h"
#include "core/status.h"

namespace encore::audio {

inline constexpr int kMfccCoefficients = 13;
inline constexpr int kPitchClasses = 12;

struct AudioFeatureOptions {
  int window = 2048;             // analysis window in samples (power of two)
  int hop = 512;                 // hop between frames in samples (power of two, <= window)
  double min_pitch_confidence = 0.85;  // yinfast confidence for a frame to count as pitched
  double silence_db = -50;       // frames quieter than this (dBFS RMS) are silent
  SegmenterOptions segmenter;    // speech / music / silence detection
};

enum class Mode { kMajor = 0, kMinor = 1 };

struct AudioFeatures {
  double duration_s = 0;
  // Rhythm.
  double tempo_bpm = 0;          // 0 when no steady beat was found
  double beat_regularity = 0;    // 1 - coefficient of variation of beat intervals, in [0, 1]
  int beats = 0;
  double onset_rate = 0;         // onsets per second
  // Pitch (over frames with confidence >= min_pitch_confidence).
  double pitched_fraction = 0;   // share of non-silent frames that are pitched
  double pitch_median_hz = 0;    // 0 when nothing is pitched
  double pitch_median_midi = 0;  // MIDI note number (69 = A4)
  double pitch_std_semitones = 0;
  // Timbre.
  std::array<float, kMfccCoefficients> mfcc_mean{};
  std::array<float, kMfccCoefficients> mfcc_std{};
  double centroid_hz = 0;        // mean spectral centroid of non-silent frames
  double rolloff_hz = 0;         // mean 85% energy roll-off frequency
  double flatness = 0;           // mean spectral flatness in [0, 1] (1 = noise-like)
  // Loudness.
  double loudness_db = -120;     // RMS level of non-silent frames, dBFS
  double loudness_range_db = 0;  // 95th minus 10th percentile of frame levels
  double silence_fraction = 1;   // share of frames below silence_db
  // Harmony.
  std::array<float, kPitchClasses> chroma{};  // energy per pitch class C..B, sums to 1 (0 if silent)
  int key = -1;                  // tonic pitch class 0 = C .. 11 = B; -1 when unknown
  Mode mode = Mode::kMajor;
  double key_strength = 0;       // correlation of chroma with the chosen key profile, [-1, 1]
  // Content mix (segmenter), fractions of the duration.
  double speech_fraction = 0;
  double music_fraction = 0;
  std::vector<Segment> segments;
};

// Computes every feature of `audio` (any sample rate >= 8 kHz; 22.05 kHz is the
// intended one). InvalidArgument for bad options or an empty buffer.
StatusOr<AudioFeatures> ExtractAudioFeatures(const media::AudioBuffer& audio,
                                             const AudioFeatureOptions& options = {});

// "C major", "F# minor"; "" when key < 0.
std::string KeyName(int key, Mode mode);
// "C", "C#", ... "B".
std::string PitchClassName(int pitch_class);

// The fixed-length vector: kAudioFeatureDim floats in FeatureNames() order.
inline constexpr int kAudioFeatureDim = 16 + 2 * kMfccCoefficients + kPitchClasses + 24;
std::vector<float> FeatureVector(const AudioFeatures& f);
const std::vector<std::string>& FeatureNames();

// Human-readable tags: "fast", "slow", "steady beat", "minor key", "speech-heavy", ...
std::vector<std::string> Tags(const AudioFeatures& f);

}  // namespace encore::audio
