#include "core/interactions.h"

#include <algorithm>

#include "core/check.h"

namespace encore {

Interactions Interactions::FromTriplets(idx_t n_rows, idx_t n_cols,
                                        std::span<const Interaction> triplets) {
  Interactions m;
  m.n_rows_ = n_rows;
  m.n_cols_ = n_cols;
  // Counting sort by row, then sort each row by column and merge duplicates.
  std::vector<idx_t> counts(n_rows + 1, 0);
  for (const Interaction& t : triplets) {
    ENCORE_CHECK(t.user >= 0 && t.user < n_rows && t.item >= 0 && t.item < n_cols);
    ++counts[t.user + 1];
  }
  for (idx_t r = 0; r < n_rows; ++r) counts[r + 1] += counts[r];
  std::vector<Interaction> sorted(triplets.size());
  std::vector<idx_t> next(counts.begin(), counts.end() - 1);
  for (const Interaction& t : triplets) sorted[next[t.user]++] = t;

  m.indptr_.assign(n_rows + 1, 0);
  m.indices_.reserve(sorted.size());
  m.weights_.reserve(sorted.size());
  m.timestamps_.reserve(sorted.size());
  for (idx_t r = 0; r < n_rows; ++r) {
    auto begin = sorted.begin() + counts[r];
    auto end = sorted.begin() + counts[r + 1];
    std::sort(begin, end, [](const Interaction& a, const Interaction& b) { return a.item < b.item; });
    for (auto it = begin; it != end; ++it) {
      if (!m.indices_.empty() && static_cast<idx_t>(m.indices_.size()) > m.indptr_[r] &&
          m.indices_.back() == it->item) {
        m.weights_.back() += it->weight;
        m.timestamps_.back() = std::max(m.timestamps_.back(), it->timestamp);
        continue;
      }
      m.indices_.push_back(it->item);
      m.weights_.push_back(it->weight);
      m.timestamps_.push_back(it->timestamp);
    }
    m.indptr_[r + 1] = static_cast<idx_t>(m.indices_.size());
  }
  return m;
}

bool Interactions::Contains(idx_t row, ItemIdx col) const {
  auto r = Row(row);
  return std::binary_search(r.begin(), r.end(), col);
}

Interactions Interactions::Transposed() const {
  Interactions t;
  t.n_rows_ = n_cols_;
  t.n_cols_ = n_rows_;
  t.indptr_.assign(n_cols_ + 1, 0);
  for (ItemIdx c : indices_) ++t.indptr_[c + 1];
  for (idx_t c = 0; c < n_cols_; ++c) t.indptr_[c + 1] += t.indptr_[c];
  t.indices_.resize(indices_.size());
  t.weights_.resize(indices_.size());
  t.timestamps_.resize(indices_.size());
  std::vector<idx_t> next(t.indptr_.begin(), t.indptr_.end() - 1);
  // Rows are visited in ascending order, so each transposed row comes out sorted.
  for (idx_t r = 0; r < n_rows_; ++r) {
    for (idx_t k = indptr_[r]; k < indptr_[r + 1]; ++k) {
      idx_t dst = next[indices_[k]]++;
      t.indices_[dst] = static_cast<ItemIdx>(r);
      t.weights_[dst] = weights_[k];
      t.timestamps_[dst] = timestamps_[k];
    }
  }
  return t;
}

Interactions Interactions::PositiveOnly() const {
  Interactions p;
  p.n_rows_ = n_rows_;
  p.n_cols_ = n_cols_;
  p.indptr_.assign(n_rows_ + 1, 0);
  for (idx_t r = 0; r < n_rows_; ++r) {
    for (idx_t k = indptr_[r]; k < indptr_[r + 1]; ++k) {
      if (weights_[k] <= 0) continue;
      p.indices_.push_back(indices_[k]);
      p.weights_.push_back(weights_[k]);
      p.timestamps_.push_back(timestamps_[k]);
    }
    p.indptr_[r + 1] = static_cast<idx_t>(p.indices_.size());
  }
  return p;
}

std::vector<idx_t> Interactions::ColumnCounts() const {
  std::vector<idx_t> counts(n_cols_, 0);
  for (ItemIdx c : indices_) ++counts[c];
  return counts;
}

std::vector<Interaction> Interactions::ToTriplets() const {
  std::vector<Interaction> out;
  out.reserve(indices_.size());
  for (idx_t r = 0; r < n_rows_; ++r) {
    for (idx_t k = indptr_[r]; k < indptr_[r + 1]; ++k) {
      out.push_back({static_cast<UserIdx>(r), indices_[k], weights_[k], timestamps_[k]});
    }
  }
  return out;
}

}  // namespace encore
