#include "content/speech/transcriber.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "content/media/test_media.h"

namespace encore::speech {
namespace {

namespace tm = media::testmedia;

TEST(WordErrorRate, CountsSubstitutionsDeletionsInsertions) {
  EXPECT_DOUBLE_EQ(WordErrorRate("the cat sat", "the cat sat"), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("The cat, sat!", "the cat sat"), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("the cat sat", "the bat sat"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(WordErrorRate("the cat sat", "the sat"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(WordErrorRate("the cat sat", "the big cat sat"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(WordErrorRate("a b", ""), 1.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("", ""), 0.0);
}

TEST(Transcriber, FliteSpeechWithTimestampsUnderFifteenPercentWer) {
  auto dir = tm::MakeTempDir("speech-test");
  ASSERT_TRUE(dir.ok());
  const std::string one = *dir + "/one.wav", two = *dir + "/two.wav", gap = *dir + "/gap.wav", all = *dir + "/all.wav";
  const std::string first = "the weather today is sunny and warm";
  const std::string second = "please call me back when you get home";
  ASSERT_TRUE(tm::Speech(first, "slt", one).ok());
  ASSERT_TRUE(tm::Speech(second, "slt", two).ok());
  ASSERT_TRUE(tm::RunCommand("sox -n -r 16000 -c 1 -b 16 " + gap + " trim 0 1.5").ok());
  ASSERT_TRUE(tm::RunCommand("sox " + one + " " + gap + " " + two + " -r 16000 -c 1 -b 16 " + all).ok());

  auto transcriber = Transcriber::Create();
  ASSERT_TRUE(transcriber.ok()) << transcriber.status().ToString();
  media::AudioDecodeOptions options;
  options.sample_rate = media::kSpeechSampleRate;
  auto audio = media::DecodeAudio(all, options);
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  auto transcript = (*transcriber)->Transcribe(*audio);
  ASSERT_TRUE(transcript.ok()) << transcript.status().ToString();
  const std::string text = transcript->Text();
  EXPECT_LE(WordErrorRate(first + " " + second, text), 0.15) << text;
  // Two utterances separated by the pause, in order, inside the audio.
  ASSERT_EQ(transcript->segments.size(), 2u) << text;
  const auto& a = transcript->segments[0];
  const auto& b = transcript->segments[1];
  EXPECT_LT(a.end_s, b.start_s);
  EXPECT_GT(b.start_s - a.end_s, 1.0);
  EXPECT_LE(b.end_s, audio->duration_s() + 1e-6);
  for (const auto& seg : transcript->segments) {
    for (const Word& w : seg.words) {
      EXPECT_LE(seg.start_s - 0.2, w.start_s);
      EXPECT_LE(w.start_s, w.end_s);
      EXPECT_LE(w.end_s, seg.end_s + 0.2);
    }
  }
  std::filesystem::remove_all(*dir);
}

TEST(Transcriber, MusicAndSilenceAreNotTranscribed) {
  auto dir = tm::MakeTempDir("speech-test");
  ASSERT_TRUE(dir.ok());
  const std::string tone = *dir + "/tone.wav";
  ASSERT_TRUE(tm::Melody({{261.63, 329.63}, {392.0}, {440.0, 523.25}}, 1.0, tone).ok());
  auto transcriber = Transcriber::Create();
  ASSERT_TRUE(transcriber.ok());
  media::AudioDecodeOptions options;
  auto audio = media::DecodeAudio(tone, options);
  ASSERT_TRUE(audio.ok());
  auto transcript = (*transcriber)->Transcribe(*audio);
  ASSERT_TRUE(transcript.ok());
  EXPECT_TRUE(transcript->segments.empty()) << transcript->Text();
  EXPECT_EQ(transcript->speech_seconds, 0.0);
  std::filesystem::remove_all(*dir);
}

TEST(Transcriber, MissingModelIsAFailedPrecondition) {
  TranscriberOptions options;
  options.model_dir = "/nonexistent/model";
  EXPECT_EQ(Transcriber::Create(options).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace encore::speech
