#include "models/fusion.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "content/fusion/media_inputs.h"
#include "models/recommender.h"
#include "models/user_history.h"

namespace encore {
namespace {

// Three taste groups of 20 items. Every item has a stored analysis whose audio
// vector carries its group (plus noise) and, for even items, video shots whose
// colour histogram does too; item text names a genre of the group. Users consume
// items of one group; the last 4 items of each group are never consumed (cold).
constexpr int kGroups = 3;
constexpr int kPerGroup = 20;
constexpr int kCold = 4;
constexpr int kItems = kGroups * kPerGroup;
constexpr int kUsersPerGroup = 20;

int GroupOf(int item) { return item / kPerGroup; }
bool IsCold(int item) { return item % kPerGroup >= kPerGroup - kCold; }

std::string Analysis(int item, std::mt19937& gen) {
  std::normal_distribution<double> noise(0, 0.2);
  nlohmann::json audio = nlohmann::json::array();
  for (int d = 0; d < fusion::kAudioInputDim; ++d) audio.push_back((d % kGroups == GroupOf(item) ? 1.0 : 0.0) + noise(gen));
  nlohmann::json j = {{"audio", {{"vector", audio}}}};
  if (item % 2 == 0) {
    nlohmann::json hist = nlohmann::json::array();
    for (int b = 0; b < video::kHistBins; ++b) hist.push_back(b % kGroups == GroupOf(item) ? 0.3 : 0.01);
    j["shots"] = {{{"start_s", 0.0}, {"end_s", 2.0}, {"brightness", 0.5}, {"saturation", 0.4}, {"motion", 0.1}, {"histogram", hist}},
                  {{"start_s", 2.0}, {"end_s", 5.0}, {"brightness", 0.6}, {"saturation", 0.3}, {"motion", 0.2}, {"histogram", hist}}};
  }
  return j.dump();
}

struct Fixture {
  std::vector<Item> items;
  std::vector<std::string> analyses;
  Interactions train;
};

Fixture MakeFixture() {
  std::mt19937 gen(11);
  Fixture f;
  const char* genres[kGroups] = {"jazz", "metal", "ambient"};
  for (int i = 0; i < kItems; ++i) {
    Item item;
    item.id = "i" + std::to_string(i);
    item.title = "piece " + std::to_string(i);
    item.genres = {genres[GroupOf(i)]};
    f.items.push_back(item);
    f.analyses.push_back(Analysis(i, gen));
  }
  std::vector<Interaction> pairs;
  const int users = kGroups * kUsersPerGroup;
  for (int u = 0; u < users; ++u) {
    const int g = u % kGroups;
    for (int k = 0; k < 6; ++k) {
      const int item = g * kPerGroup + (u / kGroups + 3 * k) % (kPerGroup - kCold);
      pairs.push_back({u, item, 1.0f, 1000 + k});
    }
  }
  f.train = Interactions::FromTriplets(users, kItems, pairs);
  return f;
}

ModelParams Small(const std::string& modalities) {
  return {{"modalities", modalities}, {"dim", "8"}, {"hidden", "16"}, {"epochs", "15"},
          {"batch_size", "64"}, {"pairs_per_user", "6"}, {"text_dim", "16"}, {"collaborative_factors", "4"}};
}

TrainContext Context(const Fixture& f, bool with_items, bool with_analyses) {
  TrainContext ctx;
  ctx.run.threads = 1;
  ctx.run.seed = 42;
  ctx.run.progress = false;
  if (with_items) ctx.items = &f.items;
  if (with_analyses) ctx.item_analyses = &f.analyses;
  return ctx;
}

std::unique_ptr<Recommender> Fitted(const Fixture& f, const std::string& modalities, bool with_items = true,
                                    bool with_analyses = true) {
  auto model = CreateModel("fusion", Small(modalities));
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  Status s = (*model)->Fit(Context(f, with_items, with_analyses), f.train);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::move(model).value();
}

// Share of (user, own-group cold item, other-group cold item) triples ranked the right way round.
double ColdPairAccuracy(const Recommender& model) {
  std::vector<float> scores(kItems);
  int right = 0, total = 0;
  for (UserIdx u = 0; u < kGroups * kUsersPerGroup; ++u) {
    EXPECT_TRUE(model.ScoreAll(u, scores).ok());
    for (int a = 0; a < kItems; ++a) {
      if (!IsCold(a) || GroupOf(a) != u % kGroups) continue;
      for (int b = 0; b < kItems; ++b) {
        if (!IsCold(b) || GroupOf(b) == u % kGroups) continue;
        right += scores[a] > scores[b];
        ++total;
      }
    }
  }
  return static_cast<double>(right) / total;
}

TEST(Fusion, RanksNeverConsumedItemsOfTheUsersTasteFirst) {
  const Fixture f = MakeFixture();
  auto model = Fitted(f, "auto");
  auto* fusion = dynamic_cast<FusionRecommender*>(model.get());
  ASSERT_NE(fusion, nullptr);
  EXPECT_TRUE(fusion->used_modalities()[0] && fusion->used_modalities()[1] && fusion->used_modalities()[2]);
  EXPECT_FALSE(fusion->used_modalities()[3]);  // auto leaves collaborative out
  EXPECT_GT(ColdPairAccuracy(*model), 0.9);
}

TEST(Fusion, TextByRandomProjectionWorksToo) {
  const Fixture f = MakeFixture();
  ModelParams params = Small("text");
  params["text_input"] = "projection";
  params["text_dim"] = "64";
  auto model = CreateModel("fusion", params);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE((*model)->Fit(Context(f, true, true), f.train).ok());
  EXPECT_GT(ColdPairAccuracy(**model), 0.9);
}

TEST(Fusion, MediaAloneCarriesTheTaste) {
  // No item text at all: only the stored analyses (audio + video) reach the cold items.
  const Fixture f = MakeFixture();
  auto model = Fitted(f, "audio,visual", /*with_items=*/false);
  EXPECT_GT(ColdPairAccuracy(*model), 0.9);
  // Attention: items without video have all their weight on audio.
  const auto& attention = dynamic_cast<FusionRecommender&>(*model).attention();
  EXPECT_FLOAT_EQ(attention[1 * fusion::kModalities + 1], 1.0f);
  EXPECT_FLOAT_EQ(attention[1 * fusion::kModalities + 2], 0.0f);
  EXPECT_GT(attention[0 * fusion::kModalities + 2], 0.0f);
}

TEST(Fusion, WithCollaborativeInputStillScoresColdItems) {
  const Fixture f = MakeFixture();
  auto model = Fitted(f, "text,audio,collaborative");
  EXPECT_GT(ColdPairAccuracy(*model), 0.8);
}

TEST(Fusion, ScoresAreInnerProductsOfItsVectors) {
  const Fixture f = MakeFixture();
  auto model = Fitted(f, "auto");
  std::vector<float> vectors, user;
  int dim = 0;
  ASSERT_TRUE(model->ItemVectors(&vectors, &dim).ok());
  ASSERT_EQ(vectors.size(), static_cast<size_t>(kItems * dim));
  ASSERT_TRUE(model->UserVector(5, {}, {}, &user).ok());
  std::vector<float> scores(kItems);
  ASSERT_TRUE(model->ScoreAll(5, scores).ok());
  for (int i = 0; i < kItems; ++i) {
    float dot = 0;
    for (int d = 0; d < dim; ++d) dot += user[d] * vectors[i * dim + d];
    EXPECT_NEAR(scores[i], dot, 1e-5);
  }
  // A known user's history (in time order: recency weighs) given as a new user's scores the same.
  std::vector<ItemIdx> history;
  std::vector<float> weights;
  TimeOrderedHistory(f.train, 5, &history, &weights);
  std::vector<float> from_history(kItems);
  ASSERT_TRUE(model->ScoreHistory(history, weights, from_history).ok());
  for (int i = 0; i < kItems; ++i) EXPECT_NEAR(from_history[i], scores[i], 1e-5);
}

TEST(Fusion, ModalitiesAskedForMustExist) {
  const Fixture f = MakeFixture();
  auto model = CreateModel("fusion", Small("audio"));
  ASSERT_TRUE(model.ok());
  Status s = (*model)->Fit(Context(f, true, /*with_analyses=*/false), f.train);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("encore analyze"), std::string::npos) << s.ToString();
  // Nothing at all to build vectors from.
  s = (*model)->Fit(Context(f, false, false), f.train);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  auto automatic = CreateModel("fusion", Small("auto"));
  s = (*automatic)->Fit(Context(f, false, false), f.train);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  // Analyses that do not parse or lack parts leave items without media, nothing worse.
  Fixture broken = MakeFixture();
  broken.analyses[0] = "{not json";
  broken.analyses[1] = R"({"audio":{"vector":[1,2]}})";
  broken.analyses.resize(kItems - 5);  // and the last items have none
  EXPECT_TRUE((*automatic)->Fit(Context(broken, true, true), broken.train).ok());
}

TEST(Fusion, HybridBlendsFusedVectorsWithCf) {
  const Fixture f = MakeFixture();
  ModelParams params = {{"content", "fusion"}, {"cf", "ease"}, {"content_weight", "0.3"}, {"factors", "8"}};
  for (const auto& [key, value] : Small("auto")) params["content." + key] = value;
  auto model = CreateModel("hybrid", params);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE((*model)->Fit(Context(f, true, true), f.train).ok());
  // Cold items have no CF score: the fused vectors order them.
  EXPECT_GT(ColdPairAccuracy(**model), 0.9);
  // Saved and loaded, it scores the same.
  const std::string path = ::testing::TempDir() + "/hybrid_fusion.bin";
  ASSERT_TRUE(SaveModel(**model, path).ok());
  auto loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<float> a(kItems), b(kItems);
  ASSERT_TRUE((*model)->ScoreAll(7, a).ok());
  ASSERT_TRUE((*loaded)->ScoreAll(7, b).ok());
  EXPECT_EQ(a, b);
  EXPECT_EQ((*loaded)->Params().at("content"), "fusion");
  EXPECT_EQ((*loaded)->Params().at("content.epochs"), "15");
  // content.* parameters need a content model and must be that model's.
  EXPECT_EQ(CreateModel("hybrid", {{"content.epochs", "3"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateModel("hybrid", {{"content", "fusion"}, {"content.bogus", "3"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateModel("hybrid", {{"content", "pictures"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateModel("hybrid", {{"content", "hybrid"}}).status().code(), StatusCode::kInvalidArgument);
}

TEST(Fusion, RejectsBadParameters) {
  for (const ModelParams& p : std::vector<ModelParams>{{{"modalities", "text,smell"}},
                                                       {{"modalities", "text,text"}},
                                                       {{"modalities", ""}},
                                                       {{"dim", "0"}},
                                                       {{"temperature", "0"}},
                                                       {{"batch_size", "1"}},
                                                       {{"text_input", "words"}},
                                                       {{"no_such_key", "1"}}}) {
    EXPECT_EQ(CreateModel("fusion", p).status().code(), StatusCode::kInvalidArgument) << p.begin()->first;
  }
  auto model = CreateModel("fusion", {{"modalities", "audio,text"}, {"epochs", "3"}});
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)->Params().at("modalities"), "audio,text");
  EXPECT_EQ((*model)->Params().at("epochs"), "3");
  EXPECT_EQ((*model)->Params().at("text_input"), "terms");  // the default
}

}  // namespace
}  // namespace encore
