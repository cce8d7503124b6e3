// Exact top-k selection over a dense score array: the reference every ANN index
// is tested against. Uses a bounded min-heap (O(n log k)), not a full sort.
#pragma once

#include <span>
#include <vector>

#include "core/types.h"

namespace encore {

struct ScoredItem {
  ItemIdx item = kNoItem;
  float score = 0;
};

// The k highest-scoring indices of `scores`, best first; ties broken by lower
// index. Indices with excluded[i] == true (when `excluded` is non-empty) and
// non-finite scores are skipped. Returns fewer than k when fewer remain.
std::vector<ScoredItem> TopK(std::span<const float> scores, idx_t k,
                             std::span<const bool> excluded = {});

// Same, but skipping the sorted index list `exclude_sorted` (e.g. a CSR row).
std::vector<ScoredItem> TopKExcluding(std::span<const float> scores, idx_t k,
                                      std::span<const ItemIdx> exclude_sorted);

}  // namespace encore
