#include "rank/neighbours.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/parallel.h"

namespace encore {

Status NeighbourOptions::Validate() const {
  if (max_neighbours < 1 || max_neighbours > 10000) return InvalidArgument("neighbours: max_neighbours must be in [1, 10000]");
  if (max_users_per_item < 1) return InvalidArgument("neighbours: max_users_per_item must be >= 1");
  if (max_items_per_user < 1) return InvalidArgument("neighbours: max_items_per_user must be >= 1");
  if (min_common < 1) return InvalidArgument("neighbours: min_common must be >= 1");
  if (threads < 1) return InvalidArgument("neighbours: threads must be >= 1");
  return Status::Ok();
}

namespace {

// Keeps each row's `cap` most recent entries (by timestamp) as a binary matrix.
Interactions RecentBinary(const Interactions& m, int cap) {
  std::vector<Interaction> kept;
  kept.reserve(static_cast<size_t>(m.nnz()));
  std::vector<idx_t> order;
  for (idx_t row = 0; row < m.n_rows(); ++row) {
    auto cols = m.Row(row);
    auto weights = m.RowWeights(row);
    auto times = m.RowTimestamps(row);
    order.clear();
    for (size_t k = 0; k < cols.size(); ++k) {
      if (weights[k] > 0) order.push_back(static_cast<idx_t>(k));
    }
    if (static_cast<idx_t>(order.size()) > cap) {
      std::nth_element(order.begin(), order.begin() + cap, order.end(),
                       [&](idx_t a, idx_t b) { return times[a] > times[b]; });
      order.resize(static_cast<size_t>(cap));
    }
    for (idx_t k : order) kept.push_back({static_cast<UserIdx>(row), cols[k], 1.0f, times[k]});
  }
  return Interactions::FromTriplets(m.n_rows(), m.n_cols(), kept);
}

}  // namespace

StatusOr<ItemNeighbours> ItemNeighbours::Build(const Interactions& interactions, const NeighbourOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  const Interactions by_user = RecentBinary(interactions, options.max_items_per_user);
  const Interactions by_item = RecentBinary(by_user.Transposed(), options.max_users_per_item);
  const idx_t n_items = by_user.n_items();
  std::vector<idx_t> counts = by_user.ColumnCounts();  // users per item (after the user cap)

  std::vector<std::vector<ScoredItem>> lists(static_cast<size_t>(n_items));
  struct Scratch {
    std::vector<float> co;          // [n_items] co-occurrence counts
    std::vector<ItemIdx> touched;
  };
  std::vector<Scratch> scratch(static_cast<size_t>(options.threads));
  ENCORE_RETURN_IF_ERROR(ParallelFor(n_items, options.threads, [&](idx_t begin, idx_t end, int worker) {
    Scratch& s = scratch[static_cast<size_t>(worker)];
    if (s.co.empty()) s.co.assign(static_cast<size_t>(n_items), 0.0f);
    std::vector<float> row_scores;
    for (idx_t item_idx = begin; item_idx < end; ++item_idx) {
      s.touched.clear();
      for (ItemIdx user : by_item.Row(item_idx)) {
        for (ItemIdx other : by_user.Row(user)) {
          if (other == item_idx) continue;
          if (s.co[other] == 0.0f) s.touched.push_back(other);
          s.co[other] += 1.0f;
        }
      }
      std::vector<ScoredItem>& out = lists[static_cast<size_t>(item_idx)];
      for (ItemIdx other : s.touched) {
        const float common = s.co[other];
        s.co[other] = 0.0f;
        if (common < static_cast<float>(options.min_common)) continue;
        const double denom = std::sqrt(static_cast<double>(counts[item_idx]) * static_cast<double>(counts[other]));
        if (denom <= 0) continue;
        out.push_back({other, static_cast<float>(common / denom)});
      }
      auto better = [](const ScoredItem& a, const ScoredItem& b) {
        return a.score != b.score ? a.score > b.score : a.item < b.item;
      };
      if (static_cast<int>(out.size()) > options.max_neighbours) {
        std::partial_sort(out.begin(), out.begin() + options.max_neighbours, out.end(), better);
        out.resize(static_cast<size_t>(options.max_neighbours));
      } else {
        std::sort(out.begin(), out.end(), better);
      }
    }
    return Status::Ok();
  }));

  ItemNeighbours result;
  result.offsets_.assign(static_cast<size_t>(n_items) + 1, 0);
  for (idx_t item_idx = 0; item_idx < n_items; ++item_idx) {
    result.offsets_[item_idx + 1] = result.offsets_[item_idx] + static_cast<idx_t>(lists[item_idx].size());
  }
  result.entries_.reserve(static_cast<size_t>(result.offsets_.back()));
  for (auto& list : lists) result.entries_.insert(result.entries_.end(), list.begin(), list.end());
  return result;
}

float ItemNeighbours::Similarity(ItemIdx a, ItemIdx b) const {
  for (const ScoredItem& s : Of(a)) {
    if (s.item == b) return s.score;
  }
  return 0.0f;
}

}  // namespace encore
