#include "retrieve/vector_index.h"

#include <random>

#include <gtest/gtest.h>

namespace encore {
namespace {

constexpr int kDim = 32;
constexpr idx_t kItems = 5000;
constexpr int kQueries = 200;
constexpr idx_t kK = 10;

std::vector<float> RandomVectors(idx_t n, int dim, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n * dim));
  for (float& x : v) x = g(rng);
  return v;
}

// Vectors around 20 random centres, with per-cluster norms, as trained item
// factors tend to be (popular items have longer vectors).
// Queries come from the same clusters (generator seed `centre_seed`).
std::vector<float> ClusteredVectors(idx_t n, int dim, uint64_t centre_seed, uint64_t seed) {
  std::mt19937_64 rng(centre_seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::uniform_real_distribution<float> u(0.5f, 2.0f);
  constexpr int kClusters = 20;
  std::vector<float> centres(static_cast<size_t>(kClusters * dim));
  for (float& x : centres) x = g(rng);
  rng.seed(seed);
  std::vector<float> v(static_cast<size_t>(n * dim));
  for (idx_t item_idx = 0; item_idx < n; ++item_idx) {
    const int c = static_cast<int>(rng() % kClusters);
    const float scale = u(rng);
    for (int factor_idx = 0; factor_idx < dim; ++factor_idx) {
      v[item_idx * dim + factor_idx] = scale * (centres[c * dim + factor_idx] + 0.3f * g(rng));
    }
  }
  return v;
}

double MeanRecall(const VectorIndex& approx, const VectorIndex& exact, const std::vector<float>& queries,
                  std::span<const bool> excluded = {}) {
  double sum = 0;
  for (int q = 0; q < kQueries; ++q) {
    std::span<const float> query(queries.data() + q * kDim, kDim);
    auto a = approx.Search(query, kK, excluded);
    auto e = exact.Search(query, kK, excluded);
    EXPECT_TRUE(a.ok() && e.ok());
    EXPECT_EQ(a->size(), e->size());
    sum += RecallAtK(*a, *e);
  }
  return sum / kQueries;
}

TEST(VectorIndex, ExactMatchesTopKOfDotProducts) {
  std::vector<float> v = {1, 0,   0, 1,   2, 2,   -1, 0};
  auto index = BuildExactIndex(v, 2);
  ASSERT_TRUE(index.ok());
  std::vector<float> q = {1, 0.5f};
  auto top = (*index)->Search(q, 3);
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 3u);
  EXPECT_EQ((*top)[0].item, 2);  // 3.0
  EXPECT_EQ((*top)[1].item, 0);  // 1.0
  EXPECT_EQ((*top)[2].item, 1);  // 0.5
  EXPECT_FLOAT_EQ((*top)[0].score, 3.0f);
}

TEST(VectorIndex, HnswRecallAt10OnRandomVectors) {
  auto v = RandomVectors(kItems, kDim, 1);
  HnswOptions options;
  options.threads = 2;
  auto hnsw = BuildHnswIndex(v, kDim, options);
  auto exact = BuildExactIndex(v, kDim);
  ASSERT_TRUE(hnsw.ok()) << hnsw.status().ToString();
  ASSERT_TRUE(exact.ok());
  auto queries = RandomVectors(kQueries, kDim, 2);
  double recall = MeanRecall(**hnsw, **exact, queries);
  EXPECT_GE(recall, 0.95);
  RecordProperty("recall_at_10", std::to_string(recall));
}

TEST(VectorIndex, HnswRecallAt10OnClusteredVectors) {
  auto v = ClusteredVectors(kItems, kDim, 3, 30);
  HnswOptions options;
  options.threads = 2;
  auto hnsw = BuildHnswIndex(v, kDim, options);
  auto exact = BuildExactIndex(v, kDim);
  ASSERT_TRUE(hnsw.ok());
  ASSERT_TRUE(exact.ok());
  auto queries = ClusteredVectors(kQueries, kDim, 3, 4);
  EXPECT_GE(MeanRecall(**hnsw, **exact, queries), 0.95);
}

TEST(VectorIndex, HnswHonoursExclusionsAndStillReturnsK) {
  auto v = RandomVectors(kItems, kDim, 5);
  auto hnsw = BuildHnswIndex(v, kDim);
  auto exact = BuildExactIndex(v, kDim);
  ASSERT_TRUE(hnsw.ok());
  ASSERT_TRUE(exact.ok());
  std::vector<char> mask(kItems, 0);
  for (idx_t i = 0; i < kItems; i += 3) mask[i] = 1;  // a third of the catalogue excluded
  std::span<const bool> excluded(reinterpret_cast<const bool*>(mask.data()), mask.size());
  auto queries = RandomVectors(kQueries, kDim, 6);
  EXPECT_GE(MeanRecall(**hnsw, **exact, queries, excluded), 0.95);
  auto top = (*hnsw)->Search(std::span<const float>(queries.data(), kDim), kK, excluded);
  ASSERT_TRUE(top.ok());
  for (const ScoredItem& s : *top) EXPECT_FALSE(mask[s.item]);
}

TEST(VectorIndex, RejectsBadShapesAndQueries) {
  std::vector<float> v(10);
  EXPECT_FALSE(BuildHnswIndex(v, 3).ok());
  EXPECT_FALSE(BuildExactIndex(v, 0).ok());
  auto index = BuildHnswIndex(v, 5);
  ASSERT_TRUE(index.ok());
  std::vector<float> q(4);
  EXPECT_EQ((*index)->Search(q, 1).status().code(), StatusCode::kInvalidArgument);
  HnswOptions bad;
  bad.m = 1;
  EXPECT_FALSE(BuildHnswIndex(v, 5, bad).ok());
}

TEST(VectorIndex, SmallIndexReturnsEverythingWhenKExceedsSize) {
  auto v = RandomVectors(7, 4, 9);
  auto index = BuildHnswIndex(v, 4);
  ASSERT_TRUE(index.ok());
  std::vector<float> q(4, 1.0f);
  auto top = (*index)->Search(q, 100);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->size(), 7u);
}

}  // namespace
}  // namespace encore
