// The recommendation pipeline for one request:
//   sources (CF, item neighbours, popular, fresh; content for cold starts)
//   -> merge + dedupe -> score fusion -> MMR diversity -> offset/n -> explanations.
// Business filters and the no-repeat rule act before retrieval (as an
// exclusion mask) so that filtered requests still fill their n slots.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "models/recommender.h"
#include "rank/candidates.h"
#include "rank/catalog.h"
#include "rank/explain.h"
#include "rank/neighbours.h"
#include "retrieve/vector_index.h"

namespace encore {

struct RecommendRequest {
  idx_t n = 10;                  // items to return
  idx_t offset = 0;              // skip this many (paging)
  ItemFilter filter;             // kinds, genres, languages, exclude
  bool include_consumed = false; // allow items already in the history
  bool explain = false;          // attach explanations
  float diversity = 0.2f;        // MMR: 0 = pure relevance, 1 = pure novelty
};

// One user's state as the pipeline sees it.
struct UserView {
  const Recommender* model = nullptr;   // optional
  UserIdx model_user = kNoUser;         // training row of `model`, or kNoUser (fold in `history`)
  const VectorIndex* index = nullptr;   // optional, over the model's item vectors
  std::span<const ItemIdx> history;     // time order
  std::span<const float> weights;       // same length
  std::span<const ItemIdx> served;      // written-back impressions: never repeated
};

// Shared, precomputed inputs.
struct RankContext {
  const Catalog* catalog = nullptr;
  const ItemNeighbours* neighbours = nullptr;   // optional
  std::span<const ScoredItem> popular;          // best first
  std::span<const ScoredItem> fresh;            // newest first
  FusionOptions fusion;
};

struct RankedItem {
  ItemIdx item = kNoItem;
  float score = 0;
  uint32_t sources = 0;
  std::optional<Explanation> explanation;
};

struct RecommendResult {
  std::vector<RankedItem> items;
  bool fallback = false;   // no personal source answered: popular/fresh only
  bool personal_cf = false;  // the model scored this user
};

StatusOr<RecommendResult> Recommend(const RankContext& ctx, const UserView& user, const RecommendRequest& request);

// Items like `item`: co-occurrence neighbours, then (given the model's item
// vectors [n_model_items, index->dim()] and an index over them) the items
// with the largest inner product with its vector, then shared genres/tags.
StatusOr<std::vector<ScoredItem>> SimilarItems(const RankContext& ctx, std::span<const float> item_vectors,
                                               const VectorIndex* index, ItemIdx item, idx_t n,
                                               const ItemFilter& filter);

}  // namespace encore
