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

std::unique_ptr<Recommender> Fitted(const std::vector<Item>& items, const std::string& loss,
                                    ModelParams extra = {}, const Interactions* validation = nullptr) {
  // The feature factorisation unless a test names another content model.
  ModelParams params = {{"factors", "16"}, {"epochs", "20"}, {"loss", loss}, {"content", "features"}};
  for (const auto& [key, value] : extra) params[key] = value;
  auto model = CreateModel("hybrid", params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  TrainContext ctx;
  ctx.items = &items;
  ctx.run.progress = false;
  ctx.validation = validation;
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

// Ranks of `scores` restricted to items [begin, end): position of each item.
std::vector<int> RanksWithin(const std::vector<float>& scores, int begin, int end) {
  std::vector<int> ranks;
  for (int i = begin; i < end; ++i) {
    int rank = 0;
    for (int j = begin; j < end; ++j) rank += scores[j] > scores[i] || (scores[j] == scores[i] && j < i);
    ranks.push_back(rank);
  }
  return ranks;
}

TEST(Hybrid, AtContentWeightZeroWarmItemsScoreAsTheCfModelAndColdItemsKeepTheFactorOrder) {
  const auto items = Catalogue();
  auto blended = Fitted(items, "warp", {{"cf", "ease"}, {"content_weight", "0"}});
  auto factor_only = Fitted(items, "warp", {{"cf", "none"}});
  auto ease = CreateModel("ease", {});
  ASSERT_TRUE(ease.ok());
  TrainContext ctx;
  ctx.run.progress = false;
  ASSERT_TRUE((*ease)->Fit(ctx, Train()).ok());
  ASSERT_NE(static_cast<const Hybrid*>(blended.get())->cf_model(), nullptr);
  EXPECT_EQ(static_cast<const Hybrid*>(blended.get())->cf_model()->Name(), "ease");
  EXPECT_EQ(static_cast<const Hybrid*>(factor_only.get())->cf_model(), nullptr);
  std::vector<float> hybrid_scores(60), ease_scores(60), factor_scores(60);
  for (UserIdx user : {0, 1, 7}) {
    ASSERT_TRUE(blended->ScoreAll(user, hybrid_scores).ok());
    ASSERT_TRUE((*ease)->ScoreAll(user, ease_scores).ok());
    ASSERT_TRUE(factor_only->ScoreAll(user, factor_scores).ok());
    for (int i = 0; i < 50; ++i) EXPECT_NEAR(hybrid_scores[i], ease_scores[i], 1e-5) << "user " << user << " item " << i;
    // New items 50-59: EASE cannot score them (0); the blend keeps the factorisation's order.
    EXPECT_EQ(RanksWithin(hybrid_scores, 50, 60), RanksWithin(factor_scores, 50, 60)) << "user " << user;
    // Score() on a subset agrees with ScoreAll().
    std::vector<ItemIdx> subset = {55, 3, 50};
    std::vector<float> part(3);
    ASSERT_TRUE(blended->Score(user, subset, part).ok());
    for (size_t k = 0; k < subset.size(); ++k) EXPECT_EQ(part[k], hybrid_scores[subset[k]]);
  }
  // Blended scores are not inner products.
  std::vector<float> vectors;
  int dim = 0;
  EXPECT_EQ(blended->ItemVectors(&vectors, &dim).code(), StatusCode::kUnimplemented);
}

TEST(Hybrid, AContentModelReplacesTheFactorisation) {
  // content=content: new items keep the TF-IDF content model's order, warm items blend with EASE,
  // and a new user's history goes through both.
  const auto items = Catalogue();
  auto blended = Fitted(items, "warp", {{"cf", "ease"}, {"content", "content"}, {"content_weight", "0.5"}});
  auto content = CreateModel("content", {});
  ASSERT_TRUE(content.ok());
  TrainContext ctx;
  ctx.items = &items;
  ctx.run.progress = false;
  ASSERT_TRUE((*content)->Fit(ctx, Train()).ok());
  std::vector<float> hybrid_scores(60), content_scores(60);
  for (UserIdx user : {0, 1, 7}) {
    ASSERT_TRUE(blended->ScoreAll(user, hybrid_scores).ok());
    ASSERT_TRUE((*content)->ScoreAll(user, content_scores).ok());
    EXPECT_EQ(RanksWithin(hybrid_scores, 50, 60), RanksWithin(content_scores, 50, 60)) << "user " << user;
    // A sci-fi fan (even user) gets the new sci-fi items (50-54) above the new romances.
    if (user % 2 == 0) EXPECT_GT(hybrid_scores[50], hybrid_scores[55]);
  }
  const std::vector<ItemIdx> history = {0, 2, 4};
  std::vector<float> from_history(60);
  ASSERT_TRUE(blended->ScoreHistory(history, {}, from_history).ok());
  EXPECT_GT(from_history[52], from_history[57]);
  // The content model travels inside the model file.
  const std::string path = ::testing::TempDir() + "/hybrid_content.bin";
  ASSERT_TRUE(SaveModel(*blended, path).ok());
  auto loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<float> again(60);
  ASSERT_TRUE((*loaded)->ScoreAll(7, again).ok());
  ASSERT_TRUE(blended->ScoreAll(7, hybrid_scores).ok());
  EXPECT_EQ(again, hybrid_scores);
  EXPECT_EQ(static_cast<const Hybrid*>(loaded->get())->cf_model()->Name(), "ease");
}

TEST(Hybrid, ByDefaultNewItemsFollowTheContentAndFusionEnsemble) {
  const auto items = Catalogue();
  auto model = CreateModel("hybrid", {{"cf", "ease"}, {"content_weight", "0.5"}, {"content.fusion.epochs", "5"}});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->Params().at("content"), "content,fusion");
  TrainContext ctx;
  ctx.items = &items;
  ctx.run.progress = false;
  ctx.run.threads = 1;
  ASSERT_TRUE((*model)->Fit(ctx, Train()).ok());
  auto ensemble = CreateModel("ensemble", {{"models", "content,fusion"}, {"fusion.epochs", "5"}});
  ASSERT_TRUE(ensemble.ok()) << ensemble.status().ToString();
  ASSERT_TRUE((*ensemble)->Fit(ctx, Train()).ok());
  std::vector<float> hybrid_scores(60), ensemble_scores(60);
  for (UserIdx user : {0, 1, 6}) {
    ASSERT_TRUE((*model)->ScoreAll(user, hybrid_scores).ok());
    ASSERT_TRUE((*ensemble)->ScoreAll(user, ensemble_scores).ok());
    // The same first five new items (near-equal ensemble scores may tie after the blend's mapping).
    const std::vector<int> h = RanksWithin(hybrid_scores, 50, 60), e = RanksWithin(ensemble_scores, 50, 60);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(h[i] < 5, e[i] < 5) << "user " << user << " item " << 50 + i;
    if (user % 2 == 0) EXPECT_GT(hybrid_scores[51], hybrid_scores[56]) << "a sci-fi fan gets new sci-fi first";
  }
  // A list names registered models only, not hybrid itself.
  for (const char* bad : {"content,nope", "content,,fusion", "hybrid", "content,hybrid", ""}) {
    EXPECT_EQ(CreateModel("hybrid", {{"content", bad}}).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Hybrid, ContentWeightIsLearntOnValidationAndOneMeansTheMappedFactorScores) {
  const auto items = Catalogue();
  // Validation: each user's held-out items of her genre ((i*7+u) % 3 == 0).
  std::vector<Interaction> v;
  for (int u = 0; u < 40; ++u) {
    for (int i = u % 2; i < 50; i += 2) {
      if ((i * 7 + u) % 3 == 0) v.push_back({u, i, 1, 0});
    }
  }
  const Interactions validation = Interactions::FromTriplets(40, 60, v);
  auto learnt = Fitted(items, "warp", {{"cf", "ease"}}, &validation);
  const double w = static_cast<const Hybrid*>(learnt.get())->content_weight();
  EXPECT_GE(w, 0.0);
  EXPECT_LE(w, 1.0);
  auto fixed = Fitted(items, "warp", {{"cf", "ease"}});  // no validation: the default
  EXPECT_EQ(static_cast<const Hybrid*>(fixed.get())->content_weight(), kDefaultContentWeight);
  // w = 1: every item scored by the factorisation mapped onto the CF scale (same order).
  auto content_only = Fitted(items, "warp", {{"cf", "ease"}, {"content_weight", "1"}});
  auto factor_only = Fitted(items, "warp", {{"cf", "none"}});
  std::vector<float> a(60), b(60);
  ASSERT_TRUE(content_only->ScoreAll(4, a).ok());
  ASSERT_TRUE(factor_only->ScoreAll(4, b).ok());
  EXPECT_EQ(RanksWithin(a, 0, 60), RanksWithin(b, 0, 60));
}

TEST(Hybrid, NewUserHistoriesAreBlendedToo) {
  const auto items = Catalogue();
  auto model = Fitted(items, "warp", {{"cf", "ease"}, {"content_weight", "0"}});
  std::vector<ItemIdx> history = {0, 2, 4, 6};
  std::vector<float> scores(60);
  ASSERT_TRUE(model->ScoreHistory(history, {}, scores).ok());
  double scifi = 0, romance = 0;
  for (int i = 50; i < 55; ++i) scifi += scores[i], romance += scores[i + 5];
  EXPECT_GT(scifi, romance);  // cold items from content
  double warm_scifi = 0, warm_romance = 0;
  for (int i = 8; i < 50; i += 2) warm_scifi += scores[i], warm_romance += scores[i + 1];
  EXPECT_GT(warm_scifi, warm_romance);  // warm items from EASE
}

TEST(Hybrid, ItemVectorsReproduceScores) {
  const auto items = Catalogue();
  auto model = Fitted(items, "warp", {{"cf", "none"}});
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
  EXPECT_FALSE(CreateModel("hybrid", {{"cf", "hybrid"}}).ok());
  EXPECT_FALSE(CreateModel("hybrid", {{"cf", "no-such-model"}}).ok());
  EXPECT_FALSE(CreateModel("hybrid", {{"cf.lambda", "100"}}).ok());  // cf.* needs an explicit cf
  EXPECT_FALSE(CreateModel("hybrid", {{"cf", "ease"}, {"cf.lambda", "-1"}}).ok());
  EXPECT_FALSE(CreateModel("hybrid", {{"cf", "ease"}, {"cf.bogus", "1"}}).ok());
  EXPECT_FALSE(CreateModel("hybrid", {{"content_weight", "-0.5"}}).ok());
  EXPECT_FALSE(CreateModel("hybrid", {{"content_weight", "1.5"}}).ok());
  auto with_cf_params = CreateModel("hybrid", {{"cf", "ease"}, {"cf.lambda", "50"}});
  ASSERT_TRUE(with_cf_params.ok()) << with_cf_params.status().ToString();
  EXPECT_EQ((*with_cf_params)->Params().at("cf.lambda"), "50");
  auto bare = CreateModel("hybrid", {});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)->Fit(TrainContext{}, Train()).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace encore
