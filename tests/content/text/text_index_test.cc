#include "content/text/text_index.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "content/text/keywords.h"

namespace encore::text {
namespace {

// d0 = [a b], d1 = [a c c], d2 = [d]: N = 3, avgdl = 2.
TextIndex Tiny() {
  std::vector<std::vector<std::string>> docs = {{"a", "b"}, {"a", "c", "c"}, {"d"}};
  return TextIndex::Build(docs);
}

TEST(TextIndex, Bm25MatchesHandComputedValues) {
  const TextIndex index = Tiny();
  std::vector<std::string> q_c = {"c"};
  // idf(c) = ln(1 + (3 - 1 + .5) / (1 + .5)) = 0.980829; d1: tf 2, dl 3,
  // norm = 1.2 * (1 - .75 + .75 * 3 / 2) = 1.65; 0.980829 * 2 * 2.2 / 3.65.
  EXPECT_NEAR(index.Bm25(q_c, 1), 1.1823695, 1e-6);
  EXPECT_EQ(index.Bm25(q_c, 0), 0.0);
  std::vector<std::string> q_a = {"a"};
  // idf(a) = ln(1 + 1.5 / 2.5) = ln 1.6; d0: tf 1, dl = avgdl: the tf part is 1.
  EXPECT_NEAR(index.Bm25(q_a, 0), std::log(1.6), 1e-6);
  // k1 = 2, b = 0: no length normalisation: idf * 2 * 3 / (2 + 2).
  EXPECT_NEAR(index.Bm25(q_c, 1, {2.0, 0.0}), 1.4712439, 1e-6);
}

TEST(TextIndex, Bm25AllAgreesWithPerDocumentScores) {
  const TextIndex index = Tiny();
  std::vector<std::string> query = {"a", "c", "zzz"};
  std::vector<float> all(3);
  index.Bm25All(query, {}, all);
  for (idx_t doc = 0; doc < 3; ++doc) EXPECT_NEAR(all[doc], index.Bm25(query, doc), 1e-5);
}

TEST(TextIndex, Bm25OptionsAreValidated) {
  EXPECT_FALSE((Bm25Options{-1, 0.5}).Validate().ok());
  EXPECT_FALSE((Bm25Options{1.2, 1.5}).Validate().ok());
  EXPECT_TRUE((Bm25Options{}).Validate().ok());
}

TEST(TextIndex, TfIdfIsUnitLengthAndIgnoresUnknownTerms) {
  const TextIndex index = Tiny();
  std::vector<std::string> tokens = {"a", "c", "c", "unknown"};
  SparseVector v = index.TfIdf(tokens);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NEAR(Dot(v, v), 1.0, 1e-6);
  // c is rarer and repeated: it outweighs a. w = (1 + ln tf) * (ln((1+N)/(1+df)) + 1).
  const double wa = std::log(4.0 / 3.0) + 1, wc = (1 + std::log(2.0)) * (std::log(2.0) + 1);
  EXPECT_NEAR(v.values[1] / v.values[0], wc / wa, 1e-5);
  EXPECT_NEAR(Dot(index.DocTfIdf(1), v), 1.0, 1e-6);
}

TEST(Keywords, TfIdfPrefersRareRepeatedTerms) {
  const TextIndex index = Tiny();
  std::vector<std::string> tokens = {"a", "c", "c"};
  auto kw = TfIdfKeywords(tokens, index, 1);
  ASSERT_EQ(kw.size(), 1u);
  EXPECT_EQ(kw[0].first, "c");
}

TEST(Keywords, TextRankRanksTheHubWordFirst) {
  std::vector<std::string> tokens = {"jazz", "piano", "jazz", "trio", "jazz", "bass", "jazz", "drum"};
  TextRankOptions options;
  options.window = 2;
  auto kw = TextRankKeywords(tokens, 2, options);
  ASSERT_EQ(kw.size(), 2u);
  EXPECT_EQ(kw[0].first, "jazz");
  EXPECT_TRUE(TextRankKeywords({}, 3).empty());
}

}  // namespace
}  // namespace encore::text
