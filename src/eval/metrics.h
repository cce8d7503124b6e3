// Ranking metrics, registered by name with an optional cut-off: "ndcg@10", "auc".
// Definitions (docs/metrics.md has the formulas and their sources):
//   precision@K  hits@K / K                                   (RecBole, MS Recommenders)
//   recall@K     hits@K / |T|                                 (RecBole, MS Recommenders)
//   f1@K         2 P R / (P + R) per user, 0 when P = R = 0
//   hit@K        1 if hits@K > 0                              (RecBole Hit, MS Recs hit_ratio_at_k)
//   ndcg@K       binary gains, DCG / IDCG with IDCG over min(|T|, K) positions
//   map@K        sum over hit ranks r of precision@r, / min(|T|, K)   (RecBole MAP, MS Recs >= 1.2 map_at_k)
//   map-msr@K    same sum / |T|                               (MS Recs `map`, the README tables' MAP)
//   mrr@K        1 / rank of the first hit within K, else 0
//   auc          per-user AUC over all candidate items, ties count 1/2, averaged over users
//   coverage@K   distinct recommended items / candidate catalogue size
//   gini@K       Gini index of exposure counts over the candidate catalogue (RecBole GiniIndex)
//   novelty@K    mean over the list of -log2(pop(i) / n_train_users), pop clamped to >= 1
//   longtail@K   share of the list outside the 20% most popular items
//   ild@K        mean pairwise Jaccard distance of genre+tag sets (pairs where both have some)
//   ild-emb@K    mean pairwise cosine distance of the model's item embeddings
// T is the user's set of held-out items. Lists shorter than K are scored as if
// padded with misses (precision still divides by K).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace encore {

enum class MetricKind : int {
  kPrecision = 0,
  kRecall = 1,
  kF1 = 2,
  kHitRate = 3,
  kNdcg = 4,
  kMap = 5,
  kMapMsr = 6,
  kMrr = 7,
  kAuc = 8,
  kCoverage = 9,
  kGini = 10,
  kNovelty = 11,
  kLongTail = 12,
  kIld = 13,
  kIldEmbedding = 14,
};

struct MetricInfo {
  MetricKind kind;
  const char* name;     // base name, e.g. "ndcg"
  bool needs_k;         // written "name@K"
  bool per_user;        // a per-user value exists (paired tests possible)
  const char* summary;  // one line for help texts
};

// Every metric, in the order reports print them.
std::span<const MetricInfo> MetricRegistry();
const MetricInfo& GetMetricInfo(MetricKind kind);

struct MetricSpec {
  MetricKind kind = MetricKind::kNdcg;
  int k = 0;  // 0 for metrics without a cut-off
  // "ndcg@10" / "auc".
  std::string Name() const;
};

// Parses "ndcg@10", "recall@20", "auc". Unknown names, a missing or non-positive K
// give InvalidArgument listing the known metrics.
StatusOr<MetricSpec> ParseMetric(const std::string& text);

// The per-user accuracy metrics at one cut-off.
struct UserAccuracy {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  double hit = 0;
  double ndcg = 0;
  double map = 0;
  double map_msr = 0;
  double mrr = 0;
};

// `ranked`: the recommendation list, best first (may be shorter or longer than k).
// `relevant_sorted`: the user's held-out items, ascending, unique.
// REQUIRES: k > 0. With no relevant items every value is 0 (callers skip such users).
UserAccuracy AccuracyAtK(std::span<const ItemIdx> ranked, std::span<const ItemIdx> relevant_sorted, int k);

// One of the accuracy metrics above (precision..mrr). REQUIRES: kind is one of them.
double AccuracyMetric(MetricKind kind, const UserAccuracy& values);

// Per-user AUC from a dense score array: items whose score is NaN are not
// candidates; every other non-relevant item is a negative. Ties count 1/2.
// 0.5 when there is no positive or no negative.
double UserAuc(std::span<const float> scores, std::span<const ItemIdx> relevant_sorted);

// Gini index of `counts` (one entry per catalogue item, zeros included):
// sum_i (2i - n - 1) c_(i) / (n sum c) over counts sorted ascending, i = 1..n. 0 when sum c = 0.
double GiniIndex(std::span<const idx_t> counts);

// Mean self-information of the first k items of `ranked`: -log2(max(pop[i], 1) / n_users).
// 0 for an empty list.
double ListNovelty(std::span<const ItemIdx> ranked, int k, std::span<const idx_t> popularity, idx_t n_users);

// Share of the first k items of `ranked` with head[i] == false. 0 for an empty list.
double LongTailShare(std::span<const ItemIdx> ranked, int k, const std::vector<bool>& head);

// The "head": the ceil(share * n) most popular candidate items (popularity
// descending, ties by lower index), where n = number of candidate items.
std::vector<bool> PopularHead(std::span<const idx_t> popularity, const std::vector<bool>& candidates,
                              double share = 0.2);

// Mean pairwise Jaccard distance over the first k items; features[i] sorted ascending.
// Pairs where either item has no feature are skipped; NaN when no pair is left.
double IntraListJaccard(std::span<const ItemIdx> ranked, int k, const std::vector<std::vector<int32_t>>& features);

// Mean pairwise cosine distance (1 - cos) over the first k items; embeddings
// row-major [n_items, dim]. Pairs with a zero vector are skipped; NaN when none is left.
double IntraListCosine(std::span<const ItemIdx> ranked, int k, std::span<const float> embeddings, idx_t dim);

}  // namespace encore
