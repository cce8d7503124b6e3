// Shared parts of the neighbourhood models (itemknn, userknn, rp3beta): a sparse
// top-N similarity matrix built in parallel, and a base class for models that
// score a user as history x item-item similarity.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "core/binary_io.h"
#include "core/parallel.h"
#include "core/status.h"
#include "core/types.h"
#include "models/recommender.h"
#include "models/user_history.h"

namespace encore {

// A plain CSR matrix of floats (rows sorted by column).
struct SparseRows {
  std::vector<idx_t> ptr{0};
  std::vector<int32_t> idx;
  std::vector<float> val;

  idx_t n_rows() const { return static_cast<idx_t>(ptr.size()) - 1; }
  std::span<const int32_t> Cols(idx_t r) const {
    return {idx.data() + ptr[r], static_cast<size_t>(ptr[r + 1] - ptr[r])};
  }
  std::span<const float> Vals(idx_t r) const {
    return {val.data() + ptr[r], static_cast<size_t>(ptr[r + 1] - ptr[r])};
  }
  // Value at (r, c), 0 when absent (binary search).
  float At(idx_t r, int32_t c) const;
  // The transpose, n_cols columns.
  SparseRows Transposed(idx_t n_cols) const;
  void Save(BinaryWriter& out) const;
  Status Load(BinaryReader& in, idx_t n_rows, idx_t n_cols);
};

// The training rows (users x items) as SparseRows.
SparseRows RowsFromHistory(const UserHistory& history);

// For every row a of `left` ([n, m]) computes dot(a, b) = sum_k left[a, k] * right[k, b]
// against every b reachable through `right` ([m, n]), maps it through
// value = finalize(a, b, dot), and keeps the `neighbours` largest positive values
// with b != a. Rows are built in parallel, each worker with its own dense
// accumulator and touched list. Output rows are sorted by column.
template <typename Finalize>
Status BuildTopNSimilarity(const SparseRows& left, const SparseRows& right, idx_t n, int neighbours, int threads,
                           const Finalize& finalize, SparseRows* out) {
  threads = std::max(1, threads);
  std::vector<std::vector<std::pair<int32_t, float>>> rows(n);
  struct Scratch {
    std::vector<float> acc;
    std::vector<int32_t> touched;
    std::vector<std::pair<float, int32_t>> heap;
  };
  std::vector<Scratch> scratch(threads);
  for (Scratch& s : scratch) s.acc.assign(n, 0.0f);
  ENCORE_RETURN_IF_ERROR(ParallelFor(n, threads, [&](idx_t begin, idx_t end, int worker) {
    Scratch& s = scratch[worker];
    for (idx_t a = begin; a < end; ++a) {
      auto mids = left.Cols(a);
      auto mid_vals = left.Vals(a);
      for (size_t m = 0; m < mids.size(); ++m) {
        auto targets = right.Cols(mids[m]);
        auto target_vals = right.Vals(mids[m]);
        const float v = mid_vals[m];
        for (size_t t = 0; t < targets.size(); ++t) {
          float& slot = s.acc[targets[t]];
          if (slot == 0.0f) s.touched.push_back(targets[t]);
          slot += v * target_vals[t];
        }
      }
      // Bounded min-heap of the best `neighbours` (value, column).
      s.heap.clear();
      auto greater = [](const std::pair<float, int32_t>& x, const std::pair<float, int32_t>& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
      };
      for (int32_t b : s.touched) {
        const float dot = s.acc[b];
        s.acc[b] = 0.0f;
        if (b == a || dot == 0.0f) continue;
        const float value = finalize(a, b, dot);
        if (!(value > 0.0f)) continue;
        if (static_cast<int>(s.heap.size()) < neighbours) {
          s.heap.emplace_back(value, b);
          std::push_heap(s.heap.begin(), s.heap.end(), greater);
        } else if (greater({value, b}, s.heap.front())) {
          std::pop_heap(s.heap.begin(), s.heap.end(), greater);
          s.heap.back() = {value, b};
          std::push_heap(s.heap.begin(), s.heap.end(), greater);
        }
      }
      s.touched.clear();
      auto& row = rows[a];
      row.reserve(s.heap.size());
      for (const auto& [value, b] : s.heap) row.emplace_back(b, value);
      std::sort(row.begin(), row.end());
    }
    return Status::Ok();
  }));
  out->ptr.assign(n + 1, 0);
  out->idx.clear();
  out->val.clear();
  for (idx_t a = 0; a < n; ++a) {
    for (const auto& [b, value] : rows[a]) {
      out->idx.push_back(b);
      out->val.push_back(value);
    }
    out->ptr[a + 1] = static_cast<idx_t>(out->idx.size());
    std::vector<std::pair<int32_t, float>>().swap(rows[a]);
  }
  return Status::Ok();
}

// A model whose scores are x_u S for an item-item matrix S (row i: the items
// that history item i recommends, with weights). Subclasses build S in Fit.
class ItemSimilarityModel : public Recommender {
 public:
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  // The history items i with x_ui S(i, item) > 0, largest first.
  Status Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const override;
  idx_t n_users() const override { return history_.n_users(); }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  const SparseRows& similarity() const { return similarity_; }

 protected:
  // Whether histories count every item as 1 (ScoreHistory follows the same rule).
  virtual bool binary() const = 0;
  void ScoreRow(std::span<const ItemIdx> items, std::span<const float> values, std::span<float> scores) const;

  idx_t n_items_ = 0;
  UserHistory history_;
  SparseRows similarity_;  // [items, items]
};

}  // namespace encore
