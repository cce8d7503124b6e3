#include "core/weighting.h"

#include <cmath>

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(Weighting, RatingsAboveThresholdArePositiveBelowNegative) {
  WeightingOptions o;
  ASSERT_TRUE(o.Set("rating_positive_min", "4").ok());
  ASSERT_TRUE(o.Set("rating_negative_max", "2").ok());
  EXPECT_EQ(EventWeight({0, 0, EventType::kRate, 5, 0}, o), 1.0f);
  EXPECT_EQ(EventWeight({0, 0, EventType::kRate, 3, 0}, o), 0.0f);
  EXPECT_EQ(EventWeight({0, 0, EventType::kRate, 1, 0}, o), -1.0f);
}

TEST(Weighting, WatchRatioAndSkipsAndCounts) {
  WeightingOptions o;
  EXPECT_EQ(EventWeight({0, 0, EventType::kPlay, 0.9f, 0}, o), 1.0f);
  EXPECT_EQ(EventWeight({0, 0, EventType::kPlay, 0.3f, 0}, o), 0.0f);
  EXPECT_EQ(EventWeight({0, 0, EventType::kPlay, 0.05f, 0}, o), -1.0f);
  EXPECT_LT(EventWeight({0, 0, EventType::kSkip, 0, 0}, o), 0.0f);
  EXPECT_NEAR(EventWeight({0, 0, EventType::kPlayCount, 100, 0}, o), std::log1p(100.0), 1e-5);
}

TEST(Weighting, AggregateSumsPairsKeepsLatestTimeAndDropsZeros) {
  WeightingOptions o;
  std::vector<EventRow> ev = {{1, 2, EventType::kPlay, 1.0f, 5},
                              {1, 2, EventType::kLike, 0, 9},
                              {0, 1, EventType::kPlay, 0.9f, 3},
                              {0, 3, EventType::kPlay, 0.9f, 4},
                              {0, 3, EventType::kSkip, 0, 6}};
  auto pairs = AggregateEvents(ev, o);
  ASSERT_EQ(pairs.size(), 2u);  // (0,3) cancels out
  EXPECT_EQ(pairs[0].user, 0);
  EXPECT_EQ(pairs[0].item, 1);
  EXPECT_EQ(pairs[1].user, 1);
  EXPECT_FLOAT_EQ(pairs[1].weight, 1.0f + o.like_weight);
  EXPECT_EQ(pairs[1].timestamp, 9);
}

TEST(Weighting, RejectsUnknownKeysAndBadValues) {
  WeightingOptions o;
  EXPECT_EQ(o.Set("nope", "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o.Set("like_weight", "abc").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o.Set("play_positive_ratio", "1.5").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
