#include "retrieve/topk.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(TopK, BestFirstTiesByLowerIndexSkipsNaN) {
  std::vector<float> s = {0.5f, 2.0f, NAN, 2.0f, -1.0f};
  auto top = TopK(s, 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].item, 1);
  EXPECT_EQ(top[1].item, 3);
  EXPECT_EQ(top[2].item, 0);
  EXPECT_EQ(TopK(s, 10).size(), 4u);  // K larger than the list
  EXPECT_TRUE(TopK(s, 0).empty());
}

TEST(TopK, MatchesFullSortWithExclusions) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> s(500);
  for (float& x : s) x = u(rng);
  std::vector<ItemIdx> excl = {3, 10, 11, 250};
  auto top = TopKExcluding(s, 20, excl);
  std::vector<ItemIdx> order(s.size());
  std::iota(order.begin(), order.end(), 0);
  std::erase_if(order, [&](ItemIdx i) { return std::binary_search(excl.begin(), excl.end(), i); });
  std::sort(order.begin(), order.end(), [&](ItemIdx a, ItemIdx b) { return s[a] > s[b]; });
  for (int i = 0; i < 20; ++i) EXPECT_EQ(top[i].item, order[i]);
  std::vector<bool> mask(500, false);
  for (ItemIdx e : excl) mask[e] = true;
  std::vector<char> m2(mask.begin(), mask.end());
  auto top2 = TopK(s, 20, std::span<const bool>(reinterpret_cast<const bool*>(m2.data()), m2.size()));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(top2[i].item, top[i].item);
}

}  // namespace
}  // namespace encore
