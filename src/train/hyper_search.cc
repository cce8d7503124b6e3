#include "train/hyper_search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include <nlohmann/json.hpp>

#include "eval/evaluator.h"
#include "eval/metrics.h"

namespace encore {
namespace {

// The search spaces, one row per model. Ranges bracket what the literature
// (Dacrema et al. 2019, Rendle et al. 2022, Steck 2019) found on MovieLens- and
// Last.fm-sized data; fixed knobs (threads, memory, solver) stay out.
const std::vector<SearchSpace>& SpaceTable() {
  static const std::vector<SearchSpace> kSpaces = {
      {"bpr",
       {{"factors", ParamScale::kChoice, 0, 0, {"32", "64", "128"}},
        {"learning_rate", ParamScale::kLog, 0.005, 0.2, {}},
        {"reg", ParamScale::kLog, 1e-5, 0.05, {}},
        {"negatives", ParamScale::kChoice, 0, 0, {"uniform", "popularity"}}}},
      {"ease", {{"lambda", ParamScale::kLog, 10, 5000, {}}}},
      {"ials",
       {{"factors", ParamScale::kChoice, 0, 0, {"64", "128", "256"}},
        {"reg", ParamScale::kLog, 0.5, 500, {}},  // plain L2 (the default nu = 0)
        {"alpha", ParamScale::kLog, 0.1, 50, {}},
        {"unobserved", ParamScale::kLog, 0.01, 1, {}}}},
      {"itemknn",
       {{"similarity", ParamScale::kChoice, 0, 0, {"cosine", "asymmetric", "bm25"}},
        {"neighbours", ParamScale::kLogInt, 10, 1000, {}},
        {"shrink", ParamScale::kLog, 0.1, 500, {}},
        {"asymmetric_alpha", ParamScale::kLinear, 0.0, 1.0, {}}}},
      {"popularity", {{"half_life_days", ParamScale::kChoice, 0, 0, {"0", "30", "180", "1000"}}}},
      {"rp3beta",
       {{"alpha", ParamScale::kLinear, 0.2, 1.5, {}},
        {"beta", ParamScale::kLinear, 0.0, 0.8, {}},
        {"neighbours", ParamScale::kLogInt, 20, 1000, {}}}},
      {"userknn",
       {{"similarity", ParamScale::kChoice, 0, 0, {"cosine", "asymmetric", "bm25"}},
        {"neighbours", ParamScale::kLogInt, 10, 1000, {}},
        {"shrink", ParamScale::kLog, 0.1, 500, {}},
        {"asymmetric_alpha", ParamScale::kLinear, 0.0, 1.0, {}}}},
  };
  return kSpaces;
}

// Three significant digits: short params files, and no spurious precision.
std::string FormatValue(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g", v);
  return buf;
}

std::string Sample(const ParamRange& range, SplitRng& rng) {
  switch (range.scale) {
    case ParamScale::kChoice:
      return range.choices[rng.Below(range.choices.size())];
    case ParamScale::kLinear:
      return FormatValue(range.lo + (range.hi - range.lo) * rng.Uniform(), false);
    case ParamScale::kLog:
      return FormatValue(std::exp(std::log(range.lo) + (std::log(range.hi) - std::log(range.lo)) * rng.Uniform()),
                         false);
    case ParamScale::kLinearInt:
      return FormatValue(range.lo + static_cast<double>(rng.Below(static_cast<uint64_t>(range.hi - range.lo) + 1)),
                         true);
    case ParamScale::kLogInt:
      return FormatValue(std::exp(std::log(range.lo) + (std::log(range.hi) - std::log(range.lo)) * rng.Uniform()),
                         true);
  }
  return {};
}

bool IsTunableMetric(MetricKind kind) {
  switch (kind) {
    case MetricKind::kPrecision:
    case MetricKind::kRecall:
    case MetricKind::kF1:
    case MetricKind::kHitRate:
    case MetricKind::kNdcg:
    case MetricKind::kMap:
    case MetricKind::kMapMsr:
    case MetricKind::kMrr:
    case MetricKind::kAuc:
      return true;
    default:
      return false;
  }
}

// The validation pairs of a seeded `share` of the users that have some (all when share >= 1).
Interactions SubsampleUsers(const Interactions& valid, double share, uint64_t seed) {
  if (share >= 1.0) return valid;
  const bool timed = !valid.timestamps().empty();
  std::vector<Interaction> kept;
  for (idx_t user = 0; user < valid.n_users(); ++user) {
    if (valid.RowSize(user) == 0) continue;
    SplitRng rng(seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(user + 1)));
    if (rng.Uniform() >= share) continue;
    auto items = valid.Row(user);
    auto weights = valid.RowWeights(user);
    for (size_t k = 0; k < items.size(); ++k) {
      Interaction x;
      x.user = static_cast<UserIdx>(user);
      x.item = items[k];
      x.weight = weights[k];
      if (timed) x.timestamp = valid.RowTimestamps(user)[k];
      kept.push_back(x);
    }
  }
  return Interactions::FromTriplets(valid.n_users(), valid.n_items(), kept);
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Evaluator {
  const Split& split;
  const Dataset* catalogue;
  const std::string& model;
  const std::string& metric;
  EvalOptions eval_options;
  RunContext run;

  // Fits `params` on train and returns the metric on `targets` (a subset of valid).
  StatusOr<double> operator()(const ModelParams& params, const Interactions& targets, double* fit_seconds) const {
    ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> m, CreateModel(model, params));
    TrainContext ctx = MakeTrainContext(catalogue, run);
    ctx.validation = &split.valid;
    const auto start = std::chrono::steady_clock::now();
    ENCORE_RETURN_IF_ERROR(m->Fit(ctx, split.train).WithContext("training '" + model + "'"));
    *fit_seconds = Seconds(start);
    RankingTask task;
    task.history = &split.train;
    task.targets = &targets;
    task.candidates = &split.valid_candidates;
    task.items = ctx.items;
    ENCORE_ASSIGN_OR_RETURN(ModelEvaluation e, EvaluateRanking(*m, task, eval_options, run));
    auto it = e.metrics.find(metric);
    if (it == e.metrics.end()) return Internal("the evaluation did not report " + metric);
    return std::isfinite(it->second) ? it->second : 0.0;
  }
};

}  // namespace

StatusOr<SearchSpace> DefaultSearchSpace(const std::string& model) {
  for (const SearchSpace& s : SpaceTable()) {
    if (s.model == model) return s;
  }
  std::string known;
  for (const std::string& name : SearchableModels()) known += (known.empty() ? "" : ", ") + name;
  return InvalidArgument("model '" + model + "' has no search space; tunable models: " + known);
}

std::vector<std::string> SearchableModels() {
  std::vector<std::string> names;
  for (const SearchSpace& s : SpaceTable()) names.push_back(s.model);
  std::sort(names.begin(), names.end());
  return names;
}

Status SearchOptions::Validate() const {
  if (budget < 1 || budget > 100000) {
    return InvalidArgument("budget must be in [1, 100000] configurations, got " + std::to_string(budget));
  }
  if (strategy != "random" && strategy != "halving") {
    return InvalidArgument("strategy must be 'random' or 'halving', got '" + strategy + "'");
  }
  if (eta < 2) return InvalidArgument("eta must be >= 2, got " + std::to_string(eta));
  ENCORE_ASSIGN_OR_RETURN(MetricSpec spec, ParseMetric(metric));
  if (!IsTunableMetric(spec.kind)) {
    return InvalidArgument("metric '" + metric +
                           "' cannot be tuned on; use an accuracy metric: precision@K, recall@K, f1@K, hit@K, "
                           "ndcg@K, map@K, map-msr@K, mrr@K or auc");
  }
  return Status::Ok();
}

StatusOr<SearchResult> RunHyperSearch(const Split& split, const Dataset* catalogue, const SearchOptions& options,
                                      const SearchSpace& space, const RunContext& run, const TrialCallback& on_trial) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  ENCORE_ASSIGN_OR_RETURN(MetricSpec metric, ParseMetric(options.metric));
  for (const ParamRange& p : space.params) {
    const bool bad = p.scale == ParamScale::kChoice ? p.choices.empty()
                                                    : !(p.lo <= p.hi) || ((p.scale == ParamScale::kLog ||
                                                                            p.scale == ParamScale::kLogInt) &&
                                                                           p.lo <= 0);
    if (bad) return InvalidArgument("search space of '" + space.model + "': bad range for '" + p.key + "'");
  }
  // The defaults (with the fixed params) must be valid before anything trains.
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> probe, CreateModel(options.model, options.fixed));
  if (split.valid.nnz() == 0) {
    return FailedPrecondition("protocol '" + split.protocol +
                              "' produced no validation pairs to tune on (use random-ratio, stratified or "
                              "leave-one-out with a validation share)");
  }

  // Configurations: the defaults first, then random draws.
  SplitRng rng(run.seed ^ 0x7475E5EA2C4ull);
  std::vector<ModelParams> configs;
  if (options.try_defaults) configs.push_back(options.fixed);
  while (static_cast<int>(configs.size()) < options.budget) {
    ModelParams p = options.fixed;
    for (const ParamRange& range : space.params) {
      std::string v = Sample(range, rng);  // drawn even when fixed, so fixing a param keeps the others' draws
      p.emplace(range.key, std::move(v));
    }
    configs.push_back(std::move(p));
  }

  Evaluator evaluate{split, catalogue, options.model, metric.Name(), {}, run};
  evaluate.eval_options.ks = {metric.k > 0 ? metric.k : 10};
  evaluate.eval_options.curves = false;
  evaluate.eval_options.bootstrap_samples = 0;
  evaluate.run.progress = false;

  SearchResult result;
  result.model = options.model;
  result.metric = metric.Name();
  result.strategy = options.strategy;
  result.best_value = -std::numeric_limits<double>::infinity();

  // Rungs: random search is one rung at full resource.
  int rungs = 1;
  if (options.strategy == "halving") {
    for (int n = options.budget; n >= options.eta; n /= options.eta) ++rungs;
  }
  const ModelParams defaults = probe->Params();
  const bool by_epochs = defaults.count("epochs") > 0 && std::none_of(space.params.begin(), space.params.end(),
                                                                      [](const ParamRange& p) { return p.key == "epochs"; });
  const int total_trials = [&] {
    int total = 0, n = options.budget;
    for (int r = 0; r < rungs; ++r, n = std::max(1, n / options.eta)) total += n;
    return total;
  }();

  std::vector<size_t> alive(configs.size());
  std::iota(alive.begin(), alive.end(), 0);
  int done = 0;
  for (int rung = 0; rung < rungs; ++rung) {
    const double share = std::pow(static_cast<double>(options.eta), rung - (rungs - 1));
    const Interactions targets =
        by_epochs ? split.valid : SubsampleUsers(split.valid, share, run.seed + static_cast<uint64_t>(rung));
    std::vector<std::pair<double, size_t>> scored;
    for (size_t c : alive) {
      ModelParams params = configs[c];
      if (by_epochs && share < 1.0) {
        const auto fixed_epochs = params.find("epochs");
        const double full = std::stod(fixed_epochs != params.end() ? fixed_epochs->second : defaults.at("epochs"));
        params["epochs"] = std::to_string(std::max<long long>(1, std::llround(full * share)));
      }
      Trial trial;
      trial.rung = rung;
      trial.resource = share;
      ENCORE_ASSIGN_OR_RETURN(trial.value, evaluate(params, targets, &trial.fit_seconds));
      trial.params = configs[c];
      scored.emplace_back(trial.value, c);
      result.trials.push_back(trial);
      if (on_trial) on_trial(result.trials.back(), ++done, total_trials);
      if (rung == rungs - 1 && trial.value > result.best_value) {
        result.best_value = trial.value;
        result.best_params = configs[c];
      }
    }
    // Best first; ties keep the earlier configuration (the defaults win ties).
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const size_t keep = std::max<size_t>(1, scored.size() / static_cast<size_t>(options.eta));
    alive.clear();
    for (size_t k = 0; k < keep && k < scored.size(); ++k) alive.push_back(scored[k].second);
    std::sort(alive.begin(), alive.end());
  }
  // Written out in full (defaults filled in), so a params file still reproduces
  // the tuned model after the code's defaults change.
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> best, CreateModel(options.model, result.best_params));
  result.best_params = best->Params();
  return result;
}

std::string SearchResultJson(const SearchResult& result, const std::string& protocol, uint64_t seed) {
  auto value_json = [](const std::string& v) -> nlohmann::json {
    if (v == "true") return true;
    if (v == "false") return false;
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (!v.empty() && *end == '\0' && std::isfinite(d)) {
      if (v.find_first_of(".eE") == std::string::npos) return static_cast<long long>(std::llround(d));
      return d;
    }
    return v;
  };
  auto params_json = [&](const ModelParams& params) {
    nlohmann::json p = nlohmann::json::object();
    for (const auto& [k, v] : params) p[k] = value_json(v);
    return p;
  };
  nlohmann::json j;
  j["model"] = result.model;
  j["params"] = params_json(result.best_params);
  j["metric"] = result.metric;
  j["value"] = result.best_value;
  j["strategy"] = result.strategy;
  j["split"] = "validation";
  j["protocol"] = protocol;
  j["seed"] = seed;
  nlohmann::json trials = nlohmann::json::array();
  for (const Trial& t : result.trials) {
    trials.push_back({{"params", params_json(t.params)},
                      {"value", t.value},
                      {"rung", t.rung},
                      {"resource", t.resource},
                      {"fit_seconds", t.fit_seconds}});
  }
  j["trials"] = std::move(trials);
  return j.dump(2) + "\n";
}

}  // namespace encore
