#include "retrieve/topk.h"

#include <algorithm>
#include <cmath>
#include <queue>

namespace encore {
namespace {

// "a is better than b": higher score, then lower index.
inline bool Better(const ScoredItem& a, const ScoredItem& b) {
  return a.score != b.score ? a.score > b.score : a.item < b.item;
}

template <typename SkipFn>
std::vector<ScoredItem> Select(std::span<const float> scores, idx_t k, SkipFn skip) {
  std::vector<ScoredItem> heap;  // min-heap by Better: heap.front() is the worst kept
  if (k <= 0) return heap;
  heap.reserve(static_cast<size_t>(std::min<idx_t>(k, static_cast<idx_t>(scores.size()))));
  auto cmp = [](const ScoredItem& a, const ScoredItem& b) { return Better(a, b); };
  for (size_t i = 0; i < scores.size(); ++i) {
    float s = scores[i];
    if (!std::isfinite(s) || skip(i)) continue;
    ScoredItem cand{static_cast<ItemIdx>(i), s};
    if (static_cast<idx_t>(heap.size()) < k) {
      heap.push_back(cand);
      std::push_heap(heap.begin(), heap.end(), cmp);
    } else if (Better(cand, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), cmp);
      heap.back() = cand;
      std::push_heap(heap.begin(), heap.end(), cmp);
    }
  }
  std::sort(heap.begin(), heap.end(), cmp);
  return heap;
}

}  // namespace

std::vector<ScoredItem> TopK(std::span<const float> scores, idx_t k, std::span<const bool> excluded) {
  if (excluded.empty()) return Select(scores, k, [](size_t) { return false; });
  return Select(scores, k, [&](size_t i) { return i < excluded.size() && excluded[i]; });
}

std::vector<ScoredItem> TopKExcluding(std::span<const float> scores, idx_t k,
                                      std::span<const ItemIdx> exclude_sorted) {
  size_t pos = 0;
  return Select(scores, k, [&](size_t i) {
    while (pos < exclude_sorted.size() && static_cast<size_t>(exclude_sorted[pos]) < i) ++pos;
    return pos < exclude_sorted.size() && static_cast<size_t>(exclude_sorted[pos]) == i;
  });
}

}  // namespace encore
