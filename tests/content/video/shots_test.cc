#include "content/video/shots.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "content/media/test_media.h"

namespace encore::video {
namespace {

namespace tm = media::testmedia;

// Synthetic signatures: a solid colour per shot, optionally fading through black.
FrameSignature Solid(double t, int bin, float brightness) {
  FrameSignature f;
  f.time_s = t;
  f.hist[static_cast<size_t>(bin)] = 1.0f;
  f.brightness = brightness;
  return f;
}

TEST(SegmentShots, FindsAHardCutBetweenSolidColours) {
  std::vector<FrameSignature> frames;
  for (int i = 0; i < 40; ++i) frames.push_back(Solid(i * 0.1, i < 20 ? 3 : 48, 0.5f));
  auto shots = SegmentShots(frames, 4.0);
  ASSERT_EQ(shots.size(), 2u);
  EXPECT_NEAR(shots[1].start_s, 1.95, 1e-9);
  EXPECT_EQ(shots[1].transition_in, TransitionKind::kCut);
  EXPECT_EQ(shots[0].transition_in, TransitionKind::kStart);
  EXPECT_DOUBLE_EQ(shots[1].end_s, 4.0);
}

TEST(SegmentShots, OneLongShotHasNoBoundary) {
  std::vector<FrameSignature> frames;
  for (int i = 0; i < 50; ++i) frames.push_back(Solid(i * 0.1, 7, 0.4f));
  EXPECT_EQ(SegmentShots(frames, 5.0).size(), 1u);
  EXPECT_TRUE(SegmentShots({}, 0).empty());
}

TEST(DetectShots, CutsFadesAndDissolvesInARenderedVideo) {
  auto dir = tm::MakeTempDir("shots-test");
  ASSERT_TRUE(dir.ok());
  tm::VideoSpec spec;
  spec.shots = {tm::MakeShot("testsrc2", 2.5), tm::MakeShot("smptebars", 2.0),
                tm::MakeShot("color=c=navy", 2.5, tm::Transition::kFadeThroughBlack),
                tm::MakeShot("rgbtestsrc", 2.0, tm::Transition::kDissolve),
                tm::MakeShot("color=c=darkred", 2.0)};
  const std::string path = *dir + "/shots.mp4";
  Status made = tm::Video(spec, path);
  ASSERT_TRUE(made.ok()) << made.ToString();
  auto shots = DetectShots(path);
  ASSERT_TRUE(shots.ok()) << shots.status().ToString();
  const std::vector<double> truth = tm::ShotBoundaries(spec);
  ASSERT_EQ(shots->size(), truth.size() + 1);
  for (size_t i = 0; i < truth.size(); ++i) EXPECT_NEAR((*shots)[i + 1].start_s, truth[i], 0.3) << "boundary " << i;
  EXPECT_EQ((*shots)[1].transition_in, TransitionKind::kCut);
  EXPECT_EQ((*shots)[2].transition_in, TransitionKind::kFade);
  EXPECT_EQ((*shots)[3].transition_in, TransitionKind::kDissolve);
  EXPECT_EQ((*shots)[4].transition_in, TransitionKind::kCut);
  EXPECT_EQ(DominantColorName((*shots)[2].hist), "dark blue");
  EXPECT_GT((*shots)[0].motion, (*shots)[1].motion);  // moving test pattern vs static bars
  std::filesystem::remove_all(*dir);
}

}  // namespace
}  // namespace encore::video
