#include "models/rp3beta.h"

#include <cmath>

#include <gtest/gtest.h>

namespace encore {
namespace {

// u0: {0, 1}; u1: {0, 1, 2}; u2: {1, 2}.
Interactions ThreeByThree() {
  std::vector<Interaction> t = {{0, 0, 1, 0}, {0, 1, 1, 0}, {1, 0, 1, 0}, {1, 1, 1, 0},
                                {1, 2, 1, 0}, {2, 1, 1, 0}, {2, 2, 1, 0}};
  return Interactions::FromTriplets(3, 3, t);
}

TrainContext Quiet() {
  TrainContext ctx;
  ctx.run.progress = false;
  return ctx;
}

TEST(Rp3beta, RandomWalkProbabilitiesMatchHandComputation) {
  auto model = Rp3beta::Create({{"alpha", "1"}, {"beta", "0"}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(Quiet(), ThreeByThree()).ok());
  const SparseRows& s = static_cast<const Rp3beta&>(**model).similarity();
  // i0 -> u1 (1/2) -> i2 (1/3).
  EXPECT_NEAR(s.At(0, 2), 1.0 / 6.0, 1e-6);
  // i0 -> u0 (1/2) -> i1 (1/2) + i0 -> u1 (1/2) -> i1 (1/3).
  EXPECT_NEAR(s.At(0, 1), 0.25 + 1.0 / 6.0, 1e-6);
}

TEST(Rp3beta, BetaPenalisesPopularTargets) {
  auto model = Rp3beta::Create({{"alpha", "1"}, {"beta", "0.5"}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(Quiet(), ThreeByThree()).ok());
  const SparseRows& s = static_cast<const Rp3beta&>(**model).similarity();
  EXPECT_NEAR(s.At(0, 2), 1.0 / 6.0 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(s.At(0, 1), (0.25 + 1.0 / 6.0) / std::sqrt(3.0), 1e-6);
  std::vector<float> scores(3);
  ASSERT_TRUE((*model)->ScoreAll(0, scores).ok());
  EXPECT_NEAR(scores[2], s.At(0, 2) + s.At(1, 2), 1e-6);
}

TEST(Rp3beta, RejectsBadParameters) {
  EXPECT_EQ(Rp3beta::Create({{"beta", "-1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Rp3beta::Create({{"neighbours", "0"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
