// Media decoding through FFmpeg's libraries (libavformat, libavcodec,
// libswresample, libswscale): any container and codec FFmpeg knows.
//
// Audio is decoded to mono float PCM at a requested rate (16 kHz for speech,
// 22.05 or 44.1 kHz for music); video is sampled at a requested frame rate and
// scaled to RGB24 or GRAY8. Every failure - missing, zero-length, non-media,
// corrupt or truncated files - comes back as a Status whose message names the
// file; a truncated or partly corrupt file yields what could be decoded, with
// the number of undecodable packets counted.
//
// Thread-safety: every function opens its own FFmpeg contexts; concurrent calls
// are safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

namespace encore::media {

// Sample rates used by the analysers.
inline constexpr int kSpeechSampleRate = 16000;
inline constexpr int kMusicSampleRate = 22050;
inline constexpr int kHiFiSampleRate = 44100;

// What a file contains, from its header and stream parameters.
struct MediaInfo {
  std::string path;
  std::string container;     // FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  double duration_s = 0;     // 0 when the container does not say
  bool has_audio = false;
  bool has_video = false;    // a real video stream (cover art is not video)
  std::string audio_codec;   // "" without audio
  int audio_sample_rate = 0;
  int audio_channels = 0;
  std::string video_codec;   // "" without video
  int width = 0;
  int height = 0;
  double frame_rate = 0;     // average frames per second, 0 when unknown
};

struct AudioDecodeOptions {
  int sample_rate = kSpeechSampleRate;  // output rate in Hz (8000..192000)
  double start_s = 0;                   // skip audio before this time
  double max_seconds = 900;             // decode at most this much audio (0 = no limit)
};

// Mono float PCM in [-1, 1]: samples.size() == duration * sample_rate.
struct AudioBuffer {
  int sample_rate = 0;
  std::vector<float> samples;
  int64_t bad_packets = 0;   // packets the decoder rejected (corrupt data)
  bool truncated = false;    // stopped at max_seconds
  double duration_s() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

// Persisted in nothing; values need not be pinned.
enum class PixelFormat { kRgb24, kGray8 };

struct VideoDecodeOptions {
  double frames_per_second = 5;  // sampling rate of output frames (> 0)
  int max_width = 320;           // frames wider than this are scaled down (aspect kept)
  PixelFormat format = PixelFormat::kRgb24;
  double max_seconds = 900;      // stop after this much video (0 = no limit)
};

// One sampled frame. data: [height, width, channels] row-major, channels = 3
// (RGB24) or 1 (GRAY8), no row padding.
struct VideoFrame {
  double time_s = 0;   // presentation time from the start of the stream
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> data;
};

// Reads the header and stream parameters (cheap: no full decode).
StatusOr<MediaInfo> ProbeMedia(const std::string& path);

// Decodes the best audio stream, down-mixed to mono and resampled.
// Errors: NotFound (no file), InvalidArgument (empty, not media, bad options),
// FailedPrecondition (no audio stream), DataLoss (nothing decodable).
StatusOr<AudioBuffer> DecodeAudio(const std::string& path, const AudioDecodeOptions& options);

// Streams sampled frames of the best video stream to `on_frame` in time order;
// a non-OK Status from `on_frame` stops decoding and is returned.
// Returns the number of undecodable packets through `bad_packets` when given.
using FrameFn = std::function<Status(const VideoFrame& frame)>;
Status ForEachVideoFrame(const std::string& path, const VideoDecodeOptions& options,
                         const FrameFn& on_frame, int64_t* bad_packets = nullptr);

// Collects ForEachVideoFrame's frames (mind the memory: width*height*channels each).
StatusOr<std::vector<VideoFrame>> DecodeVideoFrames(const std::string& path,
                                                    const VideoDecodeOptions& options);

// The frame shown at each of `times_s` (seconds, any order), at most
// `max_width` wide; frames_per_second and max_seconds are ignored. Result is in
// the order of `times_s`; a time past the end gives the last frame.
StatusOr<std::vector<VideoFrame>> DecodeFramesAt(const std::string& path,
                                                 const std::vector<double>& times_s,
                                                 const VideoDecodeOptions& options);

}  // namespace encore::media
