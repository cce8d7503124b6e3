#include "ingest/demo_data.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(DemoData, IsDeterministicAndComplete) {
  DemoDataOptions options;
  options.n_users = 200;
  options.n_items = 150;
  options.n_plays = 5000;
  auto a = GenerateDemoData(options);
  auto b = GenerateDemoData(options);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->items.size(), 150u);
  ASSERT_EQ(a->users.size(), 200u);
  ASSERT_EQ(a->events.size(), b->events.size());
  for (size_t i = 0; i < a->events.size(); ++i) {
    ASSERT_EQ(a->events[i].item, b->events[i].item);
    ASSERT_EQ(a->events[i].value, b->events[i].value);
  }
  EXPECT_EQ(a->items[7].description, b->items[7].description);
  std::set<ItemKind> kinds;
  for (const Item& item : a->items) {
    kinds.insert(item.kind);
    EXPECT_FALSE(item.title.empty());
    EXPECT_FALSE(item.description.empty());
    EXPECT_FALSE(item.genres.empty());
    EXPECT_FALSE(item.tags.empty());
    EXPECT_GT(item.duration_s, 0);
    EXPECT_GT(item.created_at, 0);
  }
  EXPECT_EQ(kinds.size(), 5u);
  std::map<EventType, int> types;
  for (const Event& e : a->events) ++types[e.type];
  EXPECT_NEAR(types[EventType::kPlay], 5000, 100);
  EXPECT_GT(types[EventType::kLike], 0);
  EXPECT_GT(types[EventType::kSkip], 0);
  options.seed = 7;
  EXPECT_NE(GenerateDemoData(options)->events[0].item, a->events[0].item);
}

TEST(DemoData, RejectsBadSizes) {
  DemoDataOptions options;
  options.n_users = 0;
  EXPECT_EQ(GenerateDemoData(options).status().code(), StatusCode::kInvalidArgument);
}

// Leave-last-out hit rate@10 of item-item co-occurrence (a basic collaborative
// model) against popularity: the demo data must carry a personal signal.
TEST(DemoData, CollaborativeSignalBeatsPopularity) {
  auto data = GenerateDemoData({});
  ASSERT_TRUE(data.ok());
  std::unordered_map<std::string, int> item_index;
  for (size_t i = 0; i < data->items.size(); ++i) item_index[data->items[i].id] = static_cast<int>(i);
  std::unordered_map<std::string, std::vector<int>> history;  // time-ordered positive plays per user
  for (const Event& e : data->events) {
    if (e.type == EventType::kPlay && e.value >= 0.5) history[e.user].push_back(item_index[e.item]);
  }
  const int n = static_cast<int>(data->items.size());
  std::vector<float> cooc(static_cast<size_t>(n) * n, 0);
  std::vector<float> count(n, 0);
  std::vector<std::pair<std::vector<int>, int>> tests;
  for (auto& [user, items] : history) {
    if (items.size() < 3) continue;
    int held_out = items.back();
    std::vector<int> train(items.begin(), items.end() - 1);
    std::sort(train.begin(), train.end());
    train.erase(std::unique(train.begin(), train.end()), train.end());
    for (int i : train) {
      count[i] += 1;
      for (int j : train) {
        if (i != j) cooc[static_cast<size_t>(i) * n + j] += 1;
      }
    }
    tests.emplace_back(std::move(train), held_out);
  }
  ASSERT_GT(tests.size(), 1000u);
  auto hit_at_10 = [&](const std::vector<float>& scores, const std::vector<int>& seen, int target) {
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::vector<float> s = scores;
    for (int i : seen) s[i] = -1e30f;
    std::partial_sort(order.begin(), order.begin() + 10, order.end(), [&](int a, int b) { return s[a] > s[b]; });
    return std::find(order.begin(), order.begin() + 10, target) != order.begin() + 10;
  };
  int pop_hits = 0, cf_hits = 0;
  for (const auto& [train, target] : tests) {
    std::vector<float> cf(n, 0);
    for (int i : train) {
      for (int j = 0; j < n; ++j) {
        float c = cooc[static_cast<size_t>(i) * n + j];
        if (c > 0) cf[j] += c / std::sqrt(count[i] * count[j]);
      }
    }
    pop_hits += hit_at_10(count, train, target);
    cf_hits += hit_at_10(cf, train, target);
  }
  double pop = static_cast<double>(pop_hits) / static_cast<double>(tests.size());
  double cf = static_cast<double>(cf_hits) / static_cast<double>(tests.size());
  std::printf("demo data HR@10: popularity %.4f, item co-occurrence %.4f\n", pop, cf);
  EXPECT_GT(cf, 1.3 * pop);
}

}  // namespace
}  // namespace encore
