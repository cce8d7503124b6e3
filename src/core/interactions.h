// The user-item matrices every model trains on. Events are aggregated into one
// weighted Interaction per (user, item) by ApplyWeighting (core/weighting.h),
// then packed into a CSR matrix. Models never parse raw events.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/types.h"

namespace encore {

// One aggregated (user, item) pair.
struct Interaction {
  UserIdx user = kNoUser;
  ItemIdx item = kNoItem;
  float weight = 0;        // > 0 positive (confidence), < 0 negative feedback
  int64_t timestamp = 0;   // time of the latest event of the pair
};

// Compressed sparse rows: row r holds the columns indices[indptr[r]..indptr[r+1]),
// sorted ascending, with their weights and timestamps. Rows are users and
// columns items (or the transpose, from Transposed()).
class Interactions {
 public:
  Interactions() = default;
  // Builds an n_rows x n_cols matrix. Duplicate (user, item) pairs are merged:
  // weights summed, latest timestamp kept. REQUIRES: indices in range.
  static Interactions FromTriplets(idx_t n_rows, idx_t n_cols, std::span<const Interaction> triplets);

  idx_t n_rows() const { return n_rows_; }
  idx_t n_cols() const { return n_cols_; }
  idx_t n_users() const { return n_rows_; }
  idx_t n_items() const { return n_cols_; }
  idx_t nnz() const { return static_cast<idx_t>(indices_.size()); }

  std::span<const ItemIdx> Row(idx_t row) const {
    return {indices_.data() + indptr_[row], static_cast<size_t>(indptr_[row + 1] - indptr_[row])};
  }
  std::span<const float> RowWeights(idx_t row) const {
    return {weights_.data() + indptr_[row], static_cast<size_t>(indptr_[row + 1] - indptr_[row])};
  }
  std::span<const int64_t> RowTimestamps(idx_t row) const {
    return {timestamps_.data() + indptr_[row], static_cast<size_t>(indptr_[row + 1] - indptr_[row])};
  }
  idx_t RowSize(idx_t row) const { return indptr_[row + 1] - indptr_[row]; }
  // True when (row, col) is stored (binary search).
  bool Contains(idx_t row, ItemIdx col) const;

  const std::vector<idx_t>& indptr() const { return indptr_; }
  const std::vector<ItemIdx>& indices() const { return indices_; }
  const std::vector<float>& weights() const { return weights_; }
  const std::vector<int64_t>& timestamps() const { return timestamps_; }

  // Columns become rows (item -> users).
  Interactions Transposed() const;
  // Keeps only entries with weight > 0 (for models that cannot use negatives).
  Interactions PositiveOnly() const;
  // Number of stored entries per column.
  std::vector<idx_t> ColumnCounts() const;
  // All entries back as triplets, row-major.
  std::vector<Interaction> ToTriplets() const;

 private:
  idx_t n_rows_ = 0;
  idx_t n_cols_ = 0;
  std::vector<idx_t> indptr_{0};
  std::vector<ItemIdx> indices_;
  std::vector<float> weights_;
  std::vector<int64_t> timestamps_;
};

}  // namespace encore
