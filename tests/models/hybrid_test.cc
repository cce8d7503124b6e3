#include "models/hybrid.h"

#include <gtest/gtest.h>

#include "models/registry.h"

namespace encore {
namespace {

// 60 items in two genres with shared tags; users like one genre each. Items
// 50-59 have no interactions (new items): 50-54 sci-fi, 55-59 romance.
std::vector<Item> Catalogue() {
  std::vector<Item> items(60);
  for (int i = 0; i < 60; ++i) {
    const bool scifi = (i < 50) ? (i % 2 == 0) : (i < 55);
    items[i].id = std::to_string(i);
    items[i].title = scifi ? "Space Adventure " + std::to_string(i) : "Love Story " + std::to_string(i);
    items[i].genres = {scifi ? "Sci-Fi" : "Romance"};
    items[i].tags = {scifi ? "aliens" : "wedding"};
  }
  return items;
}

Interactions Train() {
  std::vector<Interaction> t;
  for (int u = 0; u < 40; ++u) {
    const int parity = u % 2;  // even users like sci-fi (even items)
    for (int i = parity; i < 50; i += 2) {
      if ((i * 7 + u) % 3 != 0) t.push_back({u, i, 1, 0});
    }
  }
  return Interactions::FromTriplets(40, 60, t);
}

std::unique_ptr<Recommender> Fitted(const std::vector<Item>& items, const std::string& loss) {
  auto model = CreateModel("hybrid", {{"factors", "16"}, {"epochs", "20"}, {"loss", loss}});
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  TrainContext ctx;
  ctx.items = &items;
  ctx.run.progress = false;
  Status s = (*model)->Fit(ctx, Train());
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::move(model).value();
}

class HybridLoss : public ::testing::TestWithParam<std::string> {};

TEST_P(HybridLoss, NewItemsAreScoredFromContent) {
  const auto items = Catalogue();
  auto model = Fitted(items, GetParam());
  std::vector<float> scores(60);
  double sci_fan_gap = 0, romance_fan_gap = 0;
  for (UserIdx user : {0, 2, 4}) {
    ASSERT_TRUE(model->ScoreAll(user, scores).ok());
    for (int i = 50; i < 55; ++i) sci_fan_gap += scores[i] - scores[i + 5];
  }
  for (UserIdx user : {1, 3, 5}) {
    ASSERT_TRUE(model->ScoreAll(user, scores).ok());
    for (int i = 50; i < 55; ++i) romance_fan_gap += scores[i + 5] - scores[i];
  }
  EXPECT_GT(sci_fan_gap, 0);
  EXPECT_GT(romance_fan_gap, 0);
}

TEST_P(HybridLoss, WarmItemsRankUnseenLikedGenreFirst) {
  const auto items = Catalogue();
  auto model = Fitted(items, GetParam());
  std::vector<float> scores(60);
  ASSERT_TRUE(model->ScoreAll(0, scores).ok());
  // Held-out sci-fi items of user 0 ((i*7) % 3 == 0, i even) beat romances on average.
  double liked = 0, other = 0;
  int n_liked = 0, n_other = 0;
  for (int i = 0; i < 50; ++i) {
    if (i % 2 == 0 && (i * 7) % 3 == 0) liked += scores[i], ++n_liked;
    if (i % 2 == 1) other += scores[i], ++n_other;
  }
  EXPECT_GT(liked / n_liked, other / n_other);
}

INSTANTIATE_TEST_SUITE_P(Losses, HybridLoss, ::testing::Values("warp", "bpr"));

TEST(Hybrid, ItemVectorsReproduceScores) {
  const auto items = Catalogue();
  auto model = Fitted(items, "warp");
  std::vector<float> vectors, user;
  int dim = 0;
  ASSERT_TRUE(model->ItemVectors(&vectors, &dim).ok());
  ASSERT_TRUE(model->UserVector(3, {}, {}, &user).ok());
  std::vector<float> scores(60);
  ASSERT_TRUE(model->ScoreAll(3, scores).ok());
  for (int i = 0; i < 60; ++i) {
    float s = 0;
    for (int d = 0; d < dim; ++d) s += user[d] * vectors[i * dim + d];
    EXPECT_NEAR(s, scores[i], 1e-4);
  }
}

TEST(Hybrid, SaveLoadRoundTripAndBadParams) {
  const auto items = Catalogue();
  auto model = Fitted(items, "bpr");
  const std::string path = ::testing::TempDir() + "/hybrid_model.encm";
  ASSERT_TRUE(SaveModel(*model, path).ok());
  auto loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<float> a(60), b(60);
  ASSERT_TRUE(model->ScoreAll(1, a).ok());
  ASSERT_TRUE((*loaded)->ScoreAll(1, b).ok());
  EXPECT_EQ(a, b);
  EXPECT_FALSE(CreateModel("hybrid", {{"loss", "hinge"}}).ok());
  EXPECT_FALSE(CreateModel("hybrid", {{"factors", "0"}}).ok());
  auto bare = CreateModel("hybrid", {});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)->Fit(TrainContext{}, Train()).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace encore
