#include "models/recommender.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace encore {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / name).string();
}

TEST(ModelRegistry, CreatesEveryRegisteredModelWithDefaults) {
  for (const std::string& name : ModelNames()) {
    auto model = CreateModel(name, {});
    ASSERT_TRUE(model.ok()) << name << ": " << model.status().ToString();
    EXPECT_EQ((*model)->Name(), name);
  }
  EXPECT_EQ(CreateModel("no-such-model", {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ModelFile, EveryModelRoundTripsAndScoresTheSame) {
  std::vector<Interaction> t;
  for (int u = 0; u < 30; ++u)
    for (int i = 0; i < 20; ++i)
      if ((u * 7 + i * 3) % 5 < 2) t.push_back({u, i, 1.0f, u * 100 + i});
  Interactions train = Interactions::FromTriplets(30, 20, t);
  // Content-based models need item metadata; collaborative ones ignore it.
  std::vector<Item> items(20);
  for (int i = 0; i < 20; ++i) {
    items[i].id = "i" + std::to_string(i);
    items[i].title = "title " + std::to_string(i % 4) + " word" + std::to_string(i % 3);
    items[i].genres = {"genre" + std::to_string(i % 3)};
    items[i].tags = {"tag" + std::to_string(i % 5)};
  }
  for (const std::string& name : ModelNames()) {
    auto model = CreateModel(name, {});
    ASSERT_TRUE(model.ok());
    TrainContext ctx;
    ctx.run.progress = false;
    ctx.items = &items;
    Status fit = (*model)->Fit(ctx, train);
    ASSERT_TRUE(fit.ok()) << name << ": " << fit.ToString();
    std::string path = TempPath("encore_model_" + name + ".bin");
    ASSERT_TRUE(SaveModel(**model, path).ok()) << name;
    auto loaded = LoadModel(path);
    ASSERT_TRUE(loaded.ok()) << name << ": " << loaded.status().ToString();
    std::vector<float> a(20), b(20);
    ASSERT_TRUE((*model)->ScoreAll(3, a).ok());
    ASSERT_TRUE((*loaded)->ScoreAll(3, b).ok());
    EXPECT_EQ(a, b) << name;
    std::filesystem::remove(path);
  }
}

TEST(ModelFile, CorruptFilesAreRejectedWithDataLoss) {
  std::string path = TempPath("encore_model_corrupt.bin");
  { std::ofstream(path) << "ENCM garbage"; }
  EXPECT_EQ(LoadModel(path).status().code(), StatusCode::kDataLoss);
  { std::ofstream(path) << "not a model at all"; }
  EXPECT_EQ(LoadModel(path).status().code(), StatusCode::kDataLoss);
  std::filesystem::remove(path);
  EXPECT_EQ(LoadModel(path).status().code(), StatusCode::kNotFound);
}

TEST(ParseParams, RequiresKeyEqualsValue) {
  EXPECT_TRUE(ParseParams({"a=1", "b=x=y"}).ok());
  EXPECT_EQ(ParseParams({"novalue"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseParams({"=1"}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
