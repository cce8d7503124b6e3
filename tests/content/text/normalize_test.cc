#include "content/text/normalize.h"

#include <gtest/gtest.h>

namespace encore::text {
namespace {

TEST(NormalizeText, FoldsAsciiAndLatin1CaseAndFullWidth) {
  auto out = NormalizeText("ÉCOLE Ｈｅｌｌｏ\xE3\x80\x80World");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "école hello world");
}

TEST(NormalizeText, RemovesControlCharactersKeepsNewlines) {
  NormalizeReport report;
  auto out = NormalizeText(std::string("a\x01" "b\tc\r\nd\x7f\xE2\x80\x8B" "e", 13), {}, &report);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "ab c \nde");
  EXPECT_EQ(report.controls_removed, 3u);
}

TEST(NormalizeText, ReplacesInvalidUtf8ByDefault) {
  NormalizeReport report;
  // stray continuation, overlong '/', truncated 3-byte sequence, surrogate
  auto out = NormalizeText("a\x80" "b\xC0\xAF" "c\xE4\xB8" "d\xED\xA0\x80", {}, &report);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(IsValidUtf8(*out));
  EXPECT_GE(report.invalid_sequences, 4u);
  EXPECT_NE(out->find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(NormalizeText, StrictModeRejectsInvalidUtf8WithOffset) {
  NormalizeOptions options;
  options.strict_utf8 = true;
  auto out = NormalizeText("abc\xFF", options);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("byte 3"), std::string::npos);
}

TEST(NormalizeText, TruncatesAtCharacterBoundary) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "\xE4\xB8\xAD";  // 中, 3 bytes each
  NormalizeOptions options;
  options.max_bytes = 10;
  NormalizeReport report;
  auto out = NormalizeText(text, options, &report);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(report.truncated);
  EXPECT_EQ(out->size(), 9u);
  EXPECT_TRUE(IsValidUtf8(*out));
}

TEST(NormalizeText, TenMegabyteDescriptionIsTruncatedToLimit) {
  const std::string huge(10u << 20, 'x');
  NormalizeReport report;
  auto out = NormalizeText(huge, {}, &report);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(report.truncated);
  EXPECT_EQ(out->size(), kMaxTextBytes);
}

TEST(NormalizeText, EmptyInputGivesEmptyOutput) {
  auto out = NormalizeText("");
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
}

}  // namespace
}  // namespace encore::text
