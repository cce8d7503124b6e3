#include "eval/evaluator.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "models/popularity.h"

namespace encore {
namespace {

// Training: popularity item0 = 3, item1 = 2, item2 = 1, item3 = 1, item4 = 0.
Interactions HandHistory() {
  std::vector<Interaction> t = {{0, 0, 1, 0}, {0, 1, 1, 0}, {1, 0, 1, 0}, {1, 2, 1, 0},
                                {2, 0, 1, 0}, {2, 1, 1, 0}, {2, 3, 1, 0}};
  return Interactions::FromTriplets(4, 5, t);
}

// Held out: user 0 -> {2}; user 1 -> {1, 4}; user 2 has none (skipped); user 3 nothing at all.
Interactions HandTargets() {
  std::vector<Interaction> t = {{0, 2, 1, 0}, {1, 1, 1, 0}, {1, 4, 1, 0}};
  return Interactions::FromTriplets(4, 5, t);
}

std::unique_ptr<Recommender> FittedPopularity(const Interactions& train) {
  auto model = Popularity::Create({});
  EXPECT_TRUE(model.ok());
  EXPECT_TRUE((*model)->Fit({}, train).ok());
  return std::move(model).value();
}

TEST(Evaluator, PopularityOnAHandComputedCase) {
  const Interactions history = HandHistory(), targets = HandTargets();
  auto model = FittedPopularity(history);
  RankingTask task;
  task.history = &history;
  task.targets = &targets;
  EvalOptions options;
  options.ks = {2};
  RunContext run;
  run.threads = 1;
  auto eval = EvaluateRanking(*model, task, options, run);
  ASSERT_TRUE(eval.ok()) << eval.status().ToString();
  EXPECT_EQ(eval->users, (std::vector<UserIdx>{0, 1}));
  EXPECT_EQ(eval->users_skipped, 1);
  // User 0 (seen 0, 1): ranking 2, 3 (tie at 1, lower index first), 4: hit at rank 1.
  // User 1 (seen 0, 2): ranking 1, 3, 4; relevant {1, 4}: hit at rank 1.
  const auto& m = eval->metrics;
  EXPECT_DOUBLE_EQ(m.at("precision@2"), 0.5);
  EXPECT_DOUBLE_EQ(m.at("recall@2"), (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(m.at("hit@2"), 1.0);
  EXPECT_NEAR(m.at("ndcg@2"), (1.0 + 1.0 / (1.0 + 1.0 / std::log2(3.0))) / 2, 1e-12);
  EXPECT_DOUBLE_EQ(m.at("map@2"), (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(m.at("mrr@2"), 1.0);
  // AUC: user 0: positive 2 (1) vs 3 (1, tie) and 4 (0): 0.75; user 1: 1 (2) and 4 (0) vs 3 (1): 0.5.
  EXPECT_DOUBLE_EQ(m.at("auc"), 0.625);
  // Top-2 lists {2, 3} and {1, 3}: 3 of 5 items; exposure 0,1,1,2,0 -> Gini 10 / 20.
  EXPECT_DOUBLE_EQ(m.at("coverage@2"), 0.6);
  EXPECT_DOUBLE_EQ(m.at("gini@2"), 0.5);
  EXPECT_EQ(eval->exposure, (std::vector<idx_t>{0, 1, 1, 2, 0}));
  ASSERT_EQ(eval->per_user.at("recall@2").size(), 2u);
  EXPECT_DOUBLE_EQ(eval->per_user.at("recall@2")[1], 0.5);
  // Curves at K = 1, 2 agree with the @K values.
  EXPECT_DOUBLE_EQ(eval->curves.at("precision")[0], 1.0);
  EXPECT_DOUBLE_EQ(eval->curves.at("precision")[1], m.at("precision@2"));
  EXPECT_DOUBLE_EQ(eval->curves.at("ndcg")[1], m.at("ndcg@2"));
  EXPECT_DOUBLE_EQ(eval->curves.at("map")[1], m.at("map@2"));
}

TEST(Evaluator, KLargerThanTheCandidatesAndExclusions) {
  const Interactions history = HandHistory(), targets = HandTargets();
  auto model = FittedPopularity(history);
  std::vector<Interaction> extra = {{0, 3, 1, 0}};
  const Interactions also = Interactions::FromTriplets(4, 5, extra);
  RankingTask task;
  task.history = &history;
  task.also_exclude = &also;
  task.targets = &targets;
  EvalOptions options;
  options.ks = {50};
  auto eval = EvaluateRanking(*model, task, options, RunContext{});
  ASSERT_TRUE(eval.ok());
  // User 0 ranks only 2 and 4 (3 excluded): precision divides by K all the same.
  EXPECT_DOUBLE_EQ(eval->per_user.at("precision@50")[0], 1.0 / 50);
  EXPECT_DOUBLE_EQ(eval->per_user.at("recall@50")[1], 1.0);
  EXPECT_DOUBLE_EQ(eval->per_user.at("ndcg@50")[0], 1.0);
}

TEST(Evaluator, CandidateMaskRestrictsTheRanking) {
  const Interactions history = HandHistory(), targets = HandTargets();
  auto model = FittedPopularity(history);
  std::vector<bool> candidates = {false, false, false, false, true};
  RankingTask task;
  task.history = &history;
  task.targets = &targets;
  task.candidates = &candidates;
  EvalOptions options;
  options.ks = {1};
  auto eval = EvaluateRanking(*model, task, options, RunContext{});
  ASSERT_TRUE(eval.ok());
  EXPECT_DOUBLE_EQ(eval->per_user.at("hit@1")[0], 0.0);  // item 2 is not a candidate
  EXPECT_DOUBLE_EQ(eval->per_user.at("hit@1")[1], 1.0);  // only item 4 is ranked
  EXPECT_DOUBLE_EQ(eval->metrics.at("coverage@1"), 1.0);
}

Dataset SyntheticDataset(int n_users, int n_items) {
  std::vector<Interaction> t;
  SplitRng rng(11);
  for (UserIdx u = 0; u < n_users; ++u) {
    for (ItemIdx i = 0; i < n_items; ++i) {
      // Popular low indices, some user structure.
      const double p = 0.6 / (1.0 + i * 0.15) + ((u + i) % 7 == 0 ? 0.3 : 0.0);
      if (rng.Uniform() < p) t.push_back({u, i, 1.0f, static_cast<int64_t>(rng.Below(100000))});
    }
  }
  Dataset data;
  data.interactions = Interactions::FromTriplets(n_users, n_items, t);
  data.items.resize(n_items);
  for (int i = 0; i < n_items; ++i) data.items[i].genres = {i % 2 ? "drama" : "comedy", i % 3 ? "x" : "y"};
  return data;
}

TEST(Evaluator, ResultsDoNotDependOnThreadCount) {
  const Dataset data = SyntheticDataset(300, 80);
  ProtocolOptions protocol;
  protocol.protocol = "random-ratio";
  EvalOptions options;
  options.ks = {5, 10};
  std::vector<ModelSpec> models = {{"popularity", {}, ""}};
  RunContext one;
  one.threads = 1;
  RunContext many;
  many.threads = 3;
  auto a = RunEvaluation(data, protocol, models, options, one);
  auto b = RunEvaluation(data, protocol, models, options, many);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  for (const auto& [name, value] : a->models[0].metrics) {
    if (std::isnan(value)) continue;
    EXPECT_DOUBLE_EQ(value, b->models[0].metrics.at(name)) << name;
  }
  EXPECT_EQ(a->models[0].exposure, b->models[0].exposure);
  EXPECT_TRUE(a->models[0].metrics.count("ild@10"));  // items carry genres
}

TEST(Evaluator, RunEvaluationReportsStatisticsAndComparisons) {
  const Dataset data = SyntheticDataset(200, 60);
  ProtocolOptions protocol;
  protocol.protocol = "stratified";
  EvalOptions options;
  options.ks = {10};
  std::vector<ModelSpec> models = {{"popularity", {}, "pop"},
                                   {"popularity", {{"half_life_days", "0.01"}}, "pop-decay"}};
  RunContext run;
  auto report = RunEvaluation(data, protocol, models, options, run);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->models.size(), 2u);
  EXPECT_EQ(report->comparisons.size(), 2u);  // ndcg@10, recall@10
  EXPECT_EQ(report->comparisons[0].metric, "ndcg@10");
  EXPECT_EQ(report->train_pairs + report->valid_pairs + report->test_pairs, data.interactions.nnz());
  EXPECT_GT(report->test_users, 0);
  EXPECT_GT(report->models[0].peak_rss_bytes, 0);
  EXPECT_EQ(report->filters, "none");
  EXPECT_EQ(report->ratios, (std::vector<double>{0.75, 0.25}));
}

TEST(Evaluator, BadParametersGiveClearErrors) {
  const Dataset data = SyntheticDataset(50, 20);
  ProtocolOptions protocol;
  EvalOptions options;
  RunContext run;
  std::vector<ModelSpec> unknown = {{"no-such-model", {}, ""}};
  auto s = RunEvaluation(data, protocol, unknown, options, run);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("popularity"), std::string::npos) << "lists known models";

  std::vector<ModelSpec> pop = {{"popularity", {}, ""}};
  options.ks = {10, 0};
  EXPECT_EQ(RunEvaluation(data, protocol, pop, options, run).status().code(), StatusCode::kInvalidArgument);
  options.ks = {10};
  protocol.ratios = {0.5, 0.1, 0.1};
  EXPECT_EQ(RunEvaluation(data, protocol, pop, options, run).status().code(), StatusCode::kInvalidArgument);
  protocol.ratios.clear();
  protocol.protocol = "bogus";
  EXPECT_EQ(RunEvaluation(data, protocol, pop, options, run).status().code(), StatusCode::kInvalidArgument);
  std::vector<ModelSpec> twice = {{"popularity", {}, ""}, {"popularity", {}, ""}};
  protocol.protocol = "random-ratio";
  EXPECT_EQ(RunEvaluation(data, protocol, twice, options, run).status().code(), StatusCode::kInvalidArgument);

  Dataset empty;
  empty.interactions = Interactions::FromTriplets(3, 3, {});
  auto e = RunEvaluation(empty, protocol, pop, options, run);
  EXPECT_EQ(e.status().code(), StatusCode::kFailedPrecondition);
}

TEST(Evaluator, ValidationPartForTuning) {
  const Dataset data = SyntheticDataset(100, 40);
  ProtocolOptions protocol;
  auto split = MakeSplit(data, protocol);
  ASSERT_TRUE(split.ok());
  auto eval = FitAndEvaluate(*split, SplitPart::kValid, {"popularity", {}, ""}, nullptr, EvalOptions{}, RunContext{});
  ASSERT_TRUE(eval.ok()) << eval.status().ToString();
  idx_t valid_users = 0;
  for (idx_t u = 0; u < split->valid.n_users(); ++u) valid_users += split->valid.RowSize(u) > 0;
  EXPECT_EQ(static_cast<idx_t>(eval->users.size()), valid_users);
}

}  // namespace
}  // namespace encore
