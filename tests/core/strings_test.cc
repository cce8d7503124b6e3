#include "core/strings.h"

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(SplitList, TrimsPartsAndKeepsEmptyOnes) {
  EXPECT_EQ(SplitList("a, b ,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitList("a,,b,"), (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(SplitList(""), (std::vector<std::string>{""}));
  EXPECT_EQ(SplitList("  "), (std::vector<std::string>{""}));
  EXPECT_EQ(SplitList("x;y", ';'), (std::vector<std::string>{"x", "y"}));
}

}  // namespace
}  // namespace encore
