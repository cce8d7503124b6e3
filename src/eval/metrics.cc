#include "eval/metrics.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace encore {
namespace {

const MetricInfo kMetrics[] = {
    {MetricKind::kPrecision, "precision", true, true, "hits in the top K / K"},
    {MetricKind::kRecall, "recall", true, true, "hits in the top K / number of held-out items"},
    {MetricKind::kF1, "f1", true, true, "harmonic mean of precision@K and recall@K (per user)"},
    {MetricKind::kHitRate, "hit", true, true, "1 when the top K holds at least one held-out item"},
    {MetricKind::kNdcg, "ndcg", true, true, "binary-gain NDCG, ideal DCG over min(|T|, K)"},
    {MetricKind::kMap, "map", true, true, "average precision, / min(|T|, K) (RecBole, MS Recs map_at_k)"},
    {MetricKind::kMapMsr, "map-msr", true, true, "average precision, / |T| (MS Recs map, README tables)"},
    {MetricKind::kMrr, "mrr", true, true, "1 / rank of the first hit within K"},
    {MetricKind::kAuc, "auc", false, true, "per-user AUC over all candidate items"},
    {MetricKind::kCoverage, "coverage", true, false, "share of the catalogue recommended to someone"},
    {MetricKind::kGini, "gini", true, false, "Gini index of recommendation exposure over the catalogue"},
    {MetricKind::kNovelty, "novelty", true, true, "mean self-information -log2(popularity share)"},
    {MetricKind::kLongTail, "longtail", true, true, "share of recommended items outside the top-20% popular"},
    {MetricKind::kIld, "ild", true, true, "intra-list diversity: Jaccard distance of genres+tags"},
    {MetricKind::kIldEmbedding, "ild-emb", true, true, "intra-list diversity: cosine distance of embeddings"},
};

bool Contains(std::span<const ItemIdx> sorted, ItemIdx item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}

}  // namespace

std::span<const MetricInfo> MetricRegistry() { return kMetrics; }

const MetricInfo& GetMetricInfo(MetricKind kind) {
  for (const MetricInfo& m : kMetrics) {
    if (m.kind == kind) return m;
  }
  ENCORE_CHECK(false);
  return kMetrics[0];
}

std::string MetricSpec::Name() const {
  const MetricInfo& info = GetMetricInfo(kind);
  return info.needs_k ? std::string(info.name) + "@" + std::to_string(k) : std::string(info.name);
}

StatusOr<MetricSpec> ParseMetric(const std::string& text) {
  const auto at = text.find('@');
  const std::string base = text.substr(0, at);
  for (const MetricInfo& m : kMetrics) {
    if (base != m.name) continue;
    MetricSpec spec;
    spec.kind = m.kind;
    if (!m.needs_k) {
      if (at != std::string::npos) return InvalidArgument("metric '" + base + "' takes no @K (got '" + text + "')");
      return spec;
    }
    if (at == std::string::npos) return InvalidArgument("metric '" + text + "' needs a cut-off, e.g. " + base + "@10");
    const std::string k_text = text.substr(at + 1);
    char* end = nullptr;
    errno = 0;
    long k = std::strtol(k_text.c_str(), &end, 10);
    if (k_text.empty() || *end != '\0' || errno == ERANGE || k <= 0 || k > 100000) {
      return InvalidArgument("metric '" + text + "': K must be an integer in [1, 100000]");
    }
    spec.k = static_cast<int>(k);
    return spec;
  }
  std::string known;
  for (const MetricInfo& m : kMetrics) known += (known.empty() ? "" : ", ") + std::string(m.name) + (m.needs_k ? "@K" : "");
  return InvalidArgument("unknown metric '" + text + "' (known metrics: " + known + ")");
}

UserAccuracy AccuracyAtK(std::span<const ItemIdx> ranked, std::span<const ItemIdx> relevant_sorted, int k) {
  UserAccuracy out;
  const idx_t n_rel = static_cast<idx_t>(relevant_sorted.size());
  if (n_rel == 0 || k <= 0) return out;
  const idx_t depth = std::min<idx_t>(k, static_cast<idx_t>(ranked.size()));
  idx_t hits = 0;
  double dcg = 0, sum_precision = 0;
  for (idx_t pos = 0; pos < depth; ++pos) {
    if (!Contains(relevant_sorted, ranked[pos])) continue;
    ++hits;
    dcg += 1.0 / std::log2(static_cast<double>(pos) + 2.0);
    sum_precision += static_cast<double>(hits) / static_cast<double>(pos + 1);
    if (hits == 1) out.mrr = 1.0 / static_cast<double>(pos + 1);
  }
  double idcg = 0;
  const idx_t ideal = std::min<idx_t>(n_rel, k);
  for (idx_t pos = 0; pos < ideal; ++pos) idcg += 1.0 / std::log2(static_cast<double>(pos) + 2.0);
  out.precision = static_cast<double>(hits) / static_cast<double>(k);
  out.recall = static_cast<double>(hits) / static_cast<double>(n_rel);
  out.f1 = hits > 0 ? 2 * out.precision * out.recall / (out.precision + out.recall) : 0.0;
  out.hit = hits > 0 ? 1.0 : 0.0;
  out.ndcg = dcg / idcg;
  out.map = sum_precision / static_cast<double>(ideal);
  out.map_msr = sum_precision / static_cast<double>(n_rel);
  return out;
}

double AccuracyMetric(MetricKind kind, const UserAccuracy& v) {
  switch (kind) {
    case MetricKind::kPrecision: return v.precision;
    case MetricKind::kRecall: return v.recall;
    case MetricKind::kF1: return v.f1;
    case MetricKind::kHitRate: return v.hit;
    case MetricKind::kNdcg: return v.ndcg;
    case MetricKind::kMap: return v.map;
    case MetricKind::kMapMsr: return v.map_msr;
    case MetricKind::kMrr: return v.mrr;
    default: ENCORE_CHECK(false); return 0;
  }
}

double UserAuc(std::span<const float> scores, std::span<const ItemIdx> relevant_sorted) {
  std::vector<float> pos;
  pos.reserve(relevant_sorted.size());
  for (ItemIdx item : relevant_sorted) {
    if (item >= 0 && static_cast<size_t>(item) < scores.size() && !std::isnan(scores[item])) {
      pos.push_back(scores[item]);
    }
  }
  if (pos.empty()) return 0.5;
  std::sort(pos.begin(), pos.end());
  double correct = 0;
  idx_t n_neg = 0;
  size_t next_rel = 0;
  for (size_t item = 0; item < scores.size(); ++item) {
    while (next_rel < relevant_sorted.size() && static_cast<size_t>(relevant_sorted[next_rel]) < item) ++next_rel;
    if (next_rel < relevant_sorted.size() && static_cast<size_t>(relevant_sorted[next_rel]) == item) continue;
    const float s = scores[item];
    if (std::isnan(s)) continue;
    ++n_neg;
    auto lo = std::lower_bound(pos.begin(), pos.end(), s);
    auto hi = std::upper_bound(lo, pos.end(), s);
    correct += static_cast<double>(pos.end() - hi) + 0.5 * static_cast<double>(hi - lo);
  }
  if (n_neg == 0) return 0.5;
  return correct / (static_cast<double>(pos.size()) * static_cast<double>(n_neg));
}

double GiniIndex(std::span<const idx_t> counts) {
  std::vector<idx_t> c(counts.begin(), counts.end());
  std::sort(c.begin(), c.end());
  const double n = static_cast<double>(c.size());
  double total = 0, weighted = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    total += static_cast<double>(c[i]);
    weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * static_cast<double>(c[i]);
  }
  return total > 0 ? weighted / (n * total) : 0.0;
}

double ListNovelty(std::span<const ItemIdx> ranked, int k, std::span<const idx_t> popularity, idx_t n_users) {
  const idx_t depth = std::min<idx_t>(k, static_cast<idx_t>(ranked.size()));
  if (depth <= 0 || n_users <= 0) return 0;
  double sum = 0;
  for (idx_t pos = 0; pos < depth; ++pos) {
    const double pop = static_cast<double>(std::max<idx_t>(1, popularity[ranked[pos]]));
    sum += -std::log2(pop / static_cast<double>(n_users));
  }
  return sum / static_cast<double>(depth);
}

double LongTailShare(std::span<const ItemIdx> ranked, int k, const std::vector<bool>& head) {
  const idx_t depth = std::min<idx_t>(k, static_cast<idx_t>(ranked.size()));
  if (depth <= 0) return 0;
  idx_t tail = 0;
  for (idx_t pos = 0; pos < depth; ++pos) tail += head[ranked[pos]] ? 0 : 1;
  return static_cast<double>(tail) / static_cast<double>(depth);
}

std::vector<bool> PopularHead(std::span<const idx_t> popularity, const std::vector<bool>& candidates, double share) {
  std::vector<ItemIdx> items;
  for (size_t i = 0; i < popularity.size(); ++i) {
    if (candidates.empty() || candidates[i]) items.push_back(static_cast<ItemIdx>(i));
  }
  std::sort(items.begin(), items.end(), [&](ItemIdx a, ItemIdx b) {
    return popularity[a] != popularity[b] ? popularity[a] > popularity[b] : a < b;
  });
  const size_t n_head = static_cast<size_t>(std::ceil(share * static_cast<double>(items.size()) - 1e-9));
  std::vector<bool> head(popularity.size(), false);
  for (size_t i = 0; i < n_head && i < items.size(); ++i) head[items[i]] = true;
  return head;
}

double IntraListJaccard(std::span<const ItemIdx> ranked, int k, const std::vector<std::vector<int32_t>>& features) {
  const idx_t depth = std::min<idx_t>(k, static_cast<idx_t>(ranked.size()));
  double sum = 0;
  idx_t pairs = 0;
  for (idx_t a = 0; a < depth; ++a) {
    const auto& fa = features[ranked[a]];
    if (fa.empty()) continue;
    for (idx_t b = a + 1; b < depth; ++b) {
      const auto& fb = features[ranked[b]];
      if (fb.empty()) continue;
      size_t i = 0, j = 0, common = 0;
      while (i < fa.size() && j < fb.size()) {
        if (fa[i] == fb[j]) ++common, ++i, ++j;
        else if (fa[i] < fb[j]) ++i;
        else ++j;
      }
      const double uni = static_cast<double>(fa.size() + fb.size() - common);
      sum += 1.0 - static_cast<double>(common) / uni;
      ++pairs;
    }
  }
  return pairs > 0 ? sum / static_cast<double>(pairs) : std::numeric_limits<double>::quiet_NaN();
}

double IntraListCosine(std::span<const ItemIdx> ranked, int k, std::span<const float> embeddings, idx_t dim) {
  const idx_t depth = std::min<idx_t>(k, static_cast<idx_t>(ranked.size()));
  std::vector<double> norms(depth);
  for (idx_t a = 0; a < depth; ++a) {
    const float* ea = embeddings.data() + static_cast<size_t>(ranked[a]) * dim;
    double s = 0;
    for (idx_t d = 0; d < dim; ++d) s += static_cast<double>(ea[d]) * ea[d];
    norms[a] = std::sqrt(s);
  }
  double sum = 0;
  idx_t pairs = 0;
  for (idx_t a = 0; a < depth; ++a) {
    if (norms[a] == 0) continue;
    const float* ea = embeddings.data() + static_cast<size_t>(ranked[a]) * dim;
    for (idx_t b = a + 1; b < depth; ++b) {
      if (norms[b] == 0) continue;
      const float* eb = embeddings.data() + static_cast<size_t>(ranked[b]) * dim;
      double dot = 0;
      for (idx_t d = 0; d < dim; ++d) dot += static_cast<double>(ea[d]) * eb[d];
      sum += 1.0 - dot / (norms[a] * norms[b]);
      ++pairs;
    }
  }
  return pairs > 0 ? sum / static_cast<double>(pairs) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace encore
