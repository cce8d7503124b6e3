#include "core/parallel.h"

#include <atomic>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(ParallelFor, VisitsEveryIndexExactlyOnce) {
  std::vector<std::atomic<int>> hits(1000);
  Status s = ParallelFor(1000, 4, [&](idx_t b, idx_t e, int) {
    for (idx_t i = b; i < e; ++i) hits[i]++;
    return Status::Ok();
  }, 7);
  ASSERT_TRUE(s.ok());
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ParallelFor, ReturnsTheErrorAndConvertsExceptions) {
  Status s = ParallelFor(100, 2, [&](idx_t b, idx_t, int) {
    if (b >= 50) return InvalidArgument("bad chunk");
    return Status::Ok();
  }, 10);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  Status t = ParallelFor(10, 2, [&](idx_t, idx_t, int) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(t.code(), StatusCode::kInternal);
  EXPECT_NE(t.message().find("boom"), std::string::npos);
}

}  // namespace
}  // namespace encore
