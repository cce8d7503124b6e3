// Item-to-item neighbours from co-occurrence in users' histories (cosine over
// the binary user x item matrix): the "people who watched X also watched Y"
// candidate source, /api/similar, and "because you watched X" explanations.
#pragma once

#include <span>
#include <vector>

#include "core/interactions.h"
#include "core/status.h"
#include "retrieve/topk.h"

namespace encore {

struct NeighbourOptions {
  int max_neighbours = 50;       // kept per item
  int max_users_per_item = 500;  // the item's most recent users considered (bounds heavy items)
  int max_items_per_user = 100;  // the user's most recent items considered (bounds heavy users)
  int min_common = 1;            // pairs seen together fewer times are dropped
  int threads = 2;

  Status Validate() const;
};

class ItemNeighbours {
 public:
  ItemNeighbours() = default;
  // Builds from the positive entries of `interactions` (users x items).
  static StatusOr<ItemNeighbours> Build(const Interactions& interactions, const NeighbourOptions& options);

  idx_t n_items() const { return static_cast<idx_t>(offsets_.empty() ? 0 : offsets_.size() - 1); }
  // The neighbours of `item`, best first (empty for unknown items).
  std::span<const ScoredItem> Of(ItemIdx item) const {
    if (item < 0 || item >= n_items()) return {};
    return {entries_.data() + offsets_[item], static_cast<size_t>(offsets_[item + 1] - offsets_[item])};
  }
  // Similarity of `b` in a's list (0 when absent).
  float Similarity(ItemIdx a, ItemIdx b) const;

 private:
  std::vector<idx_t> offsets_;        // [n_items + 1]
  std::vector<ScoredItem> entries_;   // CSR of neighbour lists
};

}  // namespace encore
