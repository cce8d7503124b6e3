#include "content/text/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace encore::text {
namespace {

std::vector<Item> Catalogue() {
  auto item = [](std::string title, std::vector<std::string> genres, std::vector<std::string> tags) {
    Item it;
    it.title = std::move(title);
    it.genres = std::move(genres);
    it.tags = std::move(tags);
    it.kind = ItemKind::kMovie;
    return it;
  };
  return {
      item("Interstellar", {"Sci-Fi", "Drama"}, {"space", "time travel"}),
      item("Alien", {"Horror", "Sci-Fi"}, {"space", "aliens"}),
      item("The Shining", {"Horror"}, {"stephen king", "hotel"}),
      item("Notting Hill", {"Romance", "Comedy"}, {"london"}),
      item("Back to the Future", {"Comedy", "Sci-Fi"}, {"time travel"}),
      item("Calm Waters", {"Documentary"}, {"relaxing", "ocean"}),
  };
}

SearchEngine Engine(bool embeddings = false) {
  SearchOptions options;
  options.use_embeddings = embeddings;
  auto engine = SearchEngine::Build(Catalogue(), nullptr, options, RunContext{});
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return std::move(engine).value();
}

TEST(SearchEngine, GenreWordsAndSynonymsBecomeFilters) {
  SearchEngine engine = Engine();
  EXPECT_THAT(engine.Parse("scary movies").genres, ::testing::ElementsAre("horror"));
  EXPECT_THAT(engine.Parse("science fiction about time travel").genres, ::testing::ElementsAre("sci-fi"));
  EXPECT_THAT(engine.Parse("像星际穿越一样的科幻电影").genres, ::testing::ElementsAre("sci-fi"));
  EXPECT_THAT(engine.Parse("calm music").moods, ::testing::ElementsAre("calm"));
  // One kind in the catalogue: "movie" filters nothing.
  EXPECT_FALSE(engine.Parse("a movie").kind.has_value());
}

TEST(SearchEngine, FilterAndBm25RankTheIntendedItemFirst) {
  SearchEngine engine = Engine();
  ParsedQuery parsed;
  auto hits = engine.Search("sci-fi about time travel", {}, 3, &parsed);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 3u);  // only the three sci-fi items pass the filter
  for (const SearchHit& h : *hits) EXPECT_NE(h.item, 2);
  EXPECT_TRUE((*hits)[0].item == 0 || (*hits)[0].item == 4);
}

TEST(SearchEngine, MoodExpandsTheQuery) {
  auto hits = Engine().Search("something calm", {}, 1);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].item, 5);  // tagged "relaxing"
}

TEST(SearchEngine, HistoryPersonalisesTies) {
  SearchEngine engine = Engine();
  // "sci-fi" alone: three candidates; a horror fan gets Alien first.
  std::vector<ItemIdx> horror_fan = {2};
  auto hits = engine.Search("sci-fi", horror_fan, 1);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ((*hits)[0].item, 1);
}

TEST(SearchEngine, BadQueriesAreHandled) {
  SearchEngine engine = Engine();
  EXPECT_FALSE(engine.Search("x", {}, 0).ok());
  // Invalid UTF-8 is refused with the reason; a 5 MB valid query is read up to kMaxQueryBytes.
  auto invalid = engine.Search(std::string("\xFF\xFE\x01", 3) + std::string(5u << 20, 'a'), {}, 3);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.status().message().find("query"), std::string::npos) << invalid.status().message();
  auto huge = engine.Search("space " + std::string(5u << 20, 'a'), {}, 3);
  ASSERT_TRUE(huge.ok()) << huge.status().ToString();
  EXPECT_LE(huge->size(), 3u);
  // Empty and blank queries say what is missing instead of returning arbitrary items.
  for (const char* blank : {"", "   ", "!!?"}) {
    auto empty = engine.Search(blank, {}, 3);
    ASSERT_FALSE(empty.ok()) << "'" << blank << "'";
    EXPECT_NE(empty.status().message().find("empty"), std::string::npos) << empty.status().message();
  }
}

TEST(SearchEngine, TrainsCatalogueEmbeddingsOrFallsBackToBm25) {
  // Six short items: fastText may find no word with min_count 2 beyond a few; either way search works.
  SearchEngine engine = Engine(true);
  auto hits = engine.Search("time travel", {}, 2);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2u);
}

}  // namespace
}  // namespace encore::text
