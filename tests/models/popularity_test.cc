#include "models/popularity.h"

#include <gtest/gtest.h>

namespace encore {
namespace {

Interactions Tiny() {
  // item 2 has 3 users, item 0 has 2, item 1 has 1 positive and 1 negative.
  std::vector<Interaction> t = {{0, 2, 1, 100}, {1, 2, 1, 100}, {2, 2, 1, 0}, {0, 0, 1, 0},
                                {1, 0, 1, 0},   {2, 1, 1, 100}, {0, 1, -1, 0}};
  return Interactions::FromTriplets(3, 3, t);
}

TEST(Popularity, CountsPositiveUsersPerItem) {
  auto model = Popularity::Create({});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit({}, Tiny()).ok());
  std::vector<float> scores(3);
  ASSERT_TRUE((*model)->ScoreAll(0, scores).ok());
  EXPECT_EQ(scores, (std::vector<float>{2, 1, 3}));
}

TEST(Popularity, HalfLifeDiscountsOldInteractions) {
  auto model = Popularity::Create({{"half_life_days", std::to_string(100.0 / 86400.0)}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit({}, Tiny()).ok());
  std::vector<float> scores(3);
  ASSERT_TRUE((*model)->ScoreAll(0, scores).ok());
  // Item 0: two interactions one half-life old. Item 2: two fresh + one old.
  EXPECT_NEAR(scores[0], 1.0f, 1e-3);
  EXPECT_NEAR(scores[2], 2.5f, 1e-3);
}

TEST(Popularity, RejectsBadParameters) {
  EXPECT_EQ(Popularity::Create({{"half_life_days", "-1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Popularity::Create({{"bogus", "1"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
