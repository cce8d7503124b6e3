#include "eval/metrics.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace encore {
namespace {

// ranked: 5 3 9 1 7; relevant {1, 3, 8}: hits at ranks 2 and 4.
const std::vector<ItemIdx> kRanked = {5, 3, 9, 1, 7};
const std::vector<ItemIdx> kRelevant = {1, 3, 8};

TEST(Metrics, AccuracyAtFiveMatchesHandComputedValues) {
  const UserAccuracy a = AccuracyAtK(kRanked, kRelevant, 5);
  EXPECT_DOUBLE_EQ(a.precision, 2.0 / 5);
  EXPECT_DOUBLE_EQ(a.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(a.f1, 0.5);  // 2 * 0.4 * 2/3 / (0.4 + 2/3)
  EXPECT_DOUBLE_EQ(a.hit, 1.0);
  const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
  const double idcg = 1 + 1 / std::log2(3.0) + 1 / std::log2(4.0);  // min(|T|=3, K=5) positions
  EXPECT_NEAR(a.ndcg, dcg / idcg, 1e-12);
  // precision at the hit ranks: 1/2 and 2/4; / min(3, 5).
  EXPECT_NEAR(a.map, (0.5 + 0.5) / 3, 1e-12);
  EXPECT_NEAR(a.map_msr, (0.5 + 0.5) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(a.mrr, 0.5);
}

TEST(Metrics, MapDividesByMinOfRelevantAndK) {
  const UserAccuracy a = AccuracyAtK(kRanked, kRelevant, 2);
  EXPECT_DOUBLE_EQ(a.precision, 0.5);
  EXPECT_DOUBLE_EQ(a.recall, 1.0 / 3);
  EXPECT_NEAR(a.map, 0.5 / 2, 1e-12);      // min(|T|=3, K=2) = 2
  EXPECT_NEAR(a.map_msr, 0.5 / 3, 1e-12);  // |T| = 3
  EXPECT_NEAR(a.ndcg, (1 / std::log2(3.0)) / (1 + 1 / std::log2(3.0)), 1e-12);
}

TEST(Metrics, KLargerThanTheListCountsMissingSlotsAsMisses) {
  const UserAccuracy a = AccuracyAtK(kRanked, kRelevant, 10);
  EXPECT_DOUBLE_EQ(a.precision, 2.0 / 10);
  EXPECT_DOUBLE_EQ(a.recall, 2.0 / 3);
  const double dcg = 1 / std::log2(3.0) + 1 / std::log2(5.0);
  const double idcg = 1 + 1 / std::log2(3.0) + 1 / std::log2(4.0);
  EXPECT_NEAR(a.ndcg, dcg / idcg, 1e-12);
  EXPECT_NEAR(a.map, 1.0 / 3, 1e-12);
}

TEST(Metrics, NoRelevantItemsGivesZeros) {
  const UserAccuracy a = AccuracyAtK(kRanked, {}, 5);
  EXPECT_EQ(a.precision, 0);
  EXPECT_EQ(a.ndcg, 0);
  EXPECT_EQ(a.map, 0);
  EXPECT_EQ(a.mrr, 0);
}

TEST(Metrics, EmptyListAndNoHit) {
  const UserAccuracy empty = AccuracyAtK({}, kRelevant, 5);
  EXPECT_EQ(empty.precision, 0);
  EXPECT_EQ(empty.recall, 0);
  EXPECT_EQ(empty.ndcg, 0);
  const std::vector<ItemIdx> misses = {0, 2, 4};
  const UserAccuracy a = AccuracyAtK(misses, kRelevant, 3);
  EXPECT_EQ(a.hit, 0);
  EXPECT_EQ(a.f1, 0);
  EXPECT_EQ(a.mrr, 0);
}

TEST(Metrics, PerfectListHasNdcgAndMapOne) {
  const std::vector<ItemIdx> ranked = {3, 1, 8, 0};
  const UserAccuracy a = AccuracyAtK(ranked, kRelevant, 3);
  EXPECT_NEAR(a.ndcg, 1.0, 1e-12);
  EXPECT_NEAR(a.map, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(a.recall, 1.0);
}

TEST(Metrics, AucCountsTiesAsHalfAndSkipsExcludedItems) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // positive item 0 (score 1); negatives 1 (tie: 1/2), 2 (below: 1), 3 excluded.
  const std::vector<float> scores = {1.0f, 1.0f, 0.5f, nan};
  const std::vector<ItemIdx> relevant = {0};
  EXPECT_DOUBLE_EQ(UserAuc(scores, relevant), 0.75);
  // Two positives (0: 3, 2: 1) against negatives 1 (2) and 3 (0): 3 of 4 pairs right.
  const std::vector<float> s2 = {3.0f, 2.0f, 1.0f, 0.0f};
  const std::vector<ItemIdx> r2 = {0, 2};
  EXPECT_DOUBLE_EQ(UserAuc(s2, r2), 0.75);
  // No negative left: 0.5.
  const std::vector<float> s3 = {1.0f, nan};
  EXPECT_DOUBLE_EQ(UserAuc(s3, relevant), 0.5);
}

TEST(Metrics, GiniIndexOfExposure) {
  const std::vector<idx_t> equal = {2, 2, 2};
  EXPECT_DOUBLE_EQ(GiniIndex(equal), 0.0);
  const std::vector<idx_t> half = {5, 0, 5, 0};
  EXPECT_DOUBLE_EQ(GiniIndex(half), 0.5);  // (1*5 + 3*5) / (4 * 10)
  const std::vector<idx_t> one = {0, 9, 0, 0};
  EXPECT_DOUBLE_EQ(GiniIndex(one), 0.75);  // (n - 1) / n
  const std::vector<idx_t> none = {0, 0};
  EXPECT_DOUBLE_EQ(GiniIndex(none), 0.0);
}

TEST(Metrics, NoveltyIsMeanSelfInformation) {
  const std::vector<idx_t> popularity = {4, 2, 1, 0};
  const std::vector<ItemIdx> ranked = {0, 3, 1};
  // -log2(4/8) = 1, -log2(max(0,1)/8) = 3; K = 2 keeps the first two.
  EXPECT_DOUBLE_EQ(ListNovelty(ranked, 2, popularity, 8), 2.0);
  EXPECT_DOUBLE_EQ(ListNovelty({}, 2, popularity, 8), 0.0);
}

TEST(Metrics, LongTailShareUsesTheTopTwentyPercentAsHead) {
  const std::vector<idx_t> popularity = {10, 5, 5, 1, 0};
  const std::vector<bool> head = PopularHead(popularity, {});
  EXPECT_EQ(head, (std::vector<bool>{true, false, false, false, false}));  // ceil(0.2 * 5) = 1
  const std::vector<ItemIdx> ranked = {0, 2, 4};
  EXPECT_NEAR(LongTailShare(ranked, 3, head), 2.0 / 3, 1e-12);
  // Ties broken by lower index: of the 10 items, the two most popular are 1 and 2.
  const std::vector<idx_t> tied = {1, 5, 5, 5, 0, 0, 0, 0, 0, 0};
  const std::vector<bool> head2 = PopularHead(tied, {});
  EXPECT_TRUE(head2[1] && head2[2]);
  EXPECT_FALSE(head2[3]);
}

TEST(Metrics, IntraListJaccardSkipsItemsWithoutFeatures) {
  const std::vector<std::vector<int32_t>> features = {{1, 2}, {2, 3}, {}, {1, 2}};
  const std::vector<ItemIdx> ranked = {0, 1, 2, 3};
  // pairs (0,1): 1 - 1/3; (0,3): 0; (1,3): 1 - 1/3.
  EXPECT_NEAR(IntraListJaccard(ranked, 4, features), 4.0 / 9, 1e-12);
  EXPECT_TRUE(std::isnan(IntraListJaccard(ranked, 1, features)));
}

TEST(Metrics, IntraListCosine) {
  const std::vector<float> emb = {1, 0, 0, 1, 1, 1};  // [3, 2]
  const std::vector<ItemIdx> ranked = {0, 1, 2};
  const double expected = (1.0 + 2 * (1 - 1 / std::sqrt(2.0))) / 3;
  EXPECT_NEAR(IntraListCosine(ranked, 3, emb, 2), expected, 1e-9);
}

TEST(Metrics, ParsesNamesWithCutOffs) {
  auto ndcg = ParseMetric("ndcg@10");
  ASSERT_TRUE(ndcg.ok());
  EXPECT_EQ(ndcg->kind, MetricKind::kNdcg);
  EXPECT_EQ(ndcg->k, 10);
  EXPECT_EQ(ndcg->Name(), "ndcg@10");
  EXPECT_EQ(ParseMetric("map-msr@5")->kind, MetricKind::kMapMsr);
  EXPECT_EQ(ParseMetric("auc")->Name(), "auc");
  EXPECT_EQ(ParseMetric("ndcg@0").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMetric("ndcg@-3").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMetric("ndcg").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMetric("auc@5").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMetric("bogus@10").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
