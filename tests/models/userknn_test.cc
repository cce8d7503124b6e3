#include "models/userknn.h"

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

TEST(UserKnn, CosineBetweenUsersMatchesHandComputation) {
  auto model = UserKnn::Create({{"shrink", "0"}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(Quiet(), ThreeByThree()).ok());
  const SparseRows& s = static_cast<const UserKnn&>(**model).similarity();
  EXPECT_NEAR(s.At(0, 1), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_NEAR(s.At(0, 2), 0.5, 1e-6);
  std::vector<float> scores(3);
  ASSERT_TRUE((*model)->ScoreAll(0, scores).ok());
  EXPECT_NEAR(scores[2], 0.5 + 2 / std::sqrt(6.0), 1e-6);
  // A new user with u0's history gets u0's scores.
  std::vector<float> fresh(3);
  std::vector<ItemIdx> history = {0, 1};
  ASSERT_TRUE((*model)->ScoreHistory(history, {}, fresh).ok());
  // u0 itself becomes a neighbour of the new user (cosine 1) and adds its own items.
  EXPECT_NEAR(fresh[2], scores[2], 1e-6);
  std::vector<Contribution> why;
  ASSERT_TRUE((*model)->Explain(0, 2, &why).ok());
  ASSERT_FALSE(why.empty());
  double total = 0;
  for (const Contribution& c : why) total += c.weight;
  EXPECT_NEAR(total, scores[2], 1e-5);
}

TEST(UserKnn, RejectsBadParameters) {
  EXPECT_EQ(UserKnn::Create({{"similarity", "dice"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UserKnn::Create({{"asymmetric_alpha", "2"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
