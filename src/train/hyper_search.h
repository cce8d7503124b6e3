// Hyper-parameter search on the validation part of a split (never on test):
// random search, or successive halving (Jamieson & Talwalkar 2016; the
// "SHA" of Li et al. 2018) over a per-model search space. The library behind
// `encore tune`.
//
// Every trial fits the model on split.train and ranks all valid candidate items
// for the users with validation pairs, excluding their training items: exactly
// what FitAndEvaluate(split, SplitPart::kValid, ...) does. The first trial is
// the model's defaults (plus the fixed params; SearchOptions::try_defaults), so
// a search never returns something that scored worse on validation than them.
//
// Successive halving: `budget` configurations start on rung 0 with a small
// resource; after each rung the best 1/eta go on with eta times the resource,
// until one rung runs at full resource. The resource is the number of epochs
// for models with an `epochs` parameter (iALS, BPR), otherwise the share of the
// validation users that is scored (a seeded subset; all users on the last rung).
//
// Determinism: configurations are drawn from `seed` with SplitRng, so a search
// is reproducible whenever the model is (see docs/models.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/records.h"
#include "core/status.h"
#include "eval/splitters.h"
#include "models/recommender.h"

namespace encore {

// One searched parameter.
enum class ParamScale : int {
  kLinear = 0,     // uniform in [lo, hi]
  kLog = 1,        // log-uniform in [lo, hi] (lo > 0)
  kLinearInt = 2,  // uniform integer in [lo, hi]
  kLogInt = 3,     // log-uniform, rounded to an integer (lo >= 1)
  kChoice = 4,     // one of `choices`, uniformly
};

struct ParamRange {
  std::string key;
  ParamScale scale = ParamScale::kLinear;
  double lo = 0;
  double hi = 0;
  std::vector<std::string> choices;  // kChoice only
};

struct SearchSpace {
  std::string model;
  std::vector<ParamRange> params;
};

// The built-in search space of a registered model (ranges in docs/models.md).
// Errors: InvalidArgument naming the models that have one.
StatusOr<SearchSpace> DefaultSearchSpace(const std::string& model);
// Models with a built-in search space, sorted.
std::vector<std::string> SearchableModels();

struct SearchOptions {
  std::string model;                // registry name
  ModelParams fixed;                // parameters held fixed (not searched; win over the space)
  std::string metric = "ndcg@10";   // accuracy metric maximised on validation
  int budget = 20;                  // configurations tried (random) / started (halving); >= 1
  std::string strategy = "random";  // random | halving
  int eta = 3;                      // halving: keep 1/eta per rung, eta x resource; >= 2
  bool try_defaults = true;         // the first configuration is the defaults (+ fixed)
  Status Validate() const;
};

struct Trial {
  ModelParams params;       // searched + fixed params (what a params file holds)
  double value = 0;         // the metric on validation (at this trial's resource)
  int rung = 0;             // halving rung (0 for random search)
  double resource = 1;      // share of the full resource (epochs or users) this trial had
  double fit_seconds = 0;
};

struct SearchResult {
  std::string model;
  std::string metric;
  std::string strategy;
  ModelParams best_params;  // of the best trial at full resource, all keys (model's Params())
  double best_value = 0;
  std::vector<Trial> trials;  // in the order they ran
};

// Called after every trial (e.g. to print progress).
using TrialCallback = std::function<void(const Trial&, int done, int total)>;

// Runs the search on split.valid. `catalogue` (optional) is the dataset the split
// was made from, for content- and media-aware models (MakeTrainContext). Errors: InvalidArgument for bad options, unknown
// models or metrics, or a fixed param the model rejects; FailedPrecondition when
// the split has no validation pairs; a model's own errors otherwise.
StatusOr<SearchResult> RunHyperSearch(const Split& split, const Dataset* catalogue, const SearchOptions& options,
                                      const SearchSpace& space, const RunContext& run,
                                      const TrialCallback& on_trial = nullptr);

// {"model": NAME, "params": {...}, "metric": ..., "value": ..., "strategy": ...,
//  "trials": [...]} — readable by `encore train/eval --params-file`. Numeric
// params are written as JSON numbers, true/false as booleans, the rest as strings.
std::string SearchResultJson(const SearchResult& result, const std::string& protocol, uint64_t seed);

}  // namespace encore
