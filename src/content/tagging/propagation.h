// Tag propagation over the item co-consumption graph: an item's labels are
// predicted from the labels of items that the same people watch or listen to.
//
// Graph: item-item cosine similarity of their (binary) user sets, keeping each
// item's top_k neighbours, rows normalised to sum 1 (a random walk matrix S).
// Propagation (label spreading with clamping, Zhou et al. 2004):
//   F <- alpha * S F + (1 - alpha) * Y,  then rows of known items reset to Y,
// iterated; Y holds the known items' label weights and, for unknown items, an
// optional prior (e.g. the text tagger's probabilities) or zeros.
//
// Thread-safety: pure functions; BuildCoConsumptionGraph uses ctx.threads workers.
#pragma once

#include <span>
#include <vector>

#include "core/context.h"
#include "core/interactions.h"
#include "core/status.h"

namespace encore::tagging {

// Sparse row-normalised item x item matrix (CSR).
struct ItemGraph {
  std::vector<idx_t> indptr{0};
  std::vector<ItemIdx> neighbours;
  std::vector<float> weights;
  idx_t n_items() const { return static_cast<idx_t>(indptr.size()) - 1; }
};

struct GraphOptions {
  int top_k = 50;            // neighbours kept per item
  int min_common_users = 1;  // pairs with fewer common users are not linked
  Status Validate() const;
};

// `user_items`: users x items (positive weights count as consumption).
StatusOr<ItemGraph> BuildCoConsumptionGraph(const Interactions& user_items, const GraphOptions& options,
                                            const RunContext& ctx);

struct PropagationOptions {
  double alpha = 0.8;   // share of the neighbours' labels vs the item's own prior, in [0, 1)
  int iterations = 20;  // fixed number of iterations (converges geometrically in alpha)
  Status Validate() const;
};

// seeds: [n_items, n_labels] row-major (Y); known[i]: row i is ground truth and is clamped.
// Returns F, [n_items, n_labels].
StatusOr<std::vector<float>> PropagateLabels(const ItemGraph& graph, std::span<const float> seeds, int n_labels,
                                             const std::vector<bool>& known, const PropagationOptions& options);

}  // namespace encore::tagging
