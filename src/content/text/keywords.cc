#include "content/text/keywords.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace encore::text {
namespace {

std::vector<Keyword> TopKeywords(std::vector<Keyword> all, int k) {
  std::sort(all.begin(), all.end(), [](const Keyword& a, const Keyword& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (k >= 0 && all.size() > static_cast<size_t>(k)) all.resize(k);
  return all;
}

}  // namespace

std::vector<Keyword> TfIdfKeywords(std::span<const std::string> tokens, const TextIndex& corpus, int k) {
  const SparseVector v = corpus.TfIdf(tokens);
  std::vector<Keyword> all;
  for (size_t i = 0; i < v.ids.size(); ++i) all.emplace_back(corpus.Term(v.ids[i]), v.values[i]);
  return TopKeywords(std::move(all), k);
}

std::vector<double> WeightedPageRank(const std::vector<std::vector<std::pair<int, double>>>& neighbours,
                                     const TextRankOptions& options) {
  const size_t n = neighbours.size();
  std::vector<double> rank(n, 1.0), next(n);
  std::vector<double> out_weight(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (const auto& [j, w] : neighbours[i]) out_weight[i] += w;
  }
  for (int iter = 0; iter < options.iterations; ++iter) {
    std::fill(next.begin(), next.end(), 1.0 - options.damping);
    for (size_t i = 0; i < n; ++i) {
      if (out_weight[i] <= 0) continue;
      const double share = options.damping * rank[i] / out_weight[i];
      for (const auto& [j, w] : neighbours[i]) next[j] += share * w;
    }
    double change = 0;
    for (size_t i = 0; i < n; ++i) change += std::fabs(next[i] - rank[i]);
    rank.swap(next);
    if (change < options.tolerance) break;
  }
  return rank;
}

std::vector<Keyword> TextRankKeywords(std::span<const std::string> tokens, int k, const TextRankOptions& options) {
  std::unordered_map<std::string, int> node_of;
  std::vector<std::string> nodes;
  std::vector<int> sequence;
  sequence.reserve(tokens.size());
  for (const std::string& t : tokens) {
    auto [it, inserted] = node_of.try_emplace(t, static_cast<int>(nodes.size()));
    if (inserted) nodes.push_back(t);
    sequence.push_back(it->second);
  }
  std::vector<std::map<int, double>> edges(nodes.size());
  for (size_t i = 0; i < sequence.size(); ++i) {
    for (size_t j = i + 1; j < sequence.size() && j < i + static_cast<size_t>(options.window); ++j) {
      if (sequence[i] == sequence[j]) continue;
      edges[sequence[i]][sequence[j]] += 1;
      edges[sequence[j]][sequence[i]] += 1;
    }
  }
  std::vector<std::vector<std::pair<int, double>>> neighbours(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) neighbours[i].assign(edges[i].begin(), edges[i].end());
  const std::vector<double> rank = WeightedPageRank(neighbours, options);
  std::vector<Keyword> all;
  for (size_t i = 0; i < nodes.size(); ++i) all.emplace_back(nodes[i], static_cast<float>(rank[i]));
  return TopKeywords(std::move(all), k);
}

}  // namespace encore::text
