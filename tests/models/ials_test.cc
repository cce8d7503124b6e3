#include "models/ials.h"

#include <random>

#include <gtest/gtest.h>

#include "models/factor_kernels.h"

namespace encore {
namespace {

// Users in two taste groups with some noise: low rank, so the model can fit it.
Interactions Clustered(int n_users, int n_items, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  std::vector<Interaction> t;
  for (int u = 0; u < n_users; ++u)
    for (int i = 0; i < n_items; ++i) {
      const bool same_group = (u % 2) == (i % 2);
      if (u01(rng) < (same_group ? 0.35 : 0.05)) t.push_back({u, i, 1.0f + static_cast<float>(i % 3), 0});
    }
  return Interactions::FromTriplets(n_users, n_items, t);
}

TrainContext Quiet(int threads = 2, uint64_t seed = 42) {
  TrainContext ctx;
  ctx.run.progress = false;
  ctx.run.threads = threads;
  ctx.run.seed = seed;
  return ctx;
}

std::unique_ptr<Ials> Make(const ModelParams& params) {
  auto model = Ials::Create(params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::unique_ptr<Ials>(static_cast<Ials*>(model->release()));
}

TEST(Ials, LossDecreasesEveryEpochWithExactSolves) {
  Interactions train = Clustered(60, 40, 1);
  auto model = Make({{"factors", "8"}, {"epochs", "6"}, {"solver", "exact"}, {"alpha", "2"}});
  std::vector<double> losses;
  ASSERT_TRUE(model->FitTracked(Quiet(), train, &losses).ok());
  ASSERT_EQ(losses.size(), 6u);
  for (size_t e = 1; e < losses.size(); ++e) EXPECT_LE(losses[e], losses[e - 1] * (1 + 1e-5)) << "epoch " << e;
  EXPECT_LT(losses.back(), losses.front());
}

TEST(Ials, LossDecreasesWithConjugateGradient) {
  Interactions train = Clustered(60, 40, 2);
  auto model = Make({{"factors", "16"}, {"epochs", "8"}, {"solver", "cg"}, {"binary", "false"}});
  std::vector<double> losses;
  ASSERT_TRUE(model->FitTracked(Quiet(), train, &losses).ok());
  for (size_t e = 1; e < losses.size(); ++e) EXPECT_LE(losses[e], losses[e - 1] * (1 + 1e-4)) << "epoch " << e;
  EXPECT_LT(losses.back(), losses.front() * 0.99);
}

TEST(Ials, ConjugateGradientConvergesToTheExactLoss) {
  Interactions train = Clustered(60, 40, 3);
  auto exact = Make({{"factors", "8"}, {"epochs", "10"}, {"solver", "exact"}});
  auto cg = Make({{"factors", "8"}, {"epochs", "10"}, {"solver", "cg"}, {"cg_steps", "8"}});
  ASSERT_TRUE(exact->Fit(Quiet(), train).ok());
  ASSERT_TRUE(cg->Fit(Quiet(), train).ok());
  EXPECT_NEAR(cg->Loss(train), exact->Loss(train), 0.01 * std::abs(exact->Loss(train)));
}

TEST(Ials, FoldInEqualsTheTrainedUserRow) {
  Interactions train = Clustered(50, 30, 4);
  auto model = Make({{"factors", "8"}, {"epochs", "5"}, {"solver", "exact"}, {"binary", "false"}, {"alpha", "3"}});
  ASSERT_TRUE(model->Fit(Quiet(), train).ok());
  for (UserIdx u : {0, 7, 31}) {
    auto row = train.Row(u);
    auto weights = train.RowWeights(u);
    std::vector<ItemIdx> history(row.begin(), row.end());
    std::vector<float> w(weights.begin(), weights.end());
    std::vector<float> folded;
    ASSERT_TRUE(model->FoldIn(history, w, &folded).ok());
    std::vector<float> trained = model->UserFactors(u);
    ASSERT_EQ(folded.size(), trained.size());
    for (size_t f = 0; f < folded.size(); ++f) EXPECT_NEAR(folded[f], trained[f], 1e-4) << "user " << u;
    // ScoreHistory ranks like ScoreAll.
    std::vector<float> a(30), b(30);
    ASSERT_TRUE(model->ScoreAll(u, a).ok());
    ASSERT_TRUE(model->ScoreHistory(history, w, b).ok());
    for (int i = 0; i < 30; ++i) EXPECT_NEAR(a[i], b[i], 1e-4);
  }
}

TEST(Ials, FoldInMatchesConjugateGradientTrainingWithinTolerance) {
  Interactions train = Clustered(50, 30, 5);
  auto model = Make({{"factors", "8"}, {"epochs", "15"}, {"solver", "cg"}});
  ASSERT_TRUE(model->Fit(Quiet(), train).ok());
  auto row = train.Row(3);
  std::vector<ItemIdx> history(row.begin(), row.end());
  std::vector<float> folded;
  ASSERT_TRUE(model->FoldIn(history, {}, &folded).ok());
  std::vector<float> trained = model->UserFactors(3);
  double diff = 0, norm = 0;
  for (size_t f = 0; f < folded.size(); ++f) {
    diff += (folded[f] - trained[f]) * (folded[f] - trained[f]);
    norm += trained[f] * trained[f];
  }
  EXPECT_LT(std::sqrt(diff), 0.02 * std::sqrt(norm));
}

TEST(Ials, SameSeedGivesIdenticalFactorsWhateverTheThreads) {
  Interactions train = Clustered(40, 30, 6);
  auto a = Make({{"factors", "8"}, {"epochs", "3"}});
  auto b = Make({{"factors", "8"}, {"epochs", "3"}});
  auto c = Make({{"factors", "8"}, {"epochs", "3"}});
  ASSERT_TRUE(a->Fit(Quiet(1, 7), train).ok());
  ASSERT_TRUE(b->Fit(Quiet(2, 7), train).ok());
  ASSERT_TRUE(c->Fit(Quiet(2, 8), train).ok());
  EXPECT_EQ(a->UserFactors(5), b->UserFactors(5));
  EXPECT_EQ(a->ItemFactors(9), b->ItemFactors(9));
  EXPECT_NE(a->UserFactors(5), c->UserFactors(5));
}

TEST(Ials, ExplainSumsToTheScore) {
  Interactions train = Clustered(40, 30, 8);
  auto model = Make({{"factors", "8"}, {"epochs", "4"}, {"solver", "exact"}});
  ASSERT_TRUE(model->Fit(Quiet(), train).ok());
  std::vector<float> all(30);
  ASSERT_TRUE(model->ScoreAll(2, all).ok());
  ItemIdx target = 0;
  while (train.Contains(2, target)) ++target;
  std::vector<Contribution> why;
  ASSERT_TRUE(model->Explain(2, target, &why).ok());
  ASSERT_EQ(why.size(), train.Row(2).size());
  double sum = 0;
  for (const Contribution& c : why) sum += c.weight;
  EXPECT_NEAR(sum, all[target], 1e-4);
}

TEST(Ials, Avx2KernelsAgreeWithThePortableOnes) {
  const FactorKernels& best = BestFactorKernels();
  const FactorKernels& portable = PortableFactorKernels();
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0, 1);
  const int k = 13, s = PaddedRank(k);
  std::vector<float> h(20 * s, 0.0f), gram(s * s, 0.0f);
  for (int r = 0; r < 20; ++r)
    for (int c = 0; c < k; ++c) h[r * s + c] = normal(rng);
  for (int r = 0; r < 20; ++r)
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b) gram[a * s + b] += 0.1f * h[r * s + a] * h[r * s + b];
  std::vector<ItemIdx> idx = {1, 4, 9, 17};
  std::vector<float> conf = {2, 3, 1.5f, 4};
  RowSystem sys{gram.data(), h.data(), k, s, 0.5f, 0.1f, idx, conf};
  std::vector<float> scratch(s * s + 3 * s), x1(s, 0.0f), x2(s, 0.0f), x3(s, 0.0f), x4(s, 0.0f);
  ASSERT_TRUE(best.exact_solve(sys, x1.data(), scratch.data()));
  ASSERT_TRUE(portable.exact_solve(sys, x2.data(), scratch.data()));
  best.cg_solve(sys, k, x3.data(), scratch.data());
  portable.cg_solve(sys, k, x4.data(), scratch.data());
  for (int f = 0; f < s; ++f) {
    EXPECT_NEAR(x1[f], x2[f], 1e-4);
    EXPECT_NEAR(x3[f], x1[f], 1e-3);
    EXPECT_NEAR(x4[f], x1[f], 1e-3);
  }
  EXPECT_NEAR(best.dot(h.data(), h.data() + s, s), portable.dot(h.data(), h.data() + s, s), 1e-4);
}

TEST(Ials, RejectsBadParameters) {
  EXPECT_EQ(Ials::Create({{"factors", "0"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Ials::Create({{"solver", "magic"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Ials::Create({{"unobserved", "2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Ials::Create({{"reg", "0"}, {"unobserved", "0"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Ials::Create({{"factor", "8"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
