#include "content/media/decoder.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "content/media/test_media.h"

namespace encore::media {
namespace {

namespace tm = testmedia;

#define ASSERT_OK(expr)                          \
  do {                                           \
    ::encore::Status _s = (expr);                \
    ASSERT_TRUE(_s.ok()) << _s.ToString();       \
  } while (0)

class DecoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = tm::MakeTempDir("media-test");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = *dir;
    ASSERT_OK(tm::Tones({440.0}, 2.0, Path("a440.wav")));
    ASSERT_OK(tm::RunCommand("ffmpeg -y -nostdin -i " + Path("a440.wav") + " -ac 2 -ar 48000 " + Path("a440.flac")));
    ASSERT_OK(tm::RunCommand("ffmpeg -y -nostdin -i " + Path("a440.wav") + " -ac 2 -c:a aac " + Path("a440.m4a")));
    tm::VideoSpec spec;
    spec.shots = {tm::MakeShot("smptebars", 1.0), tm::MakeShot("color=c=red", 1.0)};
    spec.soundtrack = Path("a440.wav");
    ASSERT_OK(tm::Video(spec, Path("clip.mp4")));
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string Path(const std::string& name) { return dir_ + "/" + name; }
  static void WriteBytes(const std::string& name, const std::string& bytes) {
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }
  static std::string ReadBytes(const std::string& name) {
    std::ifstream in(Path(name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static std::string dir_;
};
std::string DecoderTest::dir_;

// Dominant frequency by counting zero crossings (enough for a pure tone).
double ZeroCrossingHz(const AudioBuffer& a) {
  int crossings = 0;
  for (size_t i = 1; i < a.samples.size(); ++i) {
    if ((a.samples[i - 1] < 0) != (a.samples[i] < 0)) ++crossings;
  }
  return crossings / 2.0 / a.duration_s();
}

TEST_F(DecoderTest, ResamplesEveryContainerToMonoAtTheRequestedRate) {
  for (const char* name : {"a440.wav", "a440.flac", "a440.m4a", "clip.mp4"}) {
    for (int rate : {kSpeechSampleRate, kMusicSampleRate, kHiFiSampleRate}) {
      AudioDecodeOptions options;
      options.sample_rate = rate;
      auto audio = DecodeAudio(Path(name), options);
      ASSERT_TRUE(audio.ok()) << name << ": " << audio.status().ToString();
      EXPECT_EQ(audio->sample_rate, rate);
      EXPECT_NEAR(audio->duration_s(), 2.0, 0.06) << name << " at " << rate;
      EXPECT_NEAR(ZeroCrossingHz(*audio), 440.0, 0.02 * 440.0) << name << " at " << rate;
    }
  }
}

TEST_F(DecoderTest, ProbeReportsStreams) {
  auto info = ProbeMedia(Path("clip.mp4"));
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->has_video);
  EXPECT_TRUE(info->has_audio);
  EXPECT_EQ(info->width, 320);
  EXPECT_EQ(info->height, 240);
  EXPECT_NEAR(info->duration_s, 2.0, 0.1);
  auto audio_only = ProbeMedia(Path("a440.flac"));
  ASSERT_TRUE(audio_only.ok());
  EXPECT_FALSE(audio_only->has_video);
  EXPECT_EQ(audio_only->audio_channels, 2);
}

TEST_F(DecoderTest, SamplesVideoFramesAtTheRequestedRate) {
  VideoDecodeOptions options;
  options.frames_per_second = 4;
  options.max_width = 160;
  auto frames = DecodeVideoFrames(Path("clip.mp4"), options);
  ASSERT_TRUE(frames.ok()) << frames.status().ToString();
  ASSERT_EQ(frames->size(), 8u);
  for (size_t i = 0; i < frames->size(); ++i) {
    const VideoFrame& f = (*frames)[i];
    EXPECT_NEAR(f.time_s, i * 0.25, 0.021);
    EXPECT_EQ(f.width, 160);
    EXPECT_EQ(f.height, 120);
    EXPECT_EQ(f.channels, 3);
    EXPECT_EQ(f.data.size(), 160u * 120u * 3u);
  }
  // The second shot is solid red.
  const VideoFrame& red = frames->back();
  size_t mid = (red.height / 2 * red.width + red.width / 2) * 3;
  EXPECT_GT(red.data[mid], 200);
  EXPECT_LT(red.data[mid + 1], 40);

  options.format = PixelFormat::kGray8;
  auto gray = DecodeFramesAt(Path("clip.mp4"), {1.5, 0.2, 99.0}, options);
  ASSERT_TRUE(gray.ok()) << gray.status().ToString();
  ASSERT_EQ(gray->size(), 3u);
  EXPECT_EQ((*gray)[0].channels, 1);
  EXPECT_NEAR((*gray)[0].time_s, 1.5, 0.05);
  EXPECT_NEAR((*gray)[1].time_s, 0.2, 0.05);
  EXPECT_GT((*gray)[2].time_s, 1.8);
}

TEST_F(DecoderTest, BadFilesGiveAStatusNamingTheFile) {
  WriteBytes("empty.mp3", "");
  WriteBytes("notes.txt", "this is plain text, not audio\n");
  std::mt19937 rng(7);
  std::string noise(20000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  WriteBytes("noise.mp4", noise);
  std::string clip = ReadBytes("clip.mp4");
  WriteBytes("truncated.mp4", clip.substr(0, clip.size() / 3));
  std::string flac = ReadBytes("a440.flac");
  // Garbage in the middle of a valid stream.
  std::string damaged = flac;
  for (size_t i = damaged.size() / 3; i < damaged.size() / 3 + 4000 && i < damaged.size(); ++i) damaged[i] = noise[i % noise.size()];
  WriteBytes("damaged.flac", damaged);

  for (const char* name : {"missing.wav", "empty.mp3", "notes.txt", "noise.mp4", "truncated.mp4"}) {
    auto audio = DecodeAudio(Path(name), {});
    ASSERT_FALSE(audio.ok()) << name;
    EXPECT_NE(audio.status().message().find(name), std::string::npos) << audio.status().ToString();
    auto frames = DecodeVideoFrames(Path(name), {});
    ASSERT_FALSE(frames.ok()) << name;
    EXPECT_NE(frames.status().message().find(name), std::string::npos) << frames.status().ToString();
    EXPECT_FALSE(ProbeMedia(Path(name)).ok()) << name;
  }
  EXPECT_EQ(DecodeAudio(Path("missing.wav"), {}).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(DecodeAudio(dir_, {}).ok());
  // Audio-only file asked for video.
  EXPECT_EQ(DecodeVideoFrames(Path("a440.flac"), {}).status().code(), StatusCode::kFailedPrecondition);
  // A damaged stream still decodes what it can (or fails cleanly): no crash either way.
  auto partial = DecodeAudio(Path("damaged.flac"), {});
  if (partial.ok()) {
    EXPECT_GT(partial->duration_s(), 0.3);
  }
  std::string wav = ReadBytes("a440.wav");
  WriteBytes("truncated.wav", wav.substr(0, wav.size() / 2));
  auto half = DecodeAudio(Path("truncated.wav"), {});
  ASSERT_TRUE(half.ok()) << half.status().ToString();
  EXPECT_NEAR(half->duration_s(), 1.0, 0.05);
}

TEST_F(DecoderTest, RejectsBadOptions) {
  AudioDecodeOptions a;
  a.sample_rate = 100;
  EXPECT_EQ(DecodeAudio(Path("a440.wav"), a).status().code(), StatusCode::kInvalidArgument);
  VideoDecodeOptions v;
  v.frames_per_second = 0;
  EXPECT_EQ(DecodeVideoFrames(Path("clip.mp4"), v).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(DecoderTest, MaxSecondsLimitsDecoding) {
  AudioDecodeOptions a;
  a.max_seconds = 0.5;
  auto audio = DecodeAudio(Path("a440.flac"), a);
  ASSERT_TRUE(audio.ok());
  EXPECT_NEAR(audio->duration_s(), 0.5, 1e-3);
  EXPECT_TRUE(audio->truncated);
}

}  // namespace
}  // namespace encore::media
