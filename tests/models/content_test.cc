#include "models/content.h"

#include <gtest/gtest.h>

#include "models/registry.h"

namespace encore {
namespace {

// Items 0-2 are space films, 3-5 romances; item 6 is a new space film and item
// 7 a new romance, neither with any interaction.
std::vector<Item> Catalogue() {
  auto item = [](std::string id, std::string title, std::vector<std::string> genres, std::vector<std::string> tags) {
    Item it;
    it.id = std::move(id);
    it.title = std::move(title);
    it.genres = std::move(genres);
    it.tags = std::move(tags);
    return it;
  };
  return {
      item("0", "Star Voyage", {"Sci-Fi"}, {"space", "aliens"}),
      item("1", "Galaxy Quest Returns", {"Sci-Fi", "Comedy"}, {"space"}),
      item("2", "Rocket Men", {"Sci-Fi"}, {"astronauts", "space"}),
      item("3", "Paris in Love", {"Romance"}, {"love story"}),
      item("4", "Summer Hearts", {"Romance", "Drama"}, {"love story", "wedding"}),
      item("5", "The Wedding Plan", {"Romance", "Comedy"}, {"wedding"}),
      item("6", "Planet Beyond", {"Sci-Fi"}, {"space", "aliens"}),
      item("7", "A Love Letter", {"Romance"}, {"love story"}),
  };
}

// User 0 watches space films (latest: 2), user 1 romances.
Interactions Train() {
  std::vector<Interaction> t = {{0, 0, 1, 10}, {0, 1, 1, 20}, {0, 2, 1, 30}, {1, 3, 1, 10}, {1, 4, 1, 20}, {1, 5, 1, 30}};
  return Interactions::FromTriplets(2, 8, t);
}

std::unique_ptr<Recommender> Fitted(const std::vector<Item>& items, ModelParams params = {}) {
  auto model = CreateModel("content", params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  TrainContext ctx;
  ctx.items = &items;
  ctx.run.progress = false;
  Status s = (*model)->Fit(ctx, Train());
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::move(model).value();
}

TEST(ContentModel, NewItemWithoutInteractionsIsScoredFromContent) {
  const auto items = Catalogue();
  auto model = Fitted(items);
  std::vector<float> scores(8);
  ASSERT_TRUE(model->ScoreAll(0, scores).ok());
  EXPECT_GT(scores[6], 0.1f);         // the new space film reaches the space fan
  EXPECT_GT(scores[6], scores[7]);    // and outranks the new romance
  ASSERT_TRUE(model->ScoreAll(1, scores).ok());
  EXPECT_GT(scores[7], scores[6]);
}

TEST(ContentModel, RecencyWeightsRecentItemsMore) {
  auto items = Catalogue();
  // User 2 watched romances long ago and space films recently.
  std::vector<Interaction> t = {{0, 3, 1, 1}, {0, 4, 1, 2}, {0, 0, 1, 3}};
  auto model = CreateModel("content", {{"half_life_items", "0.5"}});
  ASSERT_TRUE(model.ok());
  TrainContext ctx;
  ctx.items = &items;
  ASSERT_TRUE((*model)->Fit(ctx, Interactions::FromTriplets(1, 8, t)).ok());
  std::vector<float> scores(8);
  ASSERT_TRUE((*model)->ScoreAll(0, scores).ok());
  EXPECT_GT(scores[6], scores[7]);
}

TEST(ContentModel, ScoreHistoryMatchesTrainedUser) {
  const auto items = Catalogue();
  auto model = Fitted(items);
  std::vector<float> trained(8), folded(8);
  ASSERT_TRUE(model->ScoreAll(0, trained).ok());
  std::vector<ItemIdx> history = {0, 1, 2};
  ASSERT_TRUE(model->ScoreHistory(history, {}, folded).ok());
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(trained[i], folded[i], 1e-5);
}

TEST(ContentModel, NeedsItemMetadata) {
  auto model = CreateModel("content", {});
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)->Fit(TrainContext{}, Train()).code(), StatusCode::kFailedPrecondition);
}

TEST(ContentModel, SurvivesBadText) {
  auto items = Catalogue();
  items[6].description = std::string(10u << 20, 'x') + "\xFF\xFE\x01 space";
  items[7].title = "\xC3\x28 love \x7F\x1B[31m";
  auto model = Fitted(items);
  std::vector<float> scores(8);
  ASSERT_TRUE(model->ScoreAll(1, scores).ok());
  EXPECT_GT(scores[7], 0.0f);
}

TEST(ContentModel, SaveLoadRoundTrip) {
  const auto items = Catalogue();
  auto model = Fitted(items);
  const std::string path = ::testing::TempDir() + "/content_model.encm";
  ASSERT_TRUE(SaveModel(*model, path).ok());
  auto loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<float> a(8), b(8);
  ASSERT_TRUE(model->ScoreAll(1, a).ok());
  ASSERT_TRUE((*loaded)->ScoreAll(1, b).ok());
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace encore
