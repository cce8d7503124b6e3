#include "rank/rerank.h"

#include <algorithm>

namespace encore {

std::vector<Candidate> MmrRerank(const std::vector<Candidate>& candidates, const Catalog& catalog, idx_t n,
                                 float lambda) {
  n = std::min<idx_t>(n, static_cast<idx_t>(candidates.size()));
  if (n <= 0) return {};
  if (lambda >= 1.0f) return {candidates.begin(), candidates.begin() + n};
  float lo = candidates.front().score, hi = lo;
  for (const Candidate& c : candidates) {
    lo = std::min(lo, c.score);
    hi = std::max(hi, c.score);
  }
  const float range = hi > lo ? hi - lo : 1.0f;
  const size_t pool = candidates.size();
  std::vector<float> max_sim(pool, 0.0f);
  std::vector<char> taken(pool, 0);
  std::vector<Candidate> out;
  out.reserve(static_cast<size_t>(n));
  // Incremental MMR: after each pick only the similarity to the new item is
  // computed, so the cost is pool * n feature comparisons.
  while (static_cast<idx_t>(out.size()) < n) {
    size_t best = pool;
    float best_value = 0;
    for (size_t i = 0; i < pool; ++i) {
      if (taken[i]) continue;
      const float relevance = (candidates[i].score - lo) / range;
      const float value = lambda * relevance - (1.0f - lambda) * max_sim[i];
      if (best == pool || value > best_value) {
        best = i;
        best_value = value;
      }
    }
    taken[best] = 1;
    out.push_back(candidates[best]);
    const auto& picked = catalog.at(candidates[best].item).features;
    for (size_t i = 0; i < pool; ++i) {
      if (taken[i]) continue;
      max_sim[i] = std::max(max_sim[i], FeatureSimilarity(catalog.at(candidates[i].item).features, picked));
    }
  }
  return out;
}

}  // namespace encore
