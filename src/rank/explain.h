// Explanations of a recommendation for people: "because you watched X" from the
// model's own attribution (Recommender::Explain) where it has one, else from
// item-to-item neighbours of the history, else shared genres/tags with history
// items, else the source (popular, new).
#pragma once

#include <string>
#include <vector>

#include "models/recommender.h"
#include "rank/candidates.h"
#include "rank/catalog.h"
#include "rank/neighbours.h"

namespace encore {

struct Explanation {
  std::string reason;                 // "model", "neighbours", "shared_tags", "popular", "fresh", "relevant"
  std::vector<ItemIdx> because;       // history items that led to it, most important first
  std::vector<std::string> shared;    // genres/tags shared with `because` (display names)
  std::string text;                   // one sentence for people
};

struct ExplainContext {
  const Catalog* catalog = nullptr;
  const Recommender* model = nullptr;      // optional
  UserIdx model_user = kNoUser;            // training user of `model`, or kNoUser
  const ItemNeighbours* neighbours = nullptr;  // optional
  std::span<const ItemIdx> history;        // time order
  std::span<const float> weights;          // same length as history
};

Explanation ExplainItem(const ExplainContext& ctx, ItemIdx item, uint32_t sources);

}  // namespace encore
