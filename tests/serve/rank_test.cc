// Unit tests of src/rank (kept with the serving tests: the pipeline's only caller).
#include <cmath>

#include <gtest/gtest.h>

#include "rank/candidates.h"
#include "rank/catalog.h"
#include "rank/explain.h"
#include "rank/neighbours.h"
#include "rank/recommend.h"
#include "rank/rerank.h"
#include "rank/text_search.h"

namespace encore {
namespace {

Catalog MakeCatalog() {
  Catalog c;
  const char* genres[] = {"Drama", "Drama", "Drama", "Comedy", "Comedy", "Jazz"};
  for (int i = 0; i < 6; ++i) {
    Item item;
    item.id = "i" + std::to_string(i);
    item.title = "Title " + std::to_string(i);
    item.genres = {genres[i]};
    item.kind = i == 5 ? ItemKind::kTrack : ItemKind::kMovie;
    item.language = i < 3 ? "en" : "fr";
    c.Set(i, item);
  }
  return c;
}

TEST(Fusion, MergesDuplicatesAndRewardsAgreement) {
  std::vector<SourceList> lists = {{Source::kCf, {{1, 0.9f}, {2, 0.8f}, {3, 0.7f}}},
                                   {Source::kPopular, {{3, 100.f}, {4, 90.f}}}};
  FusionOptions options;
  options.weights = {1, 0, 1, 0, 0};
  auto fused = MergeAndFuse(lists, options);
  ASSERT_EQ(fused.size(), 4u);
  // Item 3: 1/(20+3) + 1/(20+1) beats item 1: 1/(20+1).
  EXPECT_EQ(fused[0].item, 3);
  EXPECT_TRUE(fused[0].From(Source::kCf));
  EXPECT_TRUE(fused[0].From(Source::kPopular));
  EXPECT_FLOAT_EQ(fused[0].score, 1.0f / 23 + 1.0f / 21);
  EXPECT_EQ(fused[1].item, 1);
}

TEST(Mmr, LambdaOneKeepsOrderAndLowerLambdaDiversifies) {
  Catalog c = MakeCatalog();
  std::vector<Candidate> cands;
  for (int i = 0; i < 6; ++i) cands.push_back({i, 1.0f - 0.01f * static_cast<float>(i), 1u, {}});
  auto same = MmrRerank(cands, c, 3, 1.0f);
  EXPECT_EQ(same[0].item, 0);
  EXPECT_EQ(same[1].item, 1);
  EXPECT_EQ(same[2].item, 2);
  auto diverse = MmrRerank(cands, c, 3, 0.5f);
  EXPECT_EQ(diverse[0].item, 0);   // most relevant first
  EXPECT_EQ(diverse[1].item, 3);   // best non-drama
  EXPECT_EQ(diverse[2].item, 5);   // then jazz
}

TEST(Filter, KindGenreLanguageExcludeAndConsumed) {
  Catalog c = MakeCatalog();
  ItemFilter f;
  f.genres = {"drama"};
  const ItemIdx consumed[] = {1};
  f.exclude = {2};
  ItemMask m = BuildExclusionMask(c, f, consumed);
  EXPECT_FALSE(m.Get(0));
  EXPECT_TRUE(m.Get(1));
  EXPECT_TRUE(m.Get(2));
  EXPECT_TRUE(m.Get(3));
  ItemFilter k;
  k.kinds = {ItemKind::kTrack};
  k.languages = {"FR"};
  EXPECT_TRUE(k.Matches(c, 5));
  EXPECT_FALSE(k.Matches(c, 4));
  c.MarkDeleted(0);
  EXPECT_TRUE(BuildExclusionMask(c, {}, {}).Get(0));
}

TEST(Neighbours, CosineOfCoOccurrence) {
  // users: {0,1}, {0,1}, {0,2}
  std::vector<Interaction> t = {{0, 0, 1, 1}, {0, 1, 1, 2}, {1, 0, 1, 1}, {1, 1, 1, 2}, {2, 0, 1, 1}, {2, 2, 1, 2}};
  Interactions m = Interactions::FromTriplets(3, 3, t);
  auto nb = ItemNeighbours::Build(m, {});
  ASSERT_TRUE(nb.ok());
  auto of0 = nb->Of(0);
  ASSERT_EQ(of0.size(), 2u);
  EXPECT_EQ(of0[0].item, 1);
  EXPECT_NEAR(of0[0].score, 2.0 / std::sqrt(3.0 * 2.0), 1e-6);
  EXPECT_NEAR(nb->Similarity(0, 2), 1.0 / std::sqrt(3.0), 1e-6);
  EXPECT_EQ(nb->Similarity(1, 2), 0.0f);
}

TEST(Explain, NeighbourHistoryGivesBecauseYouWatched) {
  Catalog c = MakeCatalog();
  std::vector<Interaction> t = {{0, 0, 1, 1}, {0, 1, 1, 2}, {1, 0, 1, 1}, {1, 1, 1, 2}};
  auto nb = ItemNeighbours::Build(Interactions::FromTriplets(2, 6, t), {});
  ASSERT_TRUE(nb.ok());
  const ItemIdx history[] = {0};
  const float weights[] = {1.0f};
  ExplainContext ctx{&c, nullptr, kNoUser, &*nb, history, weights};
  Explanation e = ExplainItem(ctx, 1, 1u << static_cast<int>(Source::kNeighbours));
  EXPECT_EQ(e.reason, "neighbours");
  EXPECT_EQ(e.text, "Because you watched \"Title 0\"");
  EXPECT_EQ(e.shared, std::vector<std::string>{"Drama"});
  Explanation content = ExplainItem(ctx, 2, 0);  // no co-occurrence, same genre
  EXPECT_EQ(content.reason, "shared_tags");
  Explanation popular = ExplainItem(ctx, 5, 1u << static_cast<int>(Source::kPopular));
  EXPECT_EQ(popular.reason, "popular");
}

TEST(TextSearch, Bm25RanksTitleMatchesFirst) {
  Catalog c;
  Item a{"a", ItemKind::kMovie, "Space Odyssey", "a film about space travel", "en", {"SciFi"}, {}, 0, "", 0, {}};
  Item b{"b", ItemKind::kMovie, "Cooking Show", "space is needed in the kitchen", "en", {"Food"}, {}, 0, "", 0, {}};
  Item d{"d", ItemKind::kMovie, "Garden", "plants", "en", {"Nature"}, {"space"}, 0, "", 0, {}};
  c.Set(0, a);
  c.Set(1, b);
  c.Set(2, d);
  TextIndex index = TextIndex::Build(c);
  auto hits = index.Search("SPACE odyssey", 10);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].item, 0);
  EXPECT_EQ(hits[1].item, 2);  // tag beats description
  EXPECT_TRUE(index.Search("zebra", 10).empty());
  EXPECT_EQ(Tokenize("Hello, World! 42x"), (std::vector<std::string>{"hello", "world", "42x"}));
}

TEST(Recommend, FallbackWithoutHistoryUsesPopularAndFresh) {
  Catalog c = MakeCatalog();
  std::vector<ScoredItem> popular = {{4, 10}, {3, 9}};
  std::vector<ScoredItem> fresh = {{5, 1}};
  RankContext ctx;
  ctx.catalog = &c;
  ctx.popular = popular;
  ctx.fresh = fresh;
  UserView user;
  RecommendRequest req;
  req.n = 3;
  req.explain = true;
  req.diversity = 0;
  auto r = Recommend(ctx, user, req);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->fallback);
  ASSERT_EQ(r->items.size(), 3u);
  EXPECT_EQ(r->items[0].item, 4);
  EXPECT_EQ(r->items[0].explanation->reason, "popular");
}

}  // namespace
}  // namespace encore
