#include "ingest/text_file.h"

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(SplitCsv, HandlesQuotesCommasAndEscapedQuotes) {
  std::vector<std::string> f;
  ASSERT_TRUE(SplitCsv("1,\"Heat, the (1995)\",Action|Crime", &f).ok());
  EXPECT_EQ(f, (std::vector<std::string>{"1", "Heat, the (1995)", "Action|Crime"}));
  ASSERT_TRUE(SplitCsv("7789,\"11'09\"\"01 - September 11 (2002)\",Drama", &f).ok());
  EXPECT_EQ(f[1], "11'09\"01 - September 11 (2002)");
  ASSERT_TRUE(SplitCsv("a,,", &f).ok());
  EXPECT_EQ(f, (std::vector<std::string>{"a", "", ""}));
  EXPECT_FALSE(SplitCsv("\"open", &f).ok());
  EXPECT_FALSE(SplitCsv("\"a\"b,c", &f).ok());
  EXPECT_FALSE(SplitCsv("a\"b", &f).ok());
}

TEST(DecodeText, ConvertsLatin1AndChecksUtf8) {
  std::string out;
  ASSERT_TRUE(DecodeText("caf\xE9", Encoding::kLatin1, &out).ok());
  EXPECT_EQ(out, "caf\xC3\xA9");
  ASSERT_TRUE(DecodeText("caf\xC3\xA9", Encoding::kAuto, &out).ok());
  EXPECT_EQ(out, "caf\xC3\xA9");
  ASSERT_TRUE(DecodeText("caf\xE9", Encoding::kAuto, &out).ok());
  EXPECT_EQ(out, "caf\xC3\xA9");
  EXPECT_FALSE(DecodeText("caf\xE9", Encoding::kUtf8, &out).ok());
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x8E\xB5"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));        // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));    // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x98"));        // truncated
}

TEST(ParseNumbers, AcceptWholeNumbersOnly) {
  int64_t i = 0;
  double d = 0;
  EXPECT_TRUE(ParseInt("881250949", &i));
  EXPECT_EQ(i, 881250949);
  EXPECT_FALSE(ParseInt("12x", &i));
  EXPECT_FALSE(ParseInt("", &i));
  EXPECT_TRUE(ParseNumber("4.5", &d));
  EXPECT_DOUBLE_EQ(d, 4.5);
  EXPECT_FALSE(ParseNumber("nan", &d));
  EXPECT_FALSE(ParseNumber("4.5.1", &d));
}

TEST(DaysFromCivil, MatchesKnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1995, 1, 1) * 86400, 788918400);
  EXPECT_EQ(DaysFromCivil(2009, 4, 1) * 86400, 1238544000);
}

}  // namespace
}  // namespace encore
