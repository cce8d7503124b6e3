#include "content/media/decoder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <numeric>
#include <system_error>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

namespace encore::media {
namespace {

// Owners for FFmpeg objects (their free functions take a pointer to the pointer).
struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwrFreer {
  void operator()(SwrContext* s) const { swr_free(&s); }
};
struct SwsFreer {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFreer>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFreer>;

std::string AvError(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

// FFmpeg prints every recoverable decode problem on stderr by default; the
// decoder reports them through Status and counters instead.
void QuietFfmpegLogs() {
  static const bool once = [] {
    av_log_set_level(AV_LOG_FATAL);
    return true;
  }();
  (void)once;
}

// Checks the path before FFmpeg sees it so the common mistakes get precise messages.
Status CheckFile(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return NotFound(path + ": no such file");
  if (std::filesystem::is_directory(status)) return InvalidArgument(path + ": is a directory, not a media file");
  if (std::filesystem::is_regular_file(status)) {
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size == 0) return InvalidArgument(path + ": empty file (0 bytes), not media");
  }
  return Status::Ok();
}

StatusOr<FormatPtr> OpenInput(const std::string& path) {
  QuietFfmpegLogs();
  ENCORE_RETURN_IF_ERROR(CheckFile(path));
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    return InvalidArgument(path + ": not a media file FFmpeg can read (" + AvError(err) + ")");
  }
  FormatPtr fmt(raw);
  err = avformat_find_stream_info(fmt.get(), nullptr);
  if (err < 0) return DataLoss(path + ": cannot read stream parameters (" + AvError(err) + ")");
  if (fmt->nb_streams == 0) return InvalidArgument(path + ": contains no streams");
  return fmt;
}

bool IsRealVideo(const AVStream* st) {
  return st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
         (st->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0 && st->codecpar->width > 0 &&
         st->codecpar->height > 0;
}

// Index of the best stream of `type` (video excludes cover art), -1 when none.
int FindStream(AVFormatContext* fmt, AVMediaType type) {
  int best = av_find_best_stream(fmt, type, -1, -1, nullptr, 0);
  if (best >= 0 && (type != AVMEDIA_TYPE_VIDEO || IsRealVideo(fmt->streams[best]))) return best;
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* st = fmt->streams[i];
    if (st->codecpar->codec_type != type) continue;
    if (type == AVMEDIA_TYPE_VIDEO && !IsRealVideo(st)) continue;
    return static_cast<int>(i);
  }
  return -1;
}

StatusOr<CodecPtr> OpenDecoder(const std::string& path, AVStream* st) {
  const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
  if (codec == nullptr) {
    return FailedPrecondition(path + ": no decoder for codec '" +
                              avcodec_get_name(st->codecpar->codec_id) + "'");
  }
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return ResourceExhausted(path + ": cannot allocate a decoder");
  int err = avcodec_parameters_to_context(ctx.get(), st->codecpar);
  if (err < 0) return DataLoss(path + ": bad codec parameters (" + AvError(err) + ")");
  // One thread per decoder: parallelism comes from analysing files concurrently.
  ctx->thread_count = 1;
  ctx->pkt_timebase = st->time_base;
  err = avcodec_open2(ctx.get(), codec, nullptr);
  if (err < 0) return DataLoss(path + ": cannot open the " + codec->name + " decoder (" + AvError(err) + ")");
  return ctx;
}

double StreamStart(const AVStream* st) {
  return st->start_time == AV_NOPTS_VALUE ? 0.0 : st->start_time * av_q2d(st->time_base);
}

// Feeds packets of `stream_index` to `dec` and hands every decoded frame to
// `on_frame` (return false to stop). Undecodable packets are counted, not fatal.
template <typename OnFrame>
Status DecodeStream(AVFormatContext* fmt, AVCodecContext* dec, int stream_index, int64_t* bad_packets,
                    OnFrame&& on_frame) {
  PacketPtr pkt(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!pkt || !frame) return ResourceExhausted("cannot allocate decoding buffers");
  bool stop = false;
  auto drain = [&]() -> Status {
    while (!stop) {
      int err = avcodec_receive_frame(dec, frame.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) break;
      if (err < 0) {
        ++*bad_packets;
        break;
      }
      Status s = on_frame(frame.get(), &stop);
      av_frame_unref(frame.get());
      ENCORE_RETURN_IF_ERROR(s);
    }
    return Status::Ok();
  };
  int consecutive_read_errors = 0;
  while (!stop) {
    int err = av_read_frame(fmt, pkt.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      // Truncated or damaged container: stop at the first hard read error after a few retries.
      if (++consecutive_read_errors > 16 || err == AVERROR(EIO)) break;
      continue;
    }
    consecutive_read_errors = 0;
    if (pkt->stream_index == stream_index) {
      err = avcodec_send_packet(dec, pkt.get());
      if (err < 0 && err != AVERROR(EAGAIN)) ++*bad_packets;
      Status s = drain();
      if (!s.ok()) {
        av_packet_unref(pkt.get());
        return s;
      }
    }
    av_packet_unref(pkt.get());
  }
  if (!stop) {
    avcodec_send_packet(dec, nullptr);  // flush
    ENCORE_RETURN_IF_ERROR(drain());
  }
  return Status::Ok();
}

AVChannelLayout FrameLayout(const AVFrame* frame) {
  AVChannelLayout layout;
  if (frame->ch_layout.nb_channels > 0 && frame->ch_layout.order != AV_CHANNEL_ORDER_UNSPEC &&
      av_channel_layout_copy(&layout, &frame->ch_layout) == 0) {
    return layout;
  }
  av_channel_layout_default(&layout, std::max(1, frame->ch_layout.nb_channels));
  return layout;
}

// Converts frames of any layout/format/rate into mono float at `out_rate`,
// rebuilding the resampler when the input parameters change mid-stream.
class Resampler {
 public:
  explicit Resampler(int out_rate) : out_rate_(out_rate) {}

  Status Convert(const AVFrame* frame, std::vector<float>* out) {
    if (frame->sample_rate <= 0 || frame->ch_layout.nb_channels <= 0 || frame->nb_samples < 0) {
      return DataLoss("audio frame with invalid parameters");
    }
    if (!swr_ || frame->sample_rate != in_rate_ || frame->format != in_format_ ||
        frame->ch_layout.nb_channels != in_channels_) {
      if (swr_) ENCORE_RETURN_IF_ERROR(Flush(out));
      ENCORE_RETURN_IF_ERROR(Init(frame));
    }
    int capacity = swr_get_out_samples(swr_.get(), frame->nb_samples);
    if (capacity < 0) return DataLoss("resampler error");
    size_t old = out->size();
    out->resize(old + static_cast<size_t>(capacity));
    uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + old);
    int got = swr_convert(swr_.get(), &dst, capacity, const_cast<const uint8_t**>(frame->extended_data),
                          frame->nb_samples);
    if (got < 0) {
      out->resize(old);
      return DataLoss("resampling failed (" + AvError(got) + ")");
    }
    out->resize(old + static_cast<size_t>(got));
    return Status::Ok();
  }

  Status Flush(std::vector<float>* out) {
    if (!swr_) return Status::Ok();
    int capacity = swr_get_out_samples(swr_.get(), 0);
    if (capacity <= 0) return Status::Ok();
    size_t old = out->size();
    out->resize(old + static_cast<size_t>(capacity));
    uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + old);
    int got = swr_convert(swr_.get(), &dst, capacity, nullptr, 0);
    out->resize(old + static_cast<size_t>(std::max(got, 0)));
    return Status::Ok();
  }

 private:
  Status Init(const AVFrame* frame) {
    swr_.reset();
    AVChannelLayout in_layout = FrameLayout(frame);
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext* raw = nullptr;
    int err = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, out_rate_, &in_layout,
                                  static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    if (err < 0 || raw == nullptr) return DataLoss("cannot configure the resampler (" + AvError(err) + ")");
    swr_.reset(raw);
    err = swr_init(swr_.get());
    if (err < 0) return DataLoss("cannot start the resampler (" + AvError(err) + ")");
    in_rate_ = frame->sample_rate;
    in_format_ = frame->format;
    in_channels_ = frame->ch_layout.nb_channels;
    return Status::Ok();
  }

  int out_rate_;
  SwrPtr swr_;
  int in_rate_ = 0;
  int in_format_ = -1;
  int in_channels_ = 0;
};

// Output size for a frame: at most max_width wide, aspect kept, even dimensions.
void TargetSize(int w, int h, int max_width, int* out_w, int* out_h) {
  if (max_width > 0 && w > max_width) {
    *out_w = max_width;
    *out_h = std::max(2, static_cast<int>(std::lround(static_cast<double>(h) * max_width / w)));
  } else {
    *out_w = w;
    *out_h = h;
  }
  *out_w = std::max(2, *out_w & ~1);
  *out_h = std::max(2, *out_h & ~1);
}

class Scaler {
 public:
  Status Convert(const AVFrame* frame, const VideoDecodeOptions& options, VideoFrame* out) {
    if (frame->width <= 0 || frame->height <= 0 || frame->format < 0) {
      return DataLoss("video frame with invalid size or format");
    }
    int w = 0;
    int h = 0;
    TargetSize(frame->width, frame->height, options.max_width, &w, &h);
    AVPixelFormat dst_fmt = options.format == PixelFormat::kRgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8;
    SwsContext* ctx = sws_getCachedContext(sws_.release(), frame->width, frame->height,
                                           static_cast<AVPixelFormat>(frame->format), w, h, dst_fmt,
                                           SWS_AREA, nullptr, nullptr, nullptr);
    if (ctx == nullptr) return DataLoss("cannot convert video frames of this pixel format");
    sws_.reset(ctx);
    out->width = w;
    out->height = h;
    out->channels = options.format == PixelFormat::kRgb24 ? 3 : 1;
    out->data.assign(static_cast<size_t>(w) * h * out->channels, 0);
    uint8_t* dst[4] = {out->data.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {w * out->channels, 0, 0, 0};
    int got = sws_scale(sws_.get(), frame->data, frame->linesize, 0, frame->height, dst, dst_stride);
    if (got <= 0) return DataLoss("video frame conversion failed");
    return Status::Ok();
  }

 private:
  SwsPtr sws_;
};

struct OpenVideo {
  FormatPtr fmt;
  CodecPtr dec;
  int stream = -1;
  double start_s = 0;
  double time_base = 0;
};

StatusOr<OpenVideo> OpenVideoStream(const std::string& path, const VideoDecodeOptions& options) {
  if (options.max_width < 0) return InvalidArgument("max_width must be >= 0");
  OpenVideo v;
  ENCORE_ASSIGN_OR_RETURN(v.fmt, OpenInput(path));
  v.stream = FindStream(v.fmt.get(), AVMEDIA_TYPE_VIDEO);
  if (v.stream < 0) return FailedPrecondition(path + ": has no video stream");
  AVStream* st = v.fmt->streams[v.stream];
  ENCORE_ASSIGN_OR_RETURN(v.dec, OpenDecoder(path, st));
  v.start_s = StreamStart(st);
  v.time_base = av_q2d(st->time_base);
  return v;
}

// Presentation time of a decoded frame relative to the stream start; falls back
// to counting frames when the stream carries no timestamps.
double FrameTime(const AVFrame* frame, const OpenVideo& v, int64_t frame_index, double fallback_fps) {
  if (frame->best_effort_timestamp != AV_NOPTS_VALUE) {
    return frame->best_effort_timestamp * v.time_base - v.start_s;
  }
  return static_cast<double>(frame_index) / fallback_fps;
}

double StreamFps(const AVFormatContext* fmt, int stream) {
  AVRational r = fmt->streams[stream]->avg_frame_rate;
  double fps = r.den > 0 ? av_q2d(r) : 0.0;
  return fps > 0 && std::isfinite(fps) ? fps : 25.0;
}

}  // namespace

StatusOr<MediaInfo> ProbeMedia(const std::string& path) {
  ENCORE_ASSIGN_OR_RETURN(FormatPtr fmt, OpenInput(path));
  MediaInfo info;
  info.path = path;
  info.container = fmt->iformat != nullptr && fmt->iformat->name != nullptr ? fmt->iformat->name : "";
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0) {
    info.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  }
  int a = FindStream(fmt.get(), AVMEDIA_TYPE_AUDIO);
  if (a >= 0) {
    const AVCodecParameters* par = fmt->streams[a]->codecpar;
    info.has_audio = true;
    info.audio_codec = avcodec_get_name(par->codec_id);
    info.audio_sample_rate = par->sample_rate;
    info.audio_channels = par->ch_layout.nb_channels;
  }
  int v = FindStream(fmt.get(), AVMEDIA_TYPE_VIDEO);
  if (v >= 0) {
    const AVStream* st = fmt->streams[v];
    info.has_video = true;
    info.video_codec = avcodec_get_name(st->codecpar->codec_id);
    info.width = st->codecpar->width;
    info.height = st->codecpar->height;
    AVRational r = st->avg_frame_rate;
    info.frame_rate = r.den > 0 ? av_q2d(r) : 0.0;
  }
  if (!info.has_audio && !info.has_video) {
    return InvalidArgument(path + ": has neither an audio nor a video stream");
  }
  return info;
}

StatusOr<AudioBuffer> DecodeAudio(const std::string& path, const AudioDecodeOptions& options) {
  if (options.sample_rate < 8000 || options.sample_rate > 192000) {
    return InvalidArgument("audio sample rate " + std::to_string(options.sample_rate) +
                           " Hz is outside 8000..192000");
  }
  if (options.start_s < 0 || options.max_seconds < 0) return InvalidArgument("start_s and max_seconds must be >= 0");
  ENCORE_ASSIGN_OR_RETURN(FormatPtr fmt, OpenInput(path));
  int stream = FindStream(fmt.get(), AVMEDIA_TYPE_AUDIO);
  if (stream < 0) return FailedPrecondition(path + ": has no audio stream");
  AVStream* st = fmt->streams[stream];
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    if (static_cast<int>(i) != stream) fmt->streams[i]->discard = AVDISCARD_ALL;
  }
  ENCORE_ASSIGN_OR_RETURN(CodecPtr dec, OpenDecoder(path, st));

  AudioBuffer out;
  out.sample_rate = options.sample_rate;
  const size_t skip = static_cast<size_t>(options.start_s * options.sample_rate);
  const size_t limit = options.max_seconds > 0
                           ? skip + static_cast<size_t>(options.max_seconds * options.sample_rate)
                           : SIZE_MAX;
  Resampler resampler(options.sample_rate);
  Status status = DecodeStream(fmt.get(), dec.get(), stream, &out.bad_packets,
                               [&](AVFrame* frame, bool* stop) -> Status {
                                 Status s = resampler.Convert(frame, &out.samples);
                                 if (!s.ok()) {
                                   ++out.bad_packets;  // a malformed frame; keep going
                                   return Status::Ok();
                                 }
                                 if (out.samples.size() >= limit) *stop = true;
                                 return Status::Ok();
                               });
  if (!status.ok()) return status.WithContext(path);
  ENCORE_RETURN_IF_ERROR(resampler.Flush(&out.samples).WithContext(path));
  if (out.samples.size() > limit) {
    out.samples.resize(limit);
    out.truncated = true;
  }
  if (skip > 0) {
    out.samples.erase(out.samples.begin(), out.samples.begin() + static_cast<std::ptrdiff_t>(
                                                                  std::min(skip, out.samples.size())));
  }
  if (out.samples.empty()) {
    if (skip > 0) return OutOfRange(path + ": no audio after " + std::to_string(options.start_s) + " s");
    return DataLoss(path + ": no decodable audio (" + std::to_string(out.bad_packets) +
                    " corrupt packets); the file is damaged or truncated");
  }
  // Clamp: some decoders overshoot slightly, and NaN from broken streams must not leak.
  for (float& s : out.samples) s = std::isfinite(s) ? std::clamp(s, -1.0f, 1.0f) : 0.0f;
  return out;
}

Status ForEachVideoFrame(const std::string& path, const VideoDecodeOptions& options, const FrameFn& on_frame,
                         int64_t* bad_packets) {
  if (!(options.frames_per_second > 0) || options.max_seconds < 0) {
    return InvalidArgument("frames_per_second must be > 0 and max_seconds >= 0");
  }
  ENCORE_ASSIGN_OR_RETURN(OpenVideo v, OpenVideoStream(path, options));
  for (unsigned i = 0; i < v.fmt->nb_streams; ++i) {
    if (static_cast<int>(i) != v.stream) v.fmt->streams[i]->discard = AVDISCARD_ALL;
  }
  const double step = 1.0 / options.frames_per_second;
  const double fps = StreamFps(v.fmt.get(), v.stream);
  double next_t = 0;
  int64_t frame_index = 0;
  int64_t emitted = 0;
  int64_t bad = 0;
  Scaler scaler;
  VideoFrame out;
  Status status = DecodeStream(v.fmt.get(), v.dec.get(), v.stream, &bad, [&](AVFrame* frame, bool* stop) -> Status {
    double t = FrameTime(frame, v, frame_index++, fps);
    if (options.max_seconds > 0 && t > options.max_seconds) {
      *stop = true;
      return Status::Ok();
    }
    // A frame is emitted when it is the first at or after the next sampling
    // time; half a source frame of slack keeps e.g. 25 fps sampling of 25 fps video exact.
    if (t + 0.5 / fps < next_t) return Status::Ok();
    Status s = scaler.Convert(frame, options, &out);
    if (!s.ok()) {
      ++bad;
      return Status::Ok();
    }
    out.time_s = std::max(0.0, t);
    while (next_t <= t + 0.5 / fps) next_t += step;
    ++emitted;
    return on_frame(out);
  });
  if (bad_packets != nullptr) *bad_packets = bad;
  ENCORE_RETURN_IF_ERROR(status);
  if (emitted == 0) {
    return DataLoss(path + ": no decodable video frames (" + std::to_string(bad) +
                    " corrupt packets); the file is damaged or truncated");
  }
  return Status::Ok();
}

StatusOr<std::vector<VideoFrame>> DecodeVideoFrames(const std::string& path, const VideoDecodeOptions& options) {
  std::vector<VideoFrame> frames;
  ENCORE_RETURN_IF_ERROR(ForEachVideoFrame(path, options, [&](const VideoFrame& f) {
    frames.push_back(f);
    return Status::Ok();
  }));
  return frames;
}

StatusOr<std::vector<VideoFrame>> DecodeFramesAt(const std::string& path, const std::vector<double>& times_s,
                                                 const VideoDecodeOptions& options) {
  ENCORE_ASSIGN_OR_RETURN(OpenVideo v, OpenVideoStream(path, options));
  for (unsigned i = 0; i < v.fmt->nb_streams; ++i) {
    if (static_cast<int>(i) != v.stream) v.fmt->streams[i]->discard = AVDISCARD_ALL;
  }
  const double fps = StreamFps(v.fmt.get(), v.stream);
  std::vector<VideoFrame> result(times_s.size());
  Scaler scaler;
  for (size_t i = 0; i < times_s.size(); ++i) {
    const double want = std::max(0.0, times_s[i]);
    auto ts = static_cast<int64_t>((want + v.start_s) / v.time_base);
    // Seek to the keyframe before `want`, then decode forward to it.
    if (av_seek_frame(v.fmt.get(), v.stream, ts, AVSEEK_FLAG_BACKWARD) < 0) {
      av_seek_frame(v.fmt.get(), v.stream, 0, AVSEEK_FLAG_BACKWARD);
    }
    avcodec_flush_buffers(v.dec.get());
    bool found = false;
    bool have_last = false;
    int64_t bad = 0;
    int64_t frame_index = 0;
    VideoFrame last;
    Status status = DecodeStream(v.fmt.get(), v.dec.get(), v.stream, &bad, [&](AVFrame* frame, bool* stop) -> Status {
      double t = FrameTime(frame, v, frame_index++, fps);
      if (t + 0.5 / fps < want) {
        // Keep the latest frame before the target in case the stream ends first.
        if (scaler.Convert(frame, options, &last).ok()) {
          last.time_s = t;
          have_last = true;
        }
        return Status::Ok();
      }
      if (scaler.Convert(frame, options, &result[i]).ok()) {
        result[i].time_s = std::max(0.0, t);
        found = true;
        *stop = true;
      }
      return Status::Ok();
    });
    ENCORE_RETURN_IF_ERROR(status.WithContext(path));
    if (!found) {
      if (!have_last) return DataLoss(path + ": no decodable frame at " + std::to_string(want) + " s");
      result[i] = std::move(last);
    }
  }
  return result;
}

}  // namespace encore::media
