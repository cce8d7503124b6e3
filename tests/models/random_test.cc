#include "models/random.h"

#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

namespace encore {
namespace {

Interactions Grid(idx_t n_users, idx_t n_items) {
  std::vector<Interaction> t;
  for (UserIdx u = 0; u < n_users; ++u) t.push_back({u, static_cast<ItemIdx>(u % n_items), 1.0f, 0});
  return Interactions::FromTriplets(n_users, n_items, t);
}

std::unique_ptr<Recommender> Fitted(const ModelParams& params, uint64_t run_seed, idx_t n_users, idx_t n_items) {
  auto model = RandomModel::Create(params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  TrainContext ctx;
  ctx.run.seed = run_seed;
  EXPECT_TRUE((*model)->Fit(ctx, Grid(n_users, n_items)).ok());
  return std::move(*model);
}

TEST(Random, SameSeedSameScoresDifferentSeedDifferentScores) {
  auto a = Fitted({}, 7, 5, 200);
  auto b = Fitted({}, 7, 5, 200);
  auto c = Fitted({}, 8, 5, 200);
  std::vector<float> sa(200), sb(200), sc(200);
  ASSERT_TRUE(a->ScoreAll(2, sa).ok());
  ASSERT_TRUE(b->ScoreAll(2, sb).ok());
  ASSERT_TRUE(c->ScoreAll(2, sc).ok());
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(Random, SeedParameterOverridesTheRunSeed) {
  auto a = Fitted({{"seed", "3"}}, 1, 2, 50);
  auto b = Fitted({{"seed", "3"}}, 99, 2, 50);
  std::vector<float> sa(50), sb(50);
  ASSERT_TRUE(a->ScoreAll(0, sa).ok());
  ASSERT_TRUE(b->ScoreAll(0, sb).ok());
  EXPECT_EQ(sa, sb);
  EXPECT_EQ(static_cast<RandomModel*>(a.get())->seed(), 3u);
}

TEST(Random, ScoreOfASubsetMatchesScoreAll) {
  auto model = Fitted({}, 42, 3, 100);
  std::vector<float> all(100);
  ASSERT_TRUE(model->ScoreAll(1, all).ok());
  std::vector<ItemIdx> subset = {99, 0, 57, 57, 13};
  std::vector<float> part(subset.size());
  ASSERT_TRUE(model->Score(1, subset, part).ok());
  for (size_t i = 0; i < subset.size(); ++i) EXPECT_EQ(part[i], all[subset[i]]);
}

TEST(Random, ScoresAreUniformAndUsersGetDifferentOrders) {
  const idx_t n_items = 20000;
  auto model = Fitted({}, 42, 2, n_items);
  std::vector<float> s0(n_items), s1(n_items);
  ASSERT_TRUE(model->ScoreAll(0, s0).ok());
  ASSERT_TRUE(model->ScoreAll(1, s1).ok());
  // Mean of U[0,1) is 0.5 with standard error 1/sqrt(12 n) = 0.002; deciles hold ~10% each.
  const double mean = std::accumulate(s0.begin(), s0.end(), 0.0) / n_items;
  EXPECT_NEAR(mean, 0.5, 0.01);
  std::vector<int> decile(10, 0);
  for (float s : s0) {
    ASSERT_GE(s, 0.0f);
    ASSERT_LT(s, 1.0f);
    ++decile[static_cast<int>(s * 10)];
  }
  for (int d : decile) EXPECT_NEAR(d, n_items / 10, n_items / 50);
  // Two users' scores are uncorrelated: their top item differs and few scores coincide.
  EXPECT_NE(std::max_element(s0.begin(), s0.end()) - s0.begin(), std::max_element(s1.begin(), s1.end()) - s1.begin());
  int equal = 0;
  for (idx_t i = 0; i < n_items; ++i) equal += s0[i] == s1[i];
  EXPECT_LT(equal, 10);
}

TEST(Random, HistoriesAreDeterministicAndDistinct) {
  auto model = Fitted({}, 42, 2, 300);
  std::vector<ItemIdx> h1 = {1, 2, 3}, h2 = {1, 2, 4};
  std::vector<float> w(3, 1.0f);
  std::vector<float> a(300), b(300), c(300);
  ASSERT_TRUE(model->ScoreHistory(h1, w, a).ok());
  ASSERT_TRUE(model->ScoreHistory(h1, w, b).ok());
  ASSERT_TRUE(model->ScoreHistory(h2, w, c).ok());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Random, RejectsBadInput) {
  EXPECT_EQ(RandomModel::Create({{"seed", "-2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RandomModel::Create({{"seed", "abc"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RandomModel::Create({{"bogus", "1"}}).status().code(), StatusCode::kInvalidArgument);
  auto model = Fitted({}, 1, 2, 10);
  std::vector<float> scores(10);
  EXPECT_EQ(model->ScoreAll(2, scores).code(), StatusCode::kInvalidArgument);  // user outside training
  std::vector<ItemIdx> bad_item = {10};
  std::vector<float> one(1);
  EXPECT_EQ(model->Score(0, bad_item, one).code(), StatusCode::kInvalidArgument);
  std::vector<float> wrong_size(9);
  EXPECT_EQ(model->ScoreHistory({}, {}, wrong_size).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
