// Speech / music / silence detection: decides which stretches of a soundtrack
// are transcribed. A heuristic over one-second windows of yinfast pitch and
// frame energy (no trained model ships with Debian):
//   - silence: most frames below the silence level and none 20 dB above it
//     (sparse clicks and drum hits leave most frames quiet but are music);
//   - speech: voicing switches on and off at syllable rate (>= 3 changes/s),
//     roughly half the active frames are pitched, and the pitch lies in the
//     range of the human voice (70-400 Hz);
//   - music: everything else that is audible (sustained tones, beats).
// Neighbouring windows with the same label are merged into segments, and an
// isolated window whose neighbours agree is relabelled (median smoothing).
// Limits: sung vocals over music usually read as music; rap as speech.
#pragma once

#include <string_view>
#include <vector>

#include "content/media/decoder.h"
#include "core/status.h"

namespace encore::audio {

// Persisted in analysis JSON as names; values pinned anyway.
enum class SegmentKind { kSilence = 0, kSpeech = 1, kMusic = 2 };
std::string_view SegmentKindName(SegmentKind kind);

struct Segment {
  double start_s = 0;
  double end_s = 0;
  SegmentKind kind = SegmentKind::kSilence;
};

struct SegmenterOptions {
  double window_s = 1.0;           // classification window
  double silence_db = -45;         // frame level (dBFS RMS) below which a frame is silent
  double min_voicing_changes = 3;  // voiced/unvoiced switches per second for speech
  double min_voiced_share = 0.15;  // of active frames, for speech
  double max_voiced_share = 0.90;
  double min_voice_hz = 70;        // median pitch range of speech
  double max_voice_hz = 400;
  double min_pitch_confidence = 0.85;
};

// Per-frame measurements the segmenter works on (also produced as a by-product
// of ExtractAudioFeatures so audio is analysed once).
struct FrameTrack {
  double frame_s = 0;               // seconds between frames
  std::vector<float> level_db;      // RMS level per frame, dBFS
  std::vector<float> pitch_hz;      // yinfast estimate per frame
  std::vector<float> confidence;    // yinfast confidence per frame
};

// Runs yinfast + RMS over `audio` (window 2048 / hop 512 scaled to the rate).
StatusOr<FrameTrack> TrackFrames(const media::AudioBuffer& audio);

// Labels `track` in windows and merges them; segments cover [0, duration).
std::vector<Segment> SegmentFrames(const FrameTrack& track, const SegmenterOptions& options = {});

// TrackFrames + SegmentFrames.
StatusOr<std::vector<Segment>> SegmentAudio(const media::AudioBuffer& audio,
                                            const SegmenterOptions& options = {});

// Total seconds of `kind` in `segments`.
double TotalSeconds(const std::vector<Segment>& segments, SegmentKind kind);

}  // namespace encore::audio
