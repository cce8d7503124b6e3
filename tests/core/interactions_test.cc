#include "core/interactions.h"

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(Interactions, FromTripletsSortsRowsAndMergesDuplicates) {
  std::vector<Interaction> t = {{1, 3, 1.0f, 10}, {0, 2, 2.0f, 5}, {1, 0, 1.0f, 7}, {1, 3, 0.5f, 20}};
  Interactions m = Interactions::FromTriplets(3, 4, t);
  EXPECT_EQ(m.n_users(), 3);
  EXPECT_EQ(m.n_items(), 4);
  EXPECT_EQ(m.nnz(), 3);
  ASSERT_EQ(m.RowSize(1), 2);
  EXPECT_EQ(m.Row(1)[0], 0);
  EXPECT_EQ(m.Row(1)[1], 3);
  EXPECT_FLOAT_EQ(m.RowWeights(1)[1], 1.5f);
  EXPECT_EQ(m.RowTimestamps(1)[1], 20);
  EXPECT_EQ(m.RowSize(2), 0);
  EXPECT_TRUE(m.Contains(0, 2));
  EXPECT_FALSE(m.Contains(0, 3));
}

TEST(Interactions, TransposeTwiceIsIdentity) {
  std::vector<Interaction> t = {{0, 1, 1, 1}, {0, 2, 2, 2}, {1, 1, 3, 3}, {2, 0, 4, 4}};
  Interactions m = Interactions::FromTriplets(3, 3, t);
  Interactions tt = m.Transposed();
  EXPECT_EQ(tt.n_rows(), 3);
  ASSERT_EQ(tt.RowSize(1), 2);
  EXPECT_EQ(tt.Row(1)[0], 0);
  EXPECT_EQ(tt.Row(1)[1], 1);
  Interactions back = tt.Transposed();
  EXPECT_EQ(back.indices(), m.indices());
  EXPECT_EQ(back.weights(), m.weights());
  EXPECT_EQ(back.indptr(), m.indptr());
}

TEST(Interactions, PositiveOnlyDropsNegativesAndColumnCountsCount) {
  std::vector<Interaction> t = {{0, 0, 1, 0}, {0, 1, -1, 0}, {1, 0, 2, 0}};
  Interactions m = Interactions::FromTriplets(2, 2, t);
  Interactions p = m.PositiveOnly();
  EXPECT_EQ(p.nnz(), 2);
  EXPECT_EQ(p.ColumnCounts(), (std::vector<idx_t>{2, 0}));
  EXPECT_EQ(m.ColumnCounts(), (std::vector<idx_t>{2, 1}));
  EXPECT_EQ(m.ToTriplets().size(), 3u);
}

}  // namespace
}  // namespace encore
