#include "rank/candidates.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace encore {

std::string_view SourceName(Source source) {
  switch (source) {
    case Source::kCf: return "cf";
    case Source::kNeighbours: return "neighbours";
    case Source::kPopular: return "popular";
    case Source::kFresh: return "fresh";
    case Source::kContent: return "content";
  }
  return "unknown";
}

Status FusionOptions::Validate() const {
  for (float w : weights) {
    if (!(w >= 0) || !std::isfinite(w)) return InvalidArgument("fusion: source weights must be finite and >= 0");
  }
  if (!(rrf_k >= 0) || !std::isfinite(rrf_k)) return InvalidArgument("fusion: rrf_k must be finite and >= 0");
  return Status::Ok();
}

std::vector<Candidate> MergeAndFuse(std::span<const SourceList> lists, const FusionOptions& options) {
  std::vector<Candidate> out;
  std::unordered_map<ItemIdx, size_t> position;
  size_t total = 0;
  for (const SourceList& list : lists) total += list.items.size();
  out.reserve(total);
  position.reserve(total);
  for (const SourceList& list : lists) {
    const int s = static_cast<int>(list.source);
    const float weight = options.weights[static_cast<size_t>(s)];
    for (size_t rank = 0; rank < list.items.size(); ++rank) {
      const ScoredItem& si = list.items[rank];
      auto [it, inserted] = position.try_emplace(si.item, out.size());
      if (inserted) out.push_back(Candidate{si.item, 0.0f, 0u, {}});
      Candidate& c = out[it->second];
      if (c.From(list.source)) continue;  // a source listing an item twice counts once
      c.sources |= 1u << s;
      c.source_score[static_cast<size_t>(s)] = si.score;
      c.score += weight / (options.rrf_k + static_cast<float>(rank + 1));
    }
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  return out;
}

StatusOr<std::vector<ScoredItem>> CfCandidates(const CfQuery& query, idx_t k, std::span<const bool> excluded) {
  const Recommender& model = *query.model;
  const bool trained_user = query.model_user >= 0 && query.model_user < model.n_users();
  // Items added to the catalogue after training are unknown to the model.
  thread_local std::vector<ItemIdx> history;
  thread_local std::vector<float> weights;
  history.clear();
  weights.clear();
  for (size_t pos = 0; pos < query.history.size(); ++pos) {
    if (query.history[pos] >= 0 && query.history[pos] < model.n_items()) {
      history.push_back(query.history[pos]);
      weights.push_back(query.weights.empty() ? 1.0f : query.weights[pos]);
    }
  }
  if (!trained_user && history.empty()) {
    return Unimplemented("no training row and no history to fold in");
  }
  if (query.index != nullptr) {
    thread_local std::vector<float> user_vector;
    Status s = model.UserVector(trained_user ? query.model_user : kNoUser, history, weights, &user_vector);
    if (s.ok()) return query.index->Search(user_vector, k, excluded);
    if (s.code() != StatusCode::kUnimplemented) return s;
  }
  // Per-thread scratch: serving threads score many requests.
  thread_local std::vector<float> scores;  // scores: [n_items]
  scores.resize(static_cast<size_t>(model.n_items()));
  if (trained_user) {
    ENCORE_RETURN_IF_ERROR(model.ScoreAll(query.model_user, scores));
  } else {
    ENCORE_RETURN_IF_ERROR(model.ScoreHistory(history, weights, scores));
  }
  return TopK(scores, k, excluded);
}

std::vector<ScoredItem> NeighbourCandidates(const ItemNeighbours& neighbours, std::span<const ItemIdx> history,
                                            std::span<const float> weights, idx_t k,
                                            std::span<const bool> excluded, int recent) {
  std::unordered_map<ItemIdx, float> acc;
  const size_t n = history.size();
  const size_t first = n > static_cast<size_t>(recent) ? n - static_cast<size_t>(recent) : 0;
  for (size_t pos = first; pos < n; ++pos) {
    const float w = weights.empty() ? 1.0f : weights[pos];
    if (w <= 0) continue;
    // Newest history item counts fully, the oldest considered about half.
    const float recency = 1.0f - 0.5f * static_cast<float>(n - 1 - pos) / static_cast<float>(std::max<size_t>(1, n - first));
    const float scale = std::min(w, 5.0f) * recency;
    for (const ScoredItem& nb : neighbours.Of(history[pos])) {
      if (static_cast<size_t>(nb.item) < excluded.size() && excluded[nb.item]) continue;
      acc[nb.item] += scale * nb.score;
    }
  }
  std::vector<ScoredItem> out;
  out.reserve(acc.size());
  for (const auto& [item, score] : acc) out.push_back({item, score});
  auto better = [](const ScoredItem& a, const ScoredItem& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  };
  if (static_cast<idx_t>(out.size()) > k) {
    std::partial_sort(out.begin(), out.begin() + k, out.end(), better);
    out.resize(static_cast<size_t>(k));
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

std::vector<ScoredItem> ContentCandidates(const Catalog& catalog, std::span<const ItemIdx> history, idx_t k,
                                          std::span<const bool> excluded, int recent) {
  std::vector<ItemIdx> seeds;
  for (size_t pos = history.size(); pos-- > 0 && static_cast<int>(seeds.size()) < recent;) {
    if (catalog.Live(history[pos]) && !catalog.at(history[pos]).features.empty()) seeds.push_back(history[pos]);
  }
  if (seeds.empty() || k <= 0) return {};
  std::vector<float> scores(static_cast<size_t>(catalog.size()), -INFINITY);  // scores: [n_items]
  for (ItemIdx item_idx = 0; item_idx < catalog.size(); ++item_idx) {
    const auto& features = catalog.at(item_idx).features;
    if (features.empty() || catalog.at(item_idx).deleted) continue;
    float sum = 0;
    for (ItemIdx seed : seeds) sum += FeatureSimilarity(features, catalog.at(seed).features);
    if (sum > 0) scores[item_idx] = sum / static_cast<float>(seeds.size());
  }
  return TopK(scores, k, excluded);
}

std::vector<ScoredItem> FilterList(std::span<const ScoredItem> list, idx_t k, std::span<const bool> excluded) {
  std::vector<ScoredItem> out;
  for (const ScoredItem& s : list) {
    if (static_cast<idx_t>(out.size()) >= k) break;
    if (static_cast<size_t>(s.item) < excluded.size() && excluded[s.item]) continue;
    out.push_back(s);
  }
  return out;
}

}  // namespace encore
