// Candidate sources and their fusion: each source proposes a ranked list; the
// lists are merged, deduplicated by item, and fused into one score.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "models/recommender.h"
#include "rank/catalog.h"
#include "rank/neighbours.h"
#include "retrieve/topk.h"
#include "retrieve/vector_index.h"

namespace encore {

// Pinned values: printed in responses as names, used as bit positions.
enum class Source : int { kCf = 0, kNeighbours = 1, kPopular = 2, kFresh = 3, kContent = 4 };
inline constexpr int kNumSources = 5;
std::string_view SourceName(Source source);

// One source's proposals, best first.
struct SourceList {
  Source source = Source::kCf;
  std::vector<ScoredItem> items;
};

struct Candidate {
  ItemIdx item = kNoItem;
  float score = 0;                             // fused
  uint32_t sources = 0;                        // bit (1 << Source) per source that proposed it
  std::array<float, kNumSources> source_score{};  // each source's own score (0 when absent)
  bool From(Source s) const { return (sources >> static_cast<int>(s)) & 1u; }
};

// Reciprocal rank fusion (Cormack et al., SIGIR 2009), weighted per source:
// score = sum over sources of weight / (rrf_k + rank), rank from 1. Robust to
// sources whose raw scores live on unrelated scales.
struct FusionOptions {
  std::array<float, kNumSources> weights = {1.0f, 0.6f, 0.15f, 0.05f, 0.3f};  // by Source
  float rrf_k = 20.0f;  // smaller = the top of each list matters more

  Status Validate() const;
};

// Merges the lists (an item proposed by several sources appears once), fuses
// the scores and returns candidates best first (ties by lower index).
std::vector<Candidate> MergeAndFuse(std::span<const SourceList> lists, const FusionOptions& options);

// What the CF source needs to score one user.
struct CfQuery {
  const Recommender* model = nullptr;
  UserIdx model_user = kNoUser;          // a training user of the model, or kNoUser
  std::span<const ItemIdx> history;      // time order (for ScoreHistory / fold-in)
  std::span<const float> weights;        // same length as history
  const VectorIndex* index = nullptr;    // optional: retrieve via item vectors instead of a full scan
};

// The model's top-k items for the user, skipping `excluded`. Uses ScoreAll for
// a training user, else ScoreHistory (fold-in) when the history is non-empty;
// with an index, the user's vector is searched instead. Unimplemented when the
// model cannot score this user (callers fall back to other sources).
StatusOr<std::vector<ScoredItem>> CfCandidates(const CfQuery& query, idx_t k, std::span<const bool> excluded);

// Neighbours of the `recent` latest history items, each weighted by the history
// item's weight (negative feedback ignored) and a mild recency decay.
std::vector<ScoredItem> NeighbourCandidates(const ItemNeighbours& neighbours, std::span<const ItemIdx> history,
                                            std::span<const float> weights, idx_t k,
                                            std::span<const bool> excluded, int recent = 20);

// Items sharing genres/tags with the `recent` latest history items (full
// catalogue scan: for cold starts, where no other personal source answers).
std::vector<ScoredItem> ContentCandidates(const Catalog& catalog, std::span<const ItemIdx> history, idx_t k,
                                          std::span<const bool> excluded, int recent = 5);

// The first k entries of a precomputed list (popular, fresh) that are not excluded.
std::vector<ScoredItem> FilterList(std::span<const ScoredItem> list, idx_t k, std::span<const bool> excluded);

}  // namespace encore
