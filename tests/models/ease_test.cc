#include "models/ease.h"

#include <random>

#include <Eigen/Dense>
#include <gtest/gtest.h>

namespace encore {
namespace {

Interactions RandomBinary(int n_users, int n_items, double density, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution keep(density);
  std::vector<Interaction> t;
  for (int u = 0; u < n_users; ++u)
    for (int i = 0; i < n_items; ++i)
      if (keep(rng)) t.push_back({u, i, 1.0f, 0});
  return Interactions::FromTriplets(n_users, n_items, t);
}

TrainContext Quiet() {
  TrainContext ctx;
  ctx.run.progress = false;
  return ctx;
}

// The reference: B from a dense double inverse, scores = X B.
Eigen::MatrixXd DenseEaseScores(const Interactions& train, double lambda) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(train.n_users(), train.n_items());
  for (idx_t u = 0; u < train.n_users(); ++u)
    for (ItemIdx i : train.Row(u)) x(u, i) = 1;
  Eigen::MatrixXd g = x.transpose() * x;
  g.diagonal().array() += lambda;
  Eigen::MatrixXd p = g.inverse();
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(p.rows(), p.cols());
  for (int i = 0; i < p.rows(); ++i)
    for (int j = 0; j < p.cols(); ++j)
      if (i != j) b(i, j) = -p(i, j) / p(j, j);
  return x * b;
}

void ExpectMatchesDense(const std::string& form) {
  Interactions train = RandomBinary(25, 40, 0.2, 7);
  auto model = Ease::Create({{"lambda", "3"}, {"form", form}});
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Fit(Quiet(), train).ok());
  Eigen::MatrixXd want = DenseEaseScores(train, 3.0);
  std::vector<float> scores(40);
  for (UserIdx u = 0; u < 25; ++u) {
    ASSERT_TRUE((*model)->ScoreAll(u, scores).ok());
    for (int i = 0; i < 40; ++i) EXPECT_NEAR(scores[i], want(u, i), 2e-4) << form << " user " << u << " item " << i;
  }
}

TEST(Ease, PrimalFormMatchesDirectDenseSolve) { ExpectMatchesDense("primal"); }
TEST(Ease, DualFormMatchesDirectDenseSolve) { ExpectMatchesDense("dual"); }

TEST(Ease, ScoreHistoryAndScoreMatchScoreAll) {
  Interactions train = RandomBinary(30, 20, 0.3, 3);
  for (const char* form : {"primal", "dual"}) {
    auto model = Ease::Create({{"form", form}, {"lambda", "5"}});
    ASSERT_TRUE(model.ok());
    ASSERT_TRUE((*model)->Fit(Quiet(), train).ok());
    std::vector<float> all(20), hist(20), some(3);
    ASSERT_TRUE((*model)->ScoreAll(4, all).ok());
    auto row = train.Row(4);
    std::vector<ItemIdx> history(row.begin(), row.end());
    ASSERT_TRUE((*model)->ScoreHistory(history, {}, hist).ok());
    std::vector<ItemIdx> items = {0, 7, 19};
    ASSERT_TRUE((*model)->Score(4, items, some).ok());
    for (int i = 0; i < 20; ++i) EXPECT_NEAR(all[i], hist[i], 1e-5) << form;
    for (int n = 0; n < 3; ++n) EXPECT_NEAR(some[n], all[items[n]], 1e-5) << form;
  }
}

TEST(Ease, ExplainSumsToTheScore) {
  Interactions train = RandomBinary(30, 20, 0.3, 5);
  for (const char* form : {"primal", "dual"}) {
    auto model = Ease::Create({{"form", form}, {"lambda", "2"}});
    ASSERT_TRUE(model.ok());
    ASSERT_TRUE((*model)->Fit(Quiet(), train).ok());
    std::vector<float> all(20);
    ASSERT_TRUE((*model)->ScoreAll(2, all).ok());
    std::vector<Contribution> why;
    ItemIdx target = 0;
    while (train.Contains(2, target)) ++target;
    ASSERT_TRUE((*model)->Explain(2, target, &why).ok());
    ASSERT_EQ(why.size(), train.Row(2).size());
    double sum = 0;
    for (const Contribution& c : why) sum += c.weight;
    EXPECT_NEAR(sum, all[target], 1e-4) << form;
    for (size_t k = 1; k < why.size(); ++k) EXPECT_GE(why[k - 1].weight, why[k].weight);
  }
}

TEST(Ease, RefusesWhenTheDenseMatrixWouldNotFit) {
  Interactions train = RandomBinary(600, 1000, 0.01, 9);
  auto model = Ease::Create({{"form", "primal"}, {"memory_limit_mb", "1"}});
  ASSERT_TRUE(model.ok());
  Status s = (*model)->Fit(Quiet(), train);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("memory_limit_mb"), std::string::npos) << s.message();
  // 1000 items: 8 MB as floats; the dual form for 600 users needs 5.8 MB.
  EXPECT_NEAR(Ease::RequiredBytes(600, 1000, "primal"), 8e6, 1);
  auto fits = Ease::Create({{"form", "auto"}, {"memory_limit_mb", "16"}});
  ASSERT_TRUE(fits.ok());
  EXPECT_TRUE((*fits)->Fit(Quiet(), train).ok());
}

TEST(Ease, AutoPicksDualWhenUsersAreFarFewer) {
  auto model = Ease::Create({});
  ASSERT_TRUE(model.ok());
  auto* ease = static_cast<Ease*>(model->get());
  EXPECT_EQ(ease->ResolvedForm(1892, 17632), "dual");
  EXPECT_EQ(ease->ResolvedForm(943, 1682), "primal");
}

TEST(Ease, RejectsBadParameters) {
  EXPECT_EQ(Ease::Create({{"lambda", "-1"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Ease::Create({{"form", "sideways"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Ease::Create({{"lamda", "1"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
