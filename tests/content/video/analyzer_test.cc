#include "content/video/analyzer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "content/media/test_media.h"

namespace encore::video {
namespace {

namespace tm = media::testmedia;

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(MediaAnalyzer, VideoWithTitlesAndSpeech) {
  auto dir = tm::MakeTempDir("analyzer-test");
  ASSERT_TRUE(dir.ok());
  const std::string speech = *dir + "/speech.wav", path = *dir + "/titled.mp4";
  const std::string said = "welcome to the evening news here is the weather for today";
  ASSERT_TRUE(tm::Speech(said, "slt", speech).ok());
  tm::VideoSpec spec;
  spec.shots = {tm::MakeShot("color=c=navy", 2.5, tm::Transition::kCut, "EVENING NEWS"),
                tm::MakeShot("color=c=darkgreen", 2.5, tm::Transition::kCut, "WEATHER REPORT")};
  spec.soundtrack = speech;
  Status made = tm::Video(spec, path);
  ASSERT_TRUE(made.ok()) << made.ToString();

  auto analyzer = MediaAnalyzer::Create();
  ASSERT_TRUE(analyzer.ok()) << analyzer.status().ToString();
  auto a = (*analyzer)->Analyze(path);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->kind, "video");
  ASSERT_EQ(a->shots.size(), 2u);
  EXPECT_TRUE(Contains(a->on_screen_text, "EVENING NEWS")) << a->description;
  EXPECT_TRUE(Contains(a->on_screen_text, "WEATHER REPORT")) << a->description;
  EXPECT_LE(speech::WordErrorRate(said, a->transcript.Text()), 0.2) << ToText(*a);
  EXPECT_TRUE(Contains(a->tags, "on-screen text"));
  EXPECT_NE(a->description.find("2 shots"), std::string::npos) << a->description;
  nlohmann::json j = ToJson(*a);
  EXPECT_EQ(j["version"], kAnalysisVersion);
  EXPECT_EQ(j["shots"].size(), 2u);
  EXPECT_EQ(j["audio"]["vector"].size(), static_cast<size_t>(audio::kAudioFeatureDim));
  EXPECT_FALSE(ToText(*a).empty());

  // Hostile input: a status naming the file, and the analyzer stays usable.
  const std::string junk = *dir + "/junk.mkv";
  { std::ofstream(junk) << "not a video at all"; }
  auto bad = (*analyzer)->Analyze(junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("junk.mkv"), std::string::npos);
  std::filesystem::remove_all(*dir);
}

}  // namespace
}  // namespace encore::video
