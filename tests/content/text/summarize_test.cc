#include "content/text/summarize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace encore::text {
namespace {

SummaryOptions Limits(size_t max_chars, int max_sentences) {
  SummaryOptions options;
  options.max_chars = max_chars;
  options.max_sentences = max_sentences;
  return options;
}

Tokenizer Make() {
  auto t = Tokenizer::Create();
  EXPECT_TRUE(t.ok());
  return std::move(t).value();
}

const char* kText =
    "Jazz piano trios shaped modern music. The weather was cold that winter. "
    "Bill Evans led a famous jazz piano trio with bass and drums. "
    "Bread was expensive. His piano trio recordings from the Village Vanguard are jazz classics. "
    "Many cats sleep all day.";

TEST(SplitSentences, SplitsOnTerminatorsAndNewlines) {
  auto s = SplitSentences("One. Two?! Three\nFour 。五。");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].text, "One.");
  EXPECT_EQ(s[1].text, "Two?!");
  EXPECT_EQ(s[2].text, "Three");
  EXPECT_EQ(s[4].text, "五。");
}

TEST(Summarize, KeepsSentenceOrderAndPicksTheTopic) {
  auto summary = Summarize(kText, Make(), Limits(1000, 2));
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->sentence_indices.size(), 2u);
  EXPECT_TRUE(std::is_sorted(summary->sentence_indices.begin(), summary->sentence_indices.end()));
  EXPECT_THAT(summary->text, ::testing::HasSubstr("piano trio"));
  EXPECT_THAT(summary->text, ::testing::Not(::testing::HasSubstr("cats")));
  // Case is kept for display.
  EXPECT_THAT(summary->text, ::testing::HasSubstr("Village Vanguard"));
}

TEST(Summarize, RespectsTheCharacterLimit) {
  for (size_t limit : {10u, 40u, 80u, 150u, 400u}) {
    auto summary = Summarize(kText, Make(), Limits(limit, 5));
    ASSERT_TRUE(summary.ok());
    EXPECT_LE(Utf8Length(summary->text), limit) << limit;
    EXPECT_FALSE(summary->text.empty());
  }
}

TEST(Summarize, EmptyTextGivesEmptySummaryAndBadOptionsFail) {
  auto summary = Summarize("", Make());
  ASSERT_TRUE(summary.ok());
  EXPECT_TRUE(summary->text.empty());
  EXPECT_FALSE(Summarize(kText, Make(), Limits(0, 1)).ok());
}

TEST(Summarize, HugeTextIsBoundedAndFast) {
  std::string text;
  while (text.size() < (10u << 20)) text += "Jazz piano is calm. Drums are loud tonight. ";
  auto summary = Summarize(text, Make(), Limits(100, 2));
  ASSERT_TRUE(summary.ok());
  EXPECT_LE(Utf8Length(summary->text), 100u);
}

TEST(SummarizeSegments, OneSummaryPerSegmentPlusGlobal) {
  std::vector<TimedSegment> segments = {
      {0, 30, "Jazz piano trios shaped modern music. Bread was expensive."},
      {30, 60, "Bill Evans led a jazz piano trio. Many cats sleep all day. Jazz piano trio records sold well."},
  };
  auto s = SummarizeSegments(segments, Make(), Limits(200, 2),
                             Limits(60, 1));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->segments.size(), 2u);
  for (const Summary& seg : s->segments) EXPECT_LE(Utf8Length(seg.text), 60u);
  EXPECT_THAT(s->global.text, ::testing::HasSubstr("piano"));
  EXPECT_LE(Utf8Length(s->global.text), 200u);
}

}  // namespace
}  // namespace encore::text
