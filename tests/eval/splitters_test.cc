#include "eval/splitters.h"

#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace encore {
namespace {

// User u has sizes[u] items: items 0..sizes[u]-1, timestamps = item index.
std::vector<Interaction> UsersWithSizes(const std::vector<int>& sizes) {
  std::vector<Interaction> pairs;
  for (size_t u = 0; u < sizes.size(); ++u) {
    for (int i = 0; i < sizes[u]; ++i) {
      pairs.push_back({static_cast<UserIdx>(u), static_cast<ItemIdx>(i), 1.0f, 1000 + i});
    }
  }
  return pairs;
}

ProtocolOptions Protocol(const std::string& name) {
  ProtocolOptions o;
  o.protocol = name;
  return o;
}

void ExpectDisjointCover(const Split& s, const std::vector<Interaction>& pairs) {
  std::set<std::pair<UserIdx, ItemIdx>> seen;
  for (const Interactions* m : {&s.train, &s.valid, &s.test}) {
    for (const Interaction& p : m->ToTriplets()) {
      EXPECT_TRUE(seen.insert({p.user, p.item}).second) << "pair in two parts: " << p.user << "," << p.item;
    }
  }
  EXPECT_EQ(seen.size(), pairs.size());
}

TEST(Splitters, RandomRatioCutsEachUserAsRecBole) {
  const std::vector<Interaction> pairs = UsersWithSizes({10, 20, 5, 2, 1});
  auto split = SplitPairs(5, 20, pairs, Protocol("random-ratio"));
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ExpectDisjointCover(*split, pairs);
  // n=10: 8/1/1; n=20: 16/2/2; n=5: floor gives 5/0/0, then test and valid get one each: 3/1/1;
  // n=2: test gets one, then train has 1 left so valid gets none: 1/0/1; n=1: 1/0/0.
  const int expected[5][3] = {{8, 1, 1}, {16, 2, 2}, {3, 1, 1}, {1, 0, 1}, {1, 0, 0}};
  for (int u = 0; u < 5; ++u) {
    EXPECT_EQ(split->train.RowSize(u), expected[u][0]) << "user " << u;
    EXPECT_EQ(split->valid.RowSize(u), expected[u][1]) << "user " << u;
    EXPECT_EQ(split->test.RowSize(u), expected[u][2]) << "user " << u;
  }
  EXPECT_FALSE(split->fit_on_valid);  // RecBole trains on train only
  EXPECT_EQ(split->fit.nnz(), split->train.nnz());
}

TEST(Splitters, SeededSplitsAreReproducibleAndSeedDependent) {
  const std::vector<Interaction> pairs = UsersWithSizes({30, 30, 30});
  ProtocolOptions o = Protocol("random-ratio");
  o.seed = 5;
  auto a = SplitPairs(3, 30, pairs, o);
  auto b = SplitPairs(3, 30, pairs, o);
  o.seed = 6;
  auto c = SplitPairs(3, 30, pairs, o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->test.indices(), b->test.indices());
  EXPECT_EQ(a->valid.indices(), b->valid.indices());
  EXPECT_NE(a->test.indices(), c->test.indices());
  // Input order does not matter.
  std::vector<Interaction> reversed(pairs.rbegin(), pairs.rend());
  o.seed = 5;
  auto d = SplitPairs(3, 30, reversed, o);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(a->test.indices(), d->test.indices());
}

TEST(Splitters, StratifiedRoundsHalfToEvenAndCarvesValidFromTrain) {
  // n=8: round(6) = 6 for train+valid, valid round(0.6) = 1; n=10: round(7.5) = 8; n=6: round(4.5) = 4.
  const std::vector<Interaction> pairs = UsersWithSizes({8, 10, 6});
  auto split = SplitPairs(3, 10, pairs, Protocol("stratified"));
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ExpectDisjointCover(*split, pairs);
  EXPECT_EQ(split->test.RowSize(0), 2);
  EXPECT_EQ(split->valid.RowSize(0), 1);
  EXPECT_EQ(split->test.RowSize(1), 2);
  EXPECT_EQ(split->valid.RowSize(1), 1);  // round(0.8) = 1
  EXPECT_EQ(split->test.RowSize(2), 2);
  EXPECT_TRUE(split->fit_on_valid);  // the model for test sees the whole 75%
  EXPECT_EQ(split->fit.nnz(), split->train.nnz() + split->valid.nnz());
}

TEST(Splitters, StratifiedAcceptsThreeRatios) {
  const std::vector<Interaction> pairs = UsersWithSizes({20});
  ProtocolOptions o = Protocol("stratified");
  o.ratios = {0.6, 0.2, 0.2};
  auto split = SplitPairs(1, 20, pairs, o);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->train.nnz(), 12);
  EXPECT_EQ(split->valid.nnz(), 4);
  EXPECT_EQ(split->test.nnz(), 4);
}

TEST(Splitters, LeaveOneOutPicksLatestWithTiesByItemId) {
  std::vector<Interaction> pairs = {
      {0, 5, 1, 100}, {0, 2, 1, 300}, {0, 7, 1, 300}, {0, 1, 1, 50},  // 7 and 2 tie at 300: 7 is last
      {1, 3, 1, 10},  {1, 4, 1, 20},                                  // < 3 pairs: all train
      {2, 9, 1, 5},   {2, 8, 1, 5},   {2, 6, 1, 5},                   // all tie: 9 test, 8 valid
  };
  auto split = SplitPairs(3, 10, pairs, Protocol("leave-one-out"));
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ExpectDisjointCover(*split, pairs);
  EXPECT_EQ(std::vector<ItemIdx>(split->test.Row(0).begin(), split->test.Row(0).end()), std::vector<ItemIdx>{7});
  EXPECT_EQ(std::vector<ItemIdx>(split->valid.Row(0).begin(), split->valid.Row(0).end()), std::vector<ItemIdx>{2});
  EXPECT_EQ(split->train.RowSize(1), 2);
  EXPECT_EQ(split->test.RowSize(1), 0);
  EXPECT_EQ(split->test.Row(2)[0], 9);
  EXPECT_EQ(split->valid.Row(2)[0], 8);
}

TEST(Splitters, TemporalCutsAtGlobalTimeQuantiles) {
  const std::vector<Interaction> pairs = UsersWithSizes({10});  // times 1000..1009
  auto split = SplitPairs(1, 10, pairs, Protocol("temporal"));
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->train.nnz(), 8);
  EXPECT_EQ(split->valid.Row(0)[0], 8);
  EXPECT_EQ(split->test.Row(0)[0], 9);
  ProtocolOptions o = Protocol("temporal");
  o.cut_timestamp = 1005;
  auto cut = SplitPairs(1, 10, pairs, o);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->train.nnz(), 5);
  EXPECT_EQ(cut->test.nnz(), 5);
}

TEST(Splitters, TemporalDropsHeldOutPairsOfUsersWithoutTraining) {
  std::vector<Interaction> pairs = {{0, 0, 1, 1}, {0, 1, 1, 2}, {0, 2, 1, 3}, {1, 3, 1, 10}};
  ProtocolOptions o = Protocol("temporal");
  o.cut_timestamp = 3;
  auto split = SplitPairs(2, 4, pairs, o);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->test.nnz(), 1);  // user 1's only pair is after the cut: dropped
  EXPECT_EQ(split->pairs_dropped_cold_users, 1);
}

TEST(Splitters, NewItemsHasNoLeakage) {
  std::vector<Interaction> pairs;
  for (UserIdx u = 0; u < 20; ++u) {
    for (ItemIdx i = 0; i < 50; ++i) {
      if ((u + i) % 3 != 0) pairs.push_back({u, i, 1.0f, u * 100 + i});
    }
  }
  auto split = SplitPairs(20, 50, pairs, Protocol("new-items"));
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  ExpectDisjointCover(*split, pairs);
  std::set<ItemIdx> test_items(split->test.indices().begin(), split->test.indices().end());
  std::set<ItemIdx> valid_items(split->valid.indices().begin(), split->valid.indices().end());
  EXPECT_EQ(test_items.size(), 5u);  // 10% of 50 items
  EXPECT_EQ(valid_items.size(), 5u);
  for (ItemIdx item : split->train.indices()) {
    EXPECT_FALSE(test_items.count(item)) << "test item " << item << " leaked into train";
    EXPECT_FALSE(valid_items.count(item));
  }
  for (ItemIdx item : test_items) EXPECT_FALSE(valid_items.count(item));
  for (ItemIdx item = 0; item < 50; ++item) {
    EXPECT_EQ(split->test_candidates[item], test_items.count(item) == 1);
  }
  // The model for test sees valid (warm by then) but never a test item.
  for (ItemIdx item : split->fit.indices()) EXPECT_FALSE(test_items.count(item));
}

TEST(Splitters, KCoreIteratesUntilStable) {
  // User 2 has one pair: removing it leaves item 2 with one user, which then goes too.
  std::vector<Interaction> pairs = {{0, 0, 1, 0}, {0, 1, 1, 0}, {1, 0, 1, 0}, {1, 1, 1, 0},
                                    {1, 2, 1, 0}, {2, 2, 1, 0}};
  auto kept = KCore(pairs, 2, 2);
  EXPECT_EQ(kept.size(), 4u);
  for (const Interaction& p : kept) EXPECT_LT(p.item, 2);
}

TEST(Splitters, FiltersRatingsFromRawEventsAndReportsCounts) {
  Dataset data;
  data.events = {{0, 0, EventType::kRate, 5, 1}, {0, 1, EventType::kRate, 3, 2}, {1, 0, EventType::kRate, 4, 3},
                 {1, 2, EventType::kLike, 0, 4}};
  WeightingOptions w;
  data.interactions = Interactions::FromTriplets(2, 3, AggregateEvents(data.events, w));
  ProtocolOptions o = Protocol("random-ratio");
  ASSERT_TRUE(o.AddFilter("rating>=4").ok());
  FilterStats stats;
  auto pairs = FilterInteractions(data, o, &stats);
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  EXPECT_EQ(pairs->size(), 3u);  // (0,1) rated 3 is gone; the like stays
  EXPECT_EQ(stats.pairs_in, 4);
  EXPECT_EQ(stats.pairs_out, 3);
  EXPECT_EQ(o.DescribeFilters(), "rating>=4");
  Dataset no_events = data;
  no_events.events.clear();
  EXPECT_EQ(FilterInteractions(no_events, o).status().code(), StatusCode::kFailedPrecondition);
}

TEST(Splitters, ParsesFilters) {
  ProtocolOptions o;
  EXPECT_TRUE(o.AddFilter("kcore=5").ok());
  EXPECT_EQ(o.user_core, 5);
  EXPECT_EQ(o.item_core, 5);
  EXPECT_TRUE(o.AddFilter("item-core=3").ok());
  EXPECT_TRUE(o.AddFilter("weight>=1.5").ok());
  EXPECT_EQ(o.DescribeFilters(), "weight>=1.5, user-core=5, item-core=3");
  EXPECT_TRUE(o.AddFilter("min-rating=3.5").ok());
  EXPECT_EQ(*o.min_rating, 3.5);
  EXPECT_EQ(o.AddFilter("rating>four").code(), StatusCode::kInvalidArgument);
  // What the shell leaves of an unquoted rating>=4: a hint to quote it.
  Status s = o.AddFilter("rating");
  EXPECT_NE(s.message().find("quote"), std::string::npos) << s.message();
  EXPECT_EQ(o.AddFilter("kcore=0").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(o.AddFilter("rating>=x").code(), StatusCode::kInvalidArgument);
}

TEST(Splitters, RejectsBadOptions) {
  ProtocolOptions o = Protocol("random-ratio");
  o.ratios = {0.8, 0.1, 0.2};
  Status s = o.Validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("sum to 1"), std::string::npos) << s.message();
  o.ratios = {0.9, 0.1};
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
  o = Protocol("no-such-protocol");
  s = o.Validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("leave-one-out"), std::string::npos) << "lists the known protocols";
  o = Protocol("leave-one-out");
  o.ratios = {0.8, 0.1, 0.1};
  EXPECT_EQ(o.Validate().code(), StatusCode::kInvalidArgument);
}

TEST(Splitters, EmptyTestSetIsAnError) {
  const std::vector<Interaction> pairs = UsersWithSizes({2, 2});  // leave-one-out needs >= 3 per user
  auto split = SplitPairs(2, 2, pairs, Protocol("leave-one-out"));
  EXPECT_EQ(split.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(split.status().message().find("empty test set"), std::string::npos);
}

TEST(Splitters, RoundHalfEvenMatchesNumpy) {
  EXPECT_EQ(RoundHalfEven(4.5), 4);
  EXPECT_EQ(RoundHalfEven(7.5), 8);
  EXPECT_EQ(RoundHalfEven(2.5), 2);
  EXPECT_EQ(RoundHalfEven(2.6), 3);
}

}  // namespace
}  // namespace encore
