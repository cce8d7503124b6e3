// Re-ranking: maximal marginal relevance (Carbonell & Goldstein, SIGIR 1998)
// over genre/tag similarity, so a list is not ten items of one genre.
#pragma once

#include <vector>

#include "rank/candidates.h"
#include "rank/catalog.h"

namespace encore {

// Greedily picks `n` of `candidates` (best first by score), each time the one
// maximising  lambda * relevance - (1 - lambda) * max similarity to those
// already picked, with relevance min-max normalised over the pool and
// similarity the Jaccard of genre/tag features. lambda = 1 keeps the order.
// REQUIRES: 0 <= lambda <= 1.
std::vector<Candidate> MmrRerank(const std::vector<Candidate>& candidates, const Catalog& catalog, idx_t n,
                                 float lambda);

}  // namespace encore
