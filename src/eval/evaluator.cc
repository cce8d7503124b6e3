#include "eval/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <unordered_map>

#include "core/parallel.h"
#include "core/progress.h"
#include "retrieve/topk.h"

namespace encore {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kExcluded = std::numeric_limits<float>::quiet_NaN();  // marks items that are not ranked

// The base metrics of the K = 1..max curves, in this order.
const MetricKind kCurveKinds[] = {MetricKind::kPrecision, MetricKind::kRecall, MetricKind::kNdcg,
                                  MetricKind::kHitRate,   MetricKind::kMap,    MetricKind::kMrr};
constexpr size_t kNumCurves = std::size(kCurveKinds);

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double FiniteMean(const std::vector<double>& v) {
  double sum = 0;
  idx_t n = 0;
  for (double x : v) {
    if (std::isfinite(x)) sum += x, ++n;
  }
  return n > 0 ? sum / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN();
}

// Genres and tags of each item as sorted feature ids (empty when the item has none).
std::vector<std::vector<int32_t>> ItemFeatures(const std::vector<Item>& items, idx_t n_items, bool* any) {
  std::unordered_map<std::string, int32_t> ids;
  std::vector<std::vector<int32_t>> features(n_items);
  *any = false;
  for (idx_t i = 0; i < n_items && i < static_cast<idx_t>(items.size()); ++i) {
    auto add = [&](const std::string& prefix, const std::vector<std::string>& values) {
      for (const std::string& v : values) {
        auto [it, inserted] = ids.emplace(prefix + v, static_cast<int32_t>(ids.size()));
        features[i].push_back(it->second);
      }
    };
    add("g:", items[i].genres);
    add("t:", items[i].tags);
    std::sort(features[i].begin(), features[i].end());
    features[i].erase(std::unique(features[i].begin(), features[i].end()), features[i].end());
    if (!features[i].empty()) *any = true;
  }
  return features;
}

// Scratch of one worker thread, allocated on its first user.
struct WorkerScratch {
  std::vector<float> scores;                 // [n_items]
  std::vector<ItemIdx> ranked;               // [<= kmax]
  std::vector<std::vector<idx_t>> exposure;  // [ks][n_items]
  std::vector<double> curve_sums;            // [kNumCurves][kmax]
};

}  // namespace

Status EvalOptions::Validate() const {
  if (ks.empty()) return InvalidArgument("at least one cut-off K is needed (e.g. --k 10)");
  for (int k : ks) {
    if (k <= 0) return InvalidArgument("cut-off K must be > 0, got " + std::to_string(k));
    if (k > 100000) return InvalidArgument("cut-off K must be <= 100000, got " + std::to_string(k));
  }
  if (bootstrap_samples < 0) return InvalidArgument("bootstrap samples must be >= 0");
  if (!(alpha > 0 && alpha < 1)) return InvalidArgument("alpha must be in (0, 1)");
  for (const std::string& m : compare_metrics) {
    ENCORE_ASSIGN_OR_RETURN(MetricSpec spec, ParseMetric(m));
    if (!GetMetricInfo(spec.kind).per_user) {
      return InvalidArgument("metric '" + m + "' has no per-user value and cannot be compared with a paired test");
    }
    if (spec.k > 0 && std::find(ks.begin(), ks.end(), spec.k) == ks.end()) {
      return InvalidArgument("compared metric '" + m + "' uses a K that is not among the cut-offs");
    }
  }
  return Status::Ok();
}

StatusOr<ModelEvaluation> EvaluateRanking(const Recommender& model, const RankingTask& task,
                                          const EvalOptions& options, const RunContext& run) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  if (task.history == nullptr || task.targets == nullptr) {
    return InvalidArgument("EvaluateRanking: history and targets are required");
  }
  const Interactions& history = *task.history;
  const Interactions& targets = *task.targets;
  const idx_t n_users = targets.n_users(), n_items = targets.n_items();
  if (history.n_users() != n_users || history.n_items() != n_items ||
      (task.also_exclude && (task.also_exclude->n_users() != n_users || task.also_exclude->n_items() != n_items))) {
    return InvalidArgument("EvaluateRanking: history, exclusions and targets differ in shape");
  }
  if (model.n_items() != n_items) {
    return FailedPrecondition("model '" + model.Name() + "' scores " + std::to_string(model.n_items()) +
                              " items but the evaluation catalogue has " + std::to_string(n_items));
  }
  const auto start = std::chrono::steady_clock::now();

  ModelEvaluation out;
  out.label = out.model = model.Name();
  out.params = model.Params();
  for (idx_t u = 0; u < n_users; ++u) {
    if (targets.RowSize(u) > 0) out.users.push_back(static_cast<UserIdx>(u));
    else if (history.RowSize(u) > 0) ++out.users_skipped;
  }
  if (out.users.empty()) {
    return FailedPrecondition("no user has a held-out item: the test set is empty");
  }

  // Catalogue: candidate items; the others are never ranked.
  std::vector<bool> candidates(n_items, true);
  if (task.candidates && !task.candidates->empty()) {
    if (static_cast<idx_t>(task.candidates->size()) != n_items) {
      return InvalidArgument("EvaluateRanking: candidates has the wrong size");
    }
    candidates = *task.candidates;
  }
  std::vector<ItemIdx> non_candidates;
  idx_t n_candidates = 0;
  for (idx_t i = 0; i < n_items; ++i) {
    if (candidates[i]) ++n_candidates;
    else non_candidates.push_back(static_cast<ItemIdx>(i));
  }

  // Popularity in the history (training) matrix, for novelty and the long-tail head.
  const std::vector<idx_t> popularity = history.ColumnCounts();
  idx_t n_history_users = 0;
  for (idx_t u = 0; u < n_users; ++u) n_history_users += history.RowSize(u) > 0 ? 1 : 0;
  const std::vector<bool> head = PopularHead(popularity, candidates);

  bool have_features = false;
  std::vector<std::vector<int32_t>> features;
  if (task.items) features = ItemFeatures(*task.items, n_items, &have_features);
  std::vector<float> embeddings;
  int emb_dim = 0;
  const bool have_embeddings = model.ItemVectors(&embeddings, &emb_dim).ok() && emb_dim > 0 &&
                               static_cast<idx_t>(embeddings.size()) == n_items * emb_dim;

  std::vector<int> ks;
  for (int k : options.ks) {
    if (std::find(ks.begin(), ks.end(), k) == ks.end()) ks.push_back(k);
  }
  const int kmax = *std::max_element(ks.begin(), ks.end());

  // Per-user metrics: [ks][kinds] then auc.
  std::vector<MetricKind> per_k_kinds = {MetricKind::kPrecision, MetricKind::kRecall, MetricKind::kF1,
                                         MetricKind::kHitRate,   MetricKind::kNdcg,   MetricKind::kMap,
                                         MetricKind::kMapMsr,    MetricKind::kMrr,    MetricKind::kNovelty,
                                         MetricKind::kLongTail};
  if (have_features) per_k_kinds.push_back(MetricKind::kIld);
  if (have_embeddings) per_k_kinds.push_back(MetricKind::kIldEmbedding);
  const size_t n_per_k = per_k_kinds.size();
  const size_t n_user_metrics = ks.size() * n_per_k + 1;  // + auc
  const size_t n_eval = out.users.size();
  std::vector<std::vector<double>> values(n_user_metrics, std::vector<double>(n_eval, 0.0));

  const int threads = std::max(1, run.threads);
  std::vector<std::unique_ptr<WorkerScratch>> scratch(threads);
  Progress progress("evaluating " + model.Name(), static_cast<idx_t>(n_eval), run.progress);

  Status status = ParallelFor(
      static_cast<idx_t>(n_eval), threads,
      [&](idx_t begin, idx_t end, int worker) -> Status {
        if (!scratch[worker]) {
          auto s = std::make_unique<WorkerScratch>();
          s->scores.resize(n_items);
          s->ranked.reserve(kmax);
          s->exposure.assign(ks.size(), std::vector<idx_t>(n_items, 0));
          if (options.curves) s->curve_sums.assign(kNumCurves * kmax, 0.0);
          scratch[worker] = std::move(s);
        }
        WorkerScratch& w = *scratch[worker];
        std::span<float> scores(w.scores);
        for (idx_t i = begin; i < end; ++i) {
          const UserIdx user = out.users[i];
          ENCORE_RETURN_IF_ERROR(model.ScoreAll(user, scores));
          // A NaN from the model ranks last; NaN is reserved for "not a candidate".
          for (idx_t item = 0; item < n_items; ++item) {
            if (std::isnan(scores[item])) scores[item] = kNegInf;
          }
          for (ItemIdx item : history.Row(user)) scores[item] = kExcluded;
          if (task.also_exclude) {
            for (ItemIdx item : task.also_exclude->Row(user)) scores[item] = kExcluded;
          }
          for (ItemIdx item : non_candidates) scores[item] = kExcluded;

          const std::vector<ScoredItem> top = TopK(scores, kmax);
          w.ranked.clear();
          for (const ScoredItem& s : top) w.ranked.push_back(s.item);
          const std::span<const ItemIdx> ranked(w.ranked);
          const std::span<const ItemIdx> relevant = targets.Row(user);

          for (size_t k_idx = 0; k_idx < ks.size(); ++k_idx) {
            const int k = ks[k_idx];
            const UserAccuracy acc = AccuracyAtK(ranked, relevant, k);
            const size_t depth = std::min<size_t>(k, ranked.size());
            for (size_t pos = 0; pos < depth; ++pos) ++w.exposure[k_idx][ranked[pos]];
            for (size_t m = 0; m < n_per_k; ++m) {
              double v = 0;
              switch (per_k_kinds[m]) {
                case MetricKind::kNovelty: v = ListNovelty(ranked, k, popularity, n_history_users); break;
                case MetricKind::kLongTail: v = LongTailShare(ranked, k, head); break;
                case MetricKind::kIld: v = IntraListJaccard(ranked, k, features); break;
                case MetricKind::kIldEmbedding: v = IntraListCosine(ranked, k, embeddings, emb_dim); break;
                default: v = AccuracyMetric(per_k_kinds[m], acc); break;
              }
              values[k_idx * n_per_k + m][i] = v;
            }
          }
          values[n_user_metrics - 1][i] = UserAuc(scores, relevant);

          if (options.curves) {
            // Incremental metrics at every depth 1..kmax (same formulas as AccuracyAtK).
            const double n_rel = static_cast<double>(relevant.size());
            idx_t hits = 0, first_hit = 0;
            double dcg = 0, idcg = 0, sum_precision = 0;
            for (int k = 1; k <= kmax; ++k) {
              const size_t pos = static_cast<size_t>(k - 1);
              if (static_cast<double>(k) <= n_rel) idcg += 1.0 / std::log2(static_cast<double>(k) + 1.0);
              if (pos < ranked.size() && std::binary_search(relevant.begin(), relevant.end(), ranked[pos])) {
                ++hits;
                dcg += 1.0 / std::log2(static_cast<double>(k) + 1.0);
                sum_precision += static_cast<double>(hits) / k;
                if (first_hit == 0) first_hit = k;
              }
              const double vals[kNumCurves] = {static_cast<double>(hits) / k,
                                               static_cast<double>(hits) / n_rel,
                                               dcg / idcg,
                                               hits > 0 ? 1.0 : 0.0,
                                               sum_precision / std::min(n_rel, static_cast<double>(k)),
                                               first_hit > 0 ? 1.0 / static_cast<double>(first_hit) : 0.0};
              for (size_t c = 0; c < kNumCurves; ++c) w.curve_sums[c * kmax + pos] += vals[c];
            }
          }
        }
        progress.Advance(end - begin);
        return Status::Ok();
      },
      std::max<idx_t>(1, std::min<idx_t>(64, static_cast<idx_t>(n_eval) / (threads * 8))));
  progress.Finish();
  ENCORE_RETURN_IF_ERROR(status);

  // Merge worker results.
  std::vector<std::vector<idx_t>> exposure(ks.size(), std::vector<idx_t>(n_items, 0));
  std::vector<double> curve_sums(options.curves ? kNumCurves * kmax : 0, 0.0);
  for (const auto& w : scratch) {
    if (!w) continue;
    for (size_t k_idx = 0; k_idx < ks.size(); ++k_idx) {
      for (idx_t item = 0; item < n_items; ++item) exposure[k_idx][item] += w->exposure[k_idx][item];
    }
    for (size_t c = 0; c < curve_sums.size(); ++c) curve_sums[c] += w->curve_sums[c];
  }

  auto add = [&](const std::string& name, std::vector<double> per_user) {
    out.metric_names.push_back(name);
    out.metrics[name] = FiniteMean(per_user);
    out.per_user[name] = std::move(per_user);
  };
  for (size_t k_idx = 0; k_idx < ks.size(); ++k_idx) {
    for (size_t m = 0; m < n_per_k; ++m) {
      const MetricKind kind = per_k_kinds[m];
      if (kind == MetricKind::kNovelty || kind == MetricKind::kLongTail || kind == MetricKind::kIld ||
          kind == MetricKind::kIldEmbedding) {
        continue;  // beyond-accuracy metrics are listed after auc
      }
      add(MetricSpec{kind, ks[k_idx]}.Name(), std::move(values[k_idx * n_per_k + m]));
    }
  }
  add("auc", std::move(values[n_user_metrics - 1]));
  for (size_t k_idx = 0; k_idx < ks.size(); ++k_idx) {
    const int k = ks[k_idx];
    std::vector<idx_t> candidate_exposure;
    candidate_exposure.reserve(n_candidates);
    idx_t covered = 0;
    for (idx_t item = 0; item < n_items; ++item) {
      if (!candidates[item]) continue;
      candidate_exposure.push_back(exposure[k_idx][item]);
      covered += exposure[k_idx][item] > 0 ? 1 : 0;
    }
    const std::string cov = MetricSpec{MetricKind::kCoverage, k}.Name();
    const std::string gini = MetricSpec{MetricKind::kGini, k}.Name();
    out.metric_names.push_back(cov);
    out.metrics[cov] = n_candidates > 0 ? static_cast<double>(covered) / static_cast<double>(n_candidates) : 0.0;
    out.metric_names.push_back(gini);
    out.metrics[gini] = GiniIndex(candidate_exposure);
    for (size_t m = 0; m < n_per_k; ++m) {
      const MetricKind kind = per_k_kinds[m];
      if (kind == MetricKind::kNovelty || kind == MetricKind::kLongTail || kind == MetricKind::kIld ||
          kind == MetricKind::kIldEmbedding) {
        add(MetricSpec{kind, k}.Name(), std::move(values[k_idx * n_per_k + m]));
      }
    }
  }
  if (options.curves) {
    for (size_t c = 0; c < kNumCurves; ++c) {
      std::vector<double> curve(kmax);
      for (int k = 0; k < kmax; ++k) curve[k] = curve_sums[c * kmax + k] / static_cast<double>(n_eval);
      out.curves[GetMetricInfo(kCurveKinds[c]).name] = std::move(curve);
    }
  }
  const size_t kmax_idx = std::max_element(ks.begin(), ks.end()) - ks.begin();
  out.exposure = std::move(exposure[kmax_idx]);
  out.eval_seconds = Seconds(start);
  return out;
}

TrainContext MakeTrainContext(const Dataset* catalogue, const RunContext& run) {
  TrainContext ctx;
  ctx.run = run;
  if (catalogue && !catalogue->items.empty()) ctx.items = &catalogue->items;
  if (catalogue && !catalogue->item_analyses.empty()) ctx.item_analyses = &catalogue->item_analyses;
  return ctx;
}

StatusOr<ModelEvaluation> FitAndEvaluate(const Split& split, SplitPart part, const ModelSpec& spec,
                                         const Dataset* catalogue, const EvalOptions& options,
                                         const RunContext& run) {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateModel(spec.name, spec.params));
  const bool test = part == SplitPart::kTest;
  const Interactions& fit = test ? split.fit : split.train;
  TrainContext ctx = MakeTrainContext(catalogue, run);
  if (split.valid.nnz() > 0 && !(test && split.fit_on_valid)) ctx.validation = &split.valid;

  const bool reset = ResetPeakRss();
  const auto start = std::chrono::steady_clock::now();
  Status fitted = model->Fit(ctx, fit);
  const double fit_seconds = Seconds(start);
  const int64_t peak = PeakRssBytes();
  if (!fitted.ok()) return fitted.WithContext("training '" + spec.Label() + "'");

  RankingTask task;
  task.history = &fit;
  task.also_exclude = test && options.exclude_valid && !split.fit_on_valid && split.valid.nnz() > 0 ? &split.valid
                                                                                                    : nullptr;
  task.targets = test ? &split.test : &split.valid;
  task.candidates = test ? &split.test_candidates : &split.valid_candidates;
  task.items = ctx.items;
  if (!test && split.valid.nnz() == 0) {
    return FailedPrecondition("protocol '" + split.protocol + "' produced no validation pairs to evaluate on");
  }
  auto evaluated = EvaluateRanking(*model, task, options, run);
  if (!evaluated.ok()) return evaluated.status().WithContext("evaluating '" + spec.Label() + "'");
  ModelEvaluation out = std::move(evaluated).value();
  out.label = spec.Label();
  out.model = spec.name;
  out.fit_seconds = fit_seconds;
  out.peak_rss_bytes = peak;
  out.peak_rss_scope = reset ? "fit" : "process";
  return out;
}

namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
      }
    }
  }
  return "unknown";
}

}  // namespace

StatusOr<EvalReport> RunEvaluationOnSplit(const Split& split, const Dataset* catalogue,
                                          const std::vector<ModelSpec>& models, const EvalOptions& options,
                                          const RunContext& run) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  if (models.empty()) return InvalidArgument("no model to evaluate (e.g. --models popularity)");
  std::set<std::string> labels;
  for (const ModelSpec& spec : models) {
    // Fail fast on unknown models and bad parameters, before anything trains.
    ENCORE_RETURN_IF_ERROR(CreateModel(spec.name, spec.params).status());
    if (!labels.insert(spec.Label()).second) {
      return InvalidArgument("model '" + spec.Label() + "' is listed twice: give each entry its own label");
    }
  }
  EvalReport report;
  report.protocol = split.protocol;
  report.fit_on_valid = split.fit_on_valid;
  report.exclude_valid = options.exclude_valid;
  report.ks = options.ks;
  report.n_users = split.test.n_users();
  report.n_items = split.test.n_items();
  report.filter_stats = split.filter_stats;
  report.train_pairs = split.train.nnz();
  report.valid_pairs = split.valid.nnz();
  report.test_pairs = split.test.nnz();
  for (idx_t u = 0; u < split.test.n_users(); ++u) report.test_users += split.test.RowSize(u) > 0 ? 1 : 0;
  report.candidate_items = std::count(split.test_candidates.begin(), split.test_candidates.end(), true);
  report.pairs_dropped_cold_users = split.pairs_dropped_cold_users;
  report.train_popularity = split.fit.ColumnCounts();
  report.candidates = split.test_candidates;
  report.threads = run.threads;
  report.cpu_model = CpuModel();
  report.cpus = HardwareThreads();

  for (const ModelSpec& spec : models) {
    ENCORE_ASSIGN_OR_RETURN(ModelEvaluation eval, FitAndEvaluate(split, SplitPart::kTest, spec, catalogue, options, run));
    report.models.push_back(std::move(eval));
  }

  std::vector<std::string> compare = options.compare_metrics;
  if (compare.empty()) {
    for (int k : options.ks) compare.push_back(MetricSpec{MetricKind::kNdcg, k}.Name());
    for (int k : options.ks) compare.push_back(MetricSpec{MetricKind::kRecall, k}.Name());
    compare.erase(std::unique(compare.begin(), compare.end()), compare.end());
  }
  for (size_t a = 0; a < report.models.size(); ++a) {
    for (size_t b = a + 1; b < report.models.size(); ++b) {
      for (const std::string& metric : compare) {
        const auto& va = report.models[a].per_user.at(metric);
        const auto& vb = report.models[b].per_user.at(metric);
        PairedComparison c = ComparePaired(va, vb, options.bootstrap_samples, options.alpha, run.seed);
        c.metric = metric;
        c.model_a = report.models[a].label;
        c.model_b = report.models[b].label;
        report.comparisons.push_back(std::move(c));
      }
    }
  }
  return report;
}

StatusOr<EvalReport> RunEvaluation(const Dataset& data, const ProtocolOptions& protocol,
                                   const std::vector<ModelSpec>& models, const EvalOptions& options,
                                   const RunContext& run, Split* split_out) {
  ENCORE_RETURN_IF_ERROR(protocol.Validate());
  ENCORE_RETURN_IF_ERROR(options.Validate());
  for (const ModelSpec& spec : models) ENCORE_RETURN_IF_ERROR(CreateModel(spec.name, spec.params).status());
  const auto start = std::chrono::steady_clock::now();
  ENCORE_ASSIGN_OR_RETURN(Split split, MakeSplit(data, protocol));
  const double split_seconds = Seconds(start);
  ENCORE_ASSIGN_OR_RETURN(EvalReport report, RunEvaluationOnSplit(split, &data, models, options, run));
  report.filters = protocol.DescribeFilters();
  ENCORE_ASSIGN_OR_RETURN(const ProtocolEntry* entry, FindProtocol(protocol.protocol));
  report.ratios = protocol.ratios.empty() ? entry->default_ratios : protocol.ratios;
  report.seed = protocol.seed;
  report.split_seconds = split_seconds;
  if (split_out) *split_out = std::move(split);
  return report;
}

int64_t PeakRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      long long kb = 0;
      if (std::sscanf(line.c_str() + 6, "%lld", &kb) == 1) return static_cast<int64_t>(kb) * 1024;
    }
  }
  return 0;
}

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace encore
