// The evaluator: full ranking of every candidate item a user has not
// interacted with in training (no sampled negatives), per-user metric vectors,
// paired significance tests, training time and peak memory; and
// RunEvaluation(), the one call behind `encore eval` that others reuse
// (hyper-parameter tuning, the main job).
//
// Cost and memory: one score buffer of n_items floats per worker thread plus the
// per-worker exposure counts; nothing catalogue-sized is allocated per user.
// Top-k uses the bounded heap of retrieve/topk.h (ties broken by lower item index).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/interactions.h"
#include "core/records.h"
#include "core/status.h"
#include "eval/metrics.h"
#include "eval/significance.h"
#include "eval/splitters.h"
#include "models/recommender.h"
#include "store/dataset.h"

namespace encore {

struct EvalOptions {
  // Cut-offs; every @K metric is computed at each. All > 0.
  std::vector<int> ks = {10};
  // Test ranking also skips the user's validation items. Only matters when the
  // model is fitted on train only (random-ratio, as RecBole does).
  bool exclude_valid = true;
  // Compute precision/recall/ndcg/hit/map/mrr at every K = 1..max(ks) (for plots).
  bool curves = true;
  // Paired tests between models: these metrics (empty = ndcg@K and recall@K for every K).
  std::vector<std::string> compare_metrics;
  int bootstrap_samples = 1000;  // 0 = t-test only
  double alpha = 0.05;           // significance level of the paired tests
  Status Validate() const;
};

// A model to evaluate: registry name, parameters, and the label shown in reports
// (defaults to the name; set it when one model appears twice with other params).
struct ModelSpec {
  std::string name;
  ModelParams params;
  std::string label;
  std::string Label() const { return label.empty() ? name : label; }
};

// The results of one model on one split part.
struct ModelEvaluation {
  std::string label;
  std::string model;
  ModelParams params;             // normalised, as reported by the model
  double fit_seconds = 0;         // wall time of Fit
  double eval_seconds = 0;        // wall time of ranking + metrics
  int64_t peak_rss_bytes = 0;     // peak resident memory during Fit (see peak_rss_scope)
  std::string peak_rss_scope;     // "fit" (peak reset before Fit) or "process" (since start)
  std::vector<UserIdx> users;     // evaluated users (>= 1 held-out item), ascending
  idx_t users_skipped = 0;        // users with training pairs but no held-out item
  // Metric names in report order ("precision@10", ..., "auc").
  std::vector<std::string> metric_names;
  // Per-user values aligned with `users` (NaN where undefined, e.g. ild of a list without metadata).
  std::map<std::string, std::vector<double>> per_user;
  // Means over users (NaN values skipped) and catalogue metrics (coverage@K, gini@K).
  std::map<std::string, double> metrics;
  // Base metric -> mean value at K = 1..max(ks) (empty unless EvalOptions::curves).
  std::map<std::string, std::vector<double>> curves;
  // Times each item appears in the top max(ks) lists.
  std::vector<idx_t> exposure;
};

// One ranking pass: which matrix to exclude and which to score against. All
// matrices share one n_users x n_items index space.
struct RankingTask {
  const Interactions* history = nullptr;       // excluded from ranking; also defines popularity
  const Interactions* also_exclude = nullptr;  // excluded too (e.g. validation), optional
  const Interactions* targets = nullptr;       // held-out items; users with none are skipped
  const std::vector<bool>* candidates = nullptr;  // items that may be ranked; null/empty = all
  const std::vector<Item>* items = nullptr;    // metadata for ild@K (optional)
};

// Ranks and scores a fitted model. Fills everything but fit_seconds / peak memory.
// Errors: FailedPrecondition when no user has a held-out item; the model's errors.
StatusOr<ModelEvaluation> EvaluateRanking(const Recommender& model, const RankingTask& task,
                                          const EvalOptions& options, const RunContext& run);

enum class SplitPart { kValid, kTest };

// Creates, fits and evaluates one model on a split:
//   kValid: fit on train, rank excluding train, score against valid (for tuning);
//   kTest:  fit on split.fit, rank excluding it (and valid if exclude_valid), score against test.
// `catalogue` (optional) is the dataset the split was made from: its item metadata
// and media analyses reach the model (MakeTrainContext) and ild@K.
// TrainContext::validation is set only when the validation pairs are not in the fit set.
StatusOr<ModelEvaluation> FitAndEvaluate(const Split& split, SplitPart part, const ModelSpec& spec,
                                         const Dataset* catalogue, const EvalOptions& options,
                                         const RunContext& run);

// A TrainContext with what `catalogue` (optional) knows of the items besides
// interactions: metadata (when loaded) and stored media analyses (when any).
TrainContext MakeTrainContext(const Dataset* catalogue, const RunContext& run);

// Everything `encore eval` reports.
struct EvalReport {
  std::string protocol;
  std::string filters;            // ProtocolOptions::DescribeFilters()
  std::vector<double> ratios;     // effective ratios (protocol default when none given)
  uint64_t seed = 0;
  bool fit_on_valid = false;
  bool exclude_valid = true;
  std::vector<int> ks;
  // Dataset statistics.
  idx_t n_users = 0;              // index space
  idx_t n_items = 0;
  FilterStats filter_stats;
  idx_t train_pairs = 0;
  idx_t valid_pairs = 0;
  idx_t test_pairs = 0;
  idx_t test_users = 0;
  idx_t candidate_items = 0;
  idx_t pairs_dropped_cold_users = 0;
  double split_seconds = 0;
  // Per item: pairs in the fit set (training popularity) and whether it is a test candidate.
  std::vector<idx_t> train_popularity;
  std::vector<bool> candidates;
  // Results.
  std::vector<ModelEvaluation> models;
  std::vector<PairedComparison> comparisons;  // every pair of models x compare metrics
  // Machine.
  int threads = 1;
  std::string cpu_model;
  int cpus = 0;
};

// The evaluation harness in one call: filters and splits `data` with `protocol`,
// then for each model: creates it from the registry, fits it on the split's fit
// set (timed, peak memory recorded), ranks all candidate items for every test
// user, computes every metric at every K, and finally runs paired tests between
// all pairs of models. `data.items` feeds ild@K; `data.events` must be present
// when the protocol has a rating filter (DatasetOptions::keep_events).
// Errors: InvalidArgument for bad options or unknown models (before any training),
// FailedPrecondition for an empty test set, and whatever a model returns.
// `split_out` (optional) receives the split, e.g. to dump it.
StatusOr<EvalReport> RunEvaluation(const Dataset& data, const ProtocolOptions& protocol,
                                   const std::vector<ModelSpec>& models, const EvalOptions& options,
                                   const RunContext& run, Split* split_out = nullptr);

// Same, on a split made already (e.g. to evaluate many configurations on one split).
StatusOr<EvalReport> RunEvaluationOnSplit(const Split& split, const Dataset* catalogue,
                                          const std::vector<ModelSpec>& models, const EvalOptions& options,
                                          const RunContext& run);

// Peak resident set size of this process in bytes (VmHWM), 0 when unknown.
int64_t PeakRssBytes();
// Resets the peak (writes 5 to /proc/self/clear_refs); false when not permitted.
bool ResetPeakRss();

}  // namespace encore
