#include "models/itemknn.h"

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

const ItemKnn& Fitted(std::unique_ptr<Recommender>& model, const Interactions& train) {
  EXPECT_TRUE(model->Fit(Quiet(), train).ok());
  return static_cast<const ItemKnn&>(*model);
}

TEST(ItemKnn, CosineOnAThreeByThreeMatrixMatchesHandComputation) {
  auto model = ItemKnn::Create({{"shrink", "0"}});
  ASSERT_TRUE(model.ok());
  const SparseRows& s = Fitted(*model, ThreeByThree()).similarity();
  // Columns: i0 = {u0, u1}, i1 = {u0, u1, u2}, i2 = {u1, u2}.
  EXPECT_NEAR(s.At(0, 1), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_NEAR(s.At(1, 0), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_NEAR(s.At(0, 2), 0.5, 1e-6);
  EXPECT_NEAR(s.At(1, 2), 2 / std::sqrt(6.0), 1e-6);
  EXPECT_EQ(s.At(0, 0), 0.0f);
  // u0 (history 0, 1) scores item 2 as S(0,2) + S(1,2).
  std::vector<float> scores(3);
  ASSERT_TRUE((*model)->ScoreAll(0, scores).ok());
  EXPECT_NEAR(scores[2], 0.5 + 2 / std::sqrt(6.0), 1e-6);
  std::vector<Contribution> why;
  ASSERT_TRUE((*model)->Explain(0, 2, &why).ok());
  ASSERT_EQ(why.size(), 2u);
  EXPECT_EQ(why[0].item, 1);
  EXPECT_NEAR(why[0].weight, 2 / std::sqrt(6.0), 1e-6);
  EXPECT_EQ(why[1].item, 0);
}

TEST(ItemKnn, ShrinkAndAsymmetricCosine) {
  auto shrunk = ItemKnn::Create({{"shrink", "1"}});
  ASSERT_TRUE(shrunk.ok());
  EXPECT_NEAR(Fitted(*shrunk, ThreeByThree()).similarity().At(0, 2), 1.0 / 3.0, 1e-6);
  auto asym = ItemKnn::Create({{"similarity", "asymmetric"}, {"asymmetric_alpha", "1"}, {"shrink", "0"}});
  ASSERT_TRUE(asym.ok());
  const SparseRows& s = Fitted(*asym, ThreeByThree()).similarity();
  EXPECT_NEAR(s.At(0, 1), 2.0 / 2.0, 1e-6);  // dot / |i0|
  EXPECT_NEAR(s.At(1, 0), 2.0 / 3.0, 1e-6);  // dot / |i1|
}

TEST(ItemKnn, KeepsOnlyTheTopNeighbours) {
  auto model = ItemKnn::Create({{"neighbours", "1"}, {"shrink", "0"}});
  ASSERT_TRUE(model.ok());
  const SparseRows& s = Fitted(*model, ThreeByThree()).similarity();
  for (idx_t i = 0; i < 3; ++i) EXPECT_EQ(s.Cols(i).size(), 1u);
  EXPECT_EQ(s.Cols(0)[0], 1);
}

TEST(ItemKnn, Bm25GivesPositiveSimilarities) {
  auto model = ItemKnn::Create({{"similarity", "bm25"}});
  ASSERT_TRUE(model.ok());
  const SparseRows& s = Fitted(*model, ThreeByThree()).similarity();
  EXPECT_GT(s.At(0, 2), 0.0f);
}

TEST(ItemKnn, ScoreHistoryMatchesScoreAllAndScore) {
  auto model = ItemKnn::Create({});
  ASSERT_TRUE(model.ok());
  Fitted(*model, ThreeByThree());
  std::vector<float> a(3), b(3), c(1);
  ASSERT_TRUE((*model)->ScoreAll(2, a).ok());
  std::vector<ItemIdx> history = {2, 1, 2};  // duplicates collapse under binary
  ASSERT_TRUE((*model)->ScoreHistory(history, {}, b).ok());
  EXPECT_EQ(a, b);
  std::vector<ItemIdx> one = {0};
  ASSERT_TRUE((*model)->Score(2, one, c).ok());
  EXPECT_FLOAT_EQ(c[0], a[0]);
}

TEST(ItemKnn, RejectsBadParameters) {
  EXPECT_EQ(ItemKnn::Create({{"similarity", "jaccardish"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ItemKnn::Create({{"neighbours", "0"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ItemKnn::Create({{"shrink", "-1"}}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
