#include "content/text/tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace encore::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Tokenizer Make(TokenizerOptions options = {}) {
  options.chinese = ChineseMode::kFriso;  // the Debian dictionary must be installed
  auto t = Tokenizer::Create(options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

TEST(Tokenizer, EnglishLowercasesDropsStopWordsAndStems) {
  auto tokens = Make().TokenizeRaw("The Comedies of Errors: WOMEN's movies, 1999!");
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre("comedy", "error", "women", "movie", "1999"));
}

TEST(Tokenizer, StemmerKeepsShortWordsAndExceptions) {
  EXPECT_EQ(StemS("glass"), "glass");
  EXPECT_EQ(StemS("virus"), "virus");
  EXPECT_EQ(StemS("movies"), "movie");
  EXPECT_EQ(StemS("bus"), "bus");
  EXPECT_EQ(StemS("stories"), "story");
  EXPECT_EQ(StemS("dramas"), "drama");
}

TEST(Tokenizer, ChineseIsSegmentedByFriso) {
  auto tokens = Make().TokenizeRaw("像星际穿越一样的科幻电影");
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre("像", "星际", "穿越", "一样", "科幻电影"));
}

TEST(Tokenizer, MixedLanguageSplitsScriptRuns) {
  auto tokens = Make().TokenizeRaw("我喜欢Jazz音乐 and piano");
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre("喜欢", "jazz", "音乐", "piano"));
}

TEST(Tokenizer, BigramFallbackWithoutFriso) {
  TokenizerOptions options;
  options.chinese = ChineseMode::kBigrams;
  auto t = Tokenizer::Create(options);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(t->Tokenize("科幻电影"), ElementsAre("科幻", "幻电", "电影"));
}

TEST(Tokenizer, EmojiAndSymbolsSeparateTokens) {
  auto tokens = Make().TokenizeRaw("calm\xF0\x9F\x8E\xB9piano \xF0\x9F\x98\x80\xF0\x9F\x98\x80 #study");
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre("calm", "piano", "study"));
}

TEST(Tokenizer, EmptyAndPunctuationOnlyGiveNoTokens) {
  Tokenizer t = Make();
  EXPECT_THAT(t.Tokenize(""), IsEmpty());
  EXPECT_THAT(t.Tokenize("  ...!?  \n"), IsEmpty());
}

TEST(Tokenizer, VeryLongTextIsTruncatedNotFatal) {
  std::string text;
  while (text.size() < (10u << 20)) text += "piano jazz 音乐 ";
  auto tokens = Make().TokenizeRaw(text);
  ASSERT_TRUE(tokens.ok());
  // 1 MiB limit: ~16 bytes per 3 tokens.
  EXPECT_GT(tokens->size(), 100000u);
  EXPECT_LT(tokens->size(), 300000u);
}

TEST(Tokenizer, OverlongWordRunIsDropped) {
  EXPECT_THAT(Make().Tokenize(std::string(200, 'a') + " piano"), ElementsAre("piano"));
}

TEST(Tokenizer, InvalidUtf8IsReplacedAndSeparatesWords) {
  auto tokens = Make().TokenizeRaw("jazz\xFFpiano\xC3");
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre("jazz", "piano"));
}

TEST(NGrams, ContiguousJoined) {
  std::vector<std::string> tokens = {"a", "b", "c"};
  EXPECT_THAT(NGrams(tokens, 2), ElementsAre("a b", "b c"));
  EXPECT_THAT(NGrams(tokens, 3, "_"), ElementsAre("a_b_c"));
  EXPECT_THAT(NGrams(tokens, 4), IsEmpty());
  EXPECT_THAT(NGrams(tokens, 0), IsEmpty());
}

}  // namespace
}  // namespace encore::text
