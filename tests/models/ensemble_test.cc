#include "models/ensemble.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include <gtest/gtest.h>

namespace encore {
namespace {

// Five users over six items, with a popular item 0 and two taste groups.
Interactions Small() {
  std::vector<Interaction> t = {{0, 0, 1, 0}, {0, 1, 1, 0}, {0, 2, 1, 0}, {1, 0, 1, 0}, {1, 1, 1, 0},
                                {1, 3, 1, 0}, {2, 0, 1, 0}, {2, 4, 1, 0}, {2, 5, 1, 0}, {3, 4, 1, 0},
                                {3, 5, 1, 0}, {4, 0, 1, 0}, {4, 2, 1, 0}};
  return Interactions::FromTriplets(5, 6, t);
}

TrainContext Quiet() {
  TrainContext ctx;
  ctx.run.progress = false;
  return ctx;
}

std::vector<float> ZScore(std::vector<float> s) {
  double mean = std::accumulate(s.begin(), s.end(), 0.0) / s.size();
  double var = 0;
  for (float v : s) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / s.size());
  for (float& v : s) v = static_cast<float>(sd > 0 ? (v - mean) / sd : 0.0);
  return s;
}

std::vector<float> ScoresOf(const std::string& name, const ModelParams& params, UserIdx user) {
  auto model = CreateModel(name, params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_TRUE((*model)->Fit(Quiet(), Small()).ok());
  std::vector<float> s(6);
  EXPECT_TRUE((*model)->ScoreAll(user, s).ok());
  return s;
}

TEST(Ensemble, BlendsZScoredMemberScoresWithNormalisedWeights) {
  const auto ease = ZScore(ScoresOf("ease", {{"lambda", "2"}}, 0));
  const auto rp3 = ZScore(ScoresOf("rp3beta", {}, 0));
  // Weights 3,1 are rescaled to 0.75,0.25.
  const auto blend = ScoresOf("ensemble", {{"models", "ease,rp3beta"}, {"weights", "3,1"}, {"ease.lambda", "2"}}, 0);
  for (int j = 0; j < 6; ++j) EXPECT_NEAR(blend[j], 0.75f * ease[j] + 0.25f * rp3[j], 1e-5) << "item " << j;
}

TEST(Ensemble, ZeroWeightLeavesTheOtherModelsRanking) {
  const auto ease = ScoresOf("ease", {{"lambda", "2"}}, 2);
  const auto blend = ScoresOf("ensemble", {{"models", "ease,popularity"}, {"weights", "1,0"}, {"ease.lambda", "2"}}, 2);
  const auto z = ZScore(ease);
  for (int j = 0; j < 6; ++j) EXPECT_NEAR(blend[j], z[j], 1e-5);
}

TEST(Ensemble, MaxNormalisationDividesByLargestAbsoluteScore) {
  const auto pop = ScoresOf("popularity", {}, 1);
  const auto rp3 = ScoresOf("rp3beta", {}, 1);
  const auto blend = ScoresOf("ensemble", {{"models", "popularity,rp3beta"}, {"normalise", "max"}}, 1);
  const float pop_max = *std::max_element(pop.begin(), pop.end());
  const float rp3_max = *std::max_element(rp3.begin(), rp3.end());
  for (int j = 0; j < 6; ++j) EXPECT_NEAR(blend[j], 0.5f * pop[j] / pop_max + 0.5f * rp3[j] / rp3_max, 1e-5);
}

TEST(Ensemble, ScoreHistoryBlendsTheMembersFoldIn) {
  auto model = CreateModel("ensemble", {{"models", "ease,itemknn"}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(Quiet(), Small()).ok());
  std::vector<ItemIdx> history = {4, 5};
  std::vector<float> weights = {1, 1};
  std::vector<float> s(6);
  ASSERT_TRUE((*model)->ScoreHistory(history, weights, s).ok());
  // Items 4 and 5 are watched by users 2 and 3; user 2 also watched 0, so 0 beats 1..3.
  EXPECT_GT(s[0], s[1]);
  EXPECT_GT(s[0], s[3]);
}

TEST(Ensemble, SaveLoadRoundTripKeepsScoresAndParams) {
  auto model = CreateModel("ensemble", {{"models", "ease,rp3beta,popularity"}, {"weights", "2,1,1"}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(Quiet(), Small()).ok());
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ensemble_test_" + std::to_string(::getpid()) + ".model")).string();
  ASSERT_TRUE(SaveModel(**model, path).ok());
  auto loaded = LoadModel(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->Params(), (*model)->Params());
  EXPECT_EQ((*loaded)->Params().at("weights"), "0.5,0.25,0.25");
  std::vector<float> a(6), b(6);
  for (UserIdx u = 0; u < 5; ++u) {
    ASSERT_TRUE((*model)->ScoreAll(u, a).ok());
    ASSERT_TRUE((*loaded)->ScoreAll(u, b).ok());
    EXPECT_EQ(a, b);
  }
}

TEST(Ensemble, RejectsBadParametersWithTheReason) {
  auto expect_error = [](const ModelParams& p, const std::string& needle) {
    auto model = Ensemble::Create(p);
    ASSERT_FALSE(model.ok()) << needle;
    EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(model.status().message().find(needle), std::string::npos) << model.status().message();
  };
  expect_error({{"models", "ease"}}, "at least two");
  expect_error({{"models", "ease,ease"}}, "twice");
  expect_error({{"models", "ease,nosuch"}}, "unknown model 'nosuch'");
  expect_error({{"models", "ease,ensemble"}}, "nesting");
  expect_error({{"models", "ease,rp3beta"}, {"weights", "1"}}, "1 values for 2 models");
  expect_error({{"models", "ease,rp3beta"}, {"weights", "1,-1"}}, "non-negative");
  expect_error({{"models", "ease,rp3beta"}, {"weights", "0,0"}}, "all zero");
  expect_error({{"models", "ease,rp3beta"}, {"ials.factors", "8"}}, "not in models=");
  expect_error({{"models", "ease,rp3beta"}, {"normalise", "rank"}}, "normalise");
  expect_error({{"models", "ease,rp3beta"}, {"ease.lambda", "-3"}}, "lambda");
}

}  // namespace
}  // namespace encore
