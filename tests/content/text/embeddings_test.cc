#include "content/text/embeddings.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace encore::text {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << content;
  return path.string();
}

TEST(LoadWordVectors, ReadsWord2VecAndGloveText) {
  auto w2v = LoadWordVectors(WriteTemp("encore_w2v.txt", "2 3\njazz 1 0 0\npiano 0 1 0\n"));
  ASSERT_TRUE(w2v.ok()) << w2v.status().ToString();
  EXPECT_EQ(w2v->dim(), 3);
  EXPECT_EQ(w2v->size(), 2u);
  ASSERT_NE(w2v->Find("piano"), nullptr);
  EXPECT_EQ(w2v->Find("piano")[1], 1.0f);
  auto glove = LoadWordVectors(WriteTemp("encore_glove.txt", "jazz 0.5 -1.25\nrock 1e-3 2\n"));
  ASSERT_TRUE(glove.ok());
  EXPECT_EQ(glove->dim(), 2);
  EXPECT_FLOAT_EQ(glove->Find("jazz")[1], -1.25f);
}

TEST(LoadWordVectors, BadFilesGiveClearErrors) {
  EXPECT_EQ(LoadWordVectors("/nonexistent/vectors.txt").status().code(), StatusCode::kNotFound);
  auto ragged = LoadWordVectors(WriteTemp("encore_ragged.txt", "jazz 1 2 3\nrock 1 2\n"));
  ASSERT_FALSE(ragged.ok());
  EXPECT_NE(ragged.status().message().find(":2:"), std::string::npos);
  EXPECT_FALSE(LoadWordVectors(WriteTemp("encore_nan.txt", "jazz 1 abc\n")).ok());
  EXPECT_FALSE(LoadWordVectors(WriteTemp("encore_empty.txt", "")).ok());
}

TEST(EmbedTokens, WeightedMeanIsUnitLength) {
  WordVectors v({"jazz", "piano"}, {1, 0, 0, 1}, 2);
  std::vector<float> out;
  std::vector<std::string> tokens = {"jazz", "piano", "unknown"};
  EXPECT_EQ(EmbedTokens(tokens, v, nullptr, &out), 2u);
  EXPECT_NEAR(out[0], std::sqrt(0.5f), 1e-6);
  EXPECT_NEAR(Cosine(out, out), 1.0f, 1e-6);
  std::vector<std::string> none = {"nothing"};
  EXPECT_EQ(EmbedTokens(none, v, nullptr, &out), 0u);
  EXPECT_EQ(Cosine(out, out), 0.0f);
}

TEST(TrainFastTextVectors, LearnsRelatedWordsFromCooccurrence) {
  // Two topics that never share a document.
  std::vector<std::vector<std::string>> docs;
  for (int i = 0; i < 100; ++i) {
    docs.push_back({"jazz", "piano", "trio", "saxophone", "swing"});
    docs.push_back({"space", "alien", "rocket", "planet", "galaxy"});
  }
  FastTextOptions options;
  options.dim = 16;
  options.epoch = 5;
  options.min_subword = 0;
  options.max_subword = 0;
  RunContext ctx;
  ctx.threads = 1;
  auto vectors = TrainFastTextVectors(docs, options, ctx);
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  EXPECT_EQ(vectors->dim(), 16);
  auto vec = [&](const char* w) { return std::span<const float>(vectors->Find(w), 16); };
  ASSERT_NE(vectors->Find("jazz"), nullptr);
  EXPECT_GT(Cosine(vec("jazz"), vec("piano")), Cosine(vec("jazz"), vec("rocket")));
}

TEST(TrainFastTextVectors, EmptyCorpusIsAnError) {
  std::vector<std::vector<std::string>> docs;
  auto vectors = TrainFastTextVectors(docs, {}, RunContext{});
  EXPECT_FALSE(vectors.ok());
}

}  // namespace
}  // namespace encore::text
