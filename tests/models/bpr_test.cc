#include "models/bpr.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "models/factor_kernels.h"

namespace encore {
namespace {

Interactions Clustered(int n_users, int n_items, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1);
  std::vector<Interaction> t;
  for (int u = 0; u < n_users; ++u)
    for (int i = 0; i < n_items; ++i)
      if (u01(rng) < ((u % 2) == (i % 2) ? 0.3 : 0.03)) t.push_back({u, i, 1.0f, 0});
  return Interactions::FromTriplets(n_users, n_items, t);
}

TrainContext Quiet(int threads, uint64_t seed = 42) {
  TrainContext ctx;
  ctx.run.progress = false;
  ctx.run.threads = threads;
  ctx.run.seed = seed;
  return ctx;
}

std::unique_ptr<Bpr> Make(const ModelParams& params) {
  auto model = Bpr::Create(params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return std::unique_ptr<Bpr>(static_cast<Bpr*>(model->release()));
}

TEST(Bpr, LossDecreasesOverEpochs) {
  Interactions train = Clustered(200, 60, 1);
  for (const char* negatives : {"uniform", "popularity"}) {
    auto model = Make({{"factors", "16"}, {"epochs", "20"}, {"negatives", negatives}});
    std::vector<double> losses;
    ASSERT_TRUE(model->FitTracked(Quiet(2), train, &losses).ok());
    ASSERT_EQ(losses.size(), 20u);
    EXPECT_LT(losses.back(), 0.8 * losses.front()) << negatives;
    EXPECT_LT(losses[19], losses[4]) << negatives;
  }
}

TEST(Bpr, RanksTheUsersGroupAboveTheOther) {
  Interactions train = Clustered(200, 60, 2);
  auto model = Make({{"factors", "16"}, {"epochs", "30"}});
  ASSERT_TRUE(model->Fit(Quiet(2), train).ok());
  std::vector<float> scores(60);
  ASSERT_TRUE(model->ScoreAll(0, scores).ok());  // user 0 likes even items
  double even = 0, odd = 0;
  for (int i = 0; i < 60; ++i) (i % 2 == 0 ? even : odd) += scores[i];
  EXPECT_GT(even, odd);
}

TEST(Bpr, SameSeedWithOneThreadGivesIdenticalFactors) {
  Interactions train = Clustered(50, 30, 3);
  auto a = Make({{"factors", "8"}, {"epochs", "3"}});
  auto b = Make({{"factors", "8"}, {"epochs", "3"}});
  auto c = Make({{"factors", "8"}, {"epochs", "3"}});
  ASSERT_TRUE(a->Fit(Quiet(1, 5), train).ok());
  ASSERT_TRUE(b->Fit(Quiet(1, 5), train).ok());
  ASSERT_TRUE(c->Fit(Quiet(1, 6), train).ok());
  EXPECT_EQ(a->UserFactors(4), b->UserFactors(4));
  EXPECT_EQ(a->ItemFactors(7), b->ItemFactors(7));
  EXPECT_NE(a->UserFactors(4), c->UserFactors(4));
}

TEST(Bpr, TrackingTheLossDoesNotChangeTraining) {
  // Fit skips the loss (two transcendentals per sample); the updates must not differ.
  Interactions train = Clustered(60, 30, 5);
  auto a = Make({{"factors", "8"}, {"epochs", "3"}});
  auto b = Make({{"factors", "8"}, {"epochs", "3"}});
  std::vector<double> losses;
  ASSERT_TRUE(a->Fit(Quiet(1, 9), train).ok());
  ASSERT_TRUE(b->FitTracked(Quiet(1, 9), train, &losses).ok());
  EXPECT_EQ(losses.size(), 3u);
  for (UserIdx u = 0; u < 60; ++u) EXPECT_EQ(a->UserFactors(u), b->UserFactors(u));
  for (ItemIdx i = 0; i < 30; ++i) EXPECT_EQ(a->ItemFactors(i), b->ItemFactors(i));
}

TEST(Bpr, Avx2StepAgreesWithThePortableOne) {
  const FactorKernels& best = BestFactorKernels();
  const FactorKernels& portable = PortableFactorKernels();
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0, 0.3f);
  for (int k : {5, 8, 24, 64}) {  // odd and even numbers of 8-float blocks
    const int s = PaddedRank(k);
    std::vector<float> rows[2];
    for (auto& r : rows) {
      r.assign(3 * s, 0.0f);
      for (int row = 0; row < 3; ++row)
        for (int c = 0; c < k; ++c) r[row * s + c] = normal(rng);
    }
    rows[1] = rows[0];
    float bias[2][2] = {{0.1f, -0.2f}, {0.1f, -0.2f}};
    const float m0 = best.bpr_step(rows[0].data(), rows[0].data() + s, rows[0].data() + 2 * s, &bias[0][0],
                                   &bias[0][1], 0.05f, 0.01f, s);
    const float m1 = portable.bpr_step(rows[1].data(), rows[1].data() + s, rows[1].data() + 2 * s, &bias[1][0],
                                       &bias[1][1], 0.05f, 0.01f, s);
    EXPECT_NEAR(m0, m1, 1e-5) << k;
    for (int f = 0; f < 3 * s; ++f) EXPECT_NEAR(rows[0][f], rows[1][f], 1e-6) << k << " " << f;
    for (int f = k; f < s; ++f) EXPECT_EQ(rows[0][f], 0.0f) << "padding stays zero";
    EXPECT_NEAR(bias[0][0], bias[1][0], 1e-6);
    EXPECT_NEAR(bias[0][1], bias[1][1], 1e-6);
  }
}

TEST(Bpr, ScoreMatchesScoreAllAndVectors) {
  Interactions train = Clustered(40, 20, 4);
  auto model = Make({{"factors", "5"}, {"epochs", "2"}});
  ASSERT_TRUE(model->Fit(Quiet(1), train).ok());
  std::vector<float> all(20), some(2), items, user;
  std::vector<ItemIdx> which = {3, 17};
  ASSERT_TRUE(model->ScoreAll(1, all).ok());
  ASSERT_TRUE(model->Score(1, which, some).ok());
  EXPECT_NEAR(some[0], all[3], 1e-5);
  EXPECT_NEAR(some[1], all[17], 1e-5);
  int dim = 0;
  ASSERT_TRUE(model->ItemVectors(&items, &dim).ok());
  ASSERT_TRUE(model->UserVector(1, {}, {}, &user).ok());
  ASSERT_EQ(dim, 6);
  double dot = 0;
  for (int f = 0; f < dim; ++f) dot += user[f] * items[17 * dim + f];
  EXPECT_NEAR(dot, all[17], 1e-5);
}

TEST(Bpr, RejectsBadParameters) {
  EXPECT_EQ(Bpr::Create({{"negatives", "hard"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Bpr::Create({{"learning_rate", "0"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Bpr::Create({{"learning_rate", "5"}, {"reg", "1"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
