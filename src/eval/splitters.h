// Evaluation protocols: filters applied before splitting, then one splitter per
// protocol, registered by name. Every split is a pure function of the data, the
// options and the seed (no global RNG, no dependence on thread count).
//
// Protocols (docs/metrics.md has the exact rules and which published setup each matches):
//   random-ratio   per user, random order, cut by ratio (default 8:1:1)      RecBole "RS" + group_by user
//   stratified     per user, random 75/25 (valid carved out of the 75%)     MS Recommenders python_stratified_split
//   leave-one-out  per user, last by time = test, second-to-last = valid    SASRec / HSTU
//   temporal       one global time cut (quantiles or a timestamp)
//   new-items      a fraction of items removed from training; test = their interactions (cold start)
//
// Splits operate on aggregated (user, item) pairs: one Interaction per pair, so
// train, valid and test are disjoint sets of pairs. Only positive pairs
// (weight > 0) take part; negative feedback is dropped by the filters.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/interactions.h"
#include "core/status.h"
#include "core/weighting.h"
#include "store/dataset.h"

namespace encore {

struct ProtocolOptions {
  // Registered protocol name (see ProtocolNames()).
  std::string protocol = "random-ratio";
  // train/valid/test ratios; empty = the protocol's default. Must sum to 1.
  // stratified also accepts two values (train, test): valid is then carved out of train.
  std::vector<double> ratios;
  // Seed of every random choice of the split (independent of model seeds).
  uint64_t seed = 42;

  // ---- filters, applied in this order before splitting ----
  // Keep rate events with value >= min_rating (other event types untouched). Needs
  // Dataset::events (load with DatasetOptions::keep_events = true); the pairs are
  // re-aggregated from the events with `weighting`.
  std::optional<double> min_rating;
  // Keep aggregated pairs with weight >= min_weight.
  std::optional<double> min_weight;
  // Iterated k-core: every kept user has >= user_core pairs and every kept item >= item_core.
  int user_core = 0;
  int item_core = 0;
  // Weighting used to re-aggregate events for the rating filter; must equal the one
  // the dataset was loaded with.
  WeightingOptions weighting;

  // ---- protocol details ----
  // temporal: a fixed cut (unix seconds): train = before, test = at or after, valid empty.
  std::optional<int64_t> cut_timestamp;
  // stratified: share of each user's training part carved out as validation when
  // only (train, test) ratios are given.
  double stratified_valid_share = 0.1;
  // Whether the model evaluated on test is fitted on train + valid (true) or train
  // only (false). Unset = the protocol's default (false for random-ratio, as RecBole).
  std::optional<bool> fit_on_valid;

  // Parses one `--filter` text: "rating>=4" (or "min-rating=4"), "weight>=1" (or
  // "min-weight=1"), "kcore=5" (users and items), "user-core=5", "item-core=5".
  Status AddFilter(const std::string& text);
  // Checks the protocol name, ratios (count, range, sum 1 within 1e-6) and filters.
  Status Validate() const;
  // "rating>=4, kcore=5" ("none" when no filter).
  std::string DescribeFilters() const;
};

// Counts after each filter step (for the report).
struct FilterStats {
  idx_t pairs_in = 0;           // aggregated pairs before filtering (positives and negatives)
  idx_t pairs_after_rating = 0;  // after the rating filter (= pairs_in without it)
  idx_t pairs_positive = 0;     // after dropping weight <= 0 and deleted items
  idx_t pairs_after_weight = 0;
  idx_t pairs_out = 0;          // after k-core
  idx_t users_out = 0;          // users with >= 1 pair left
  idx_t items_out = 0;          // items with >= 1 pair left
};

// Train / valid / test: n_users x n_items matrices over one index space, pairwise disjoint.
struct Split {
  std::string protocol;
  Interactions train;
  Interactions valid;  // may be empty (nnz 0)
  Interactions test;
  // What the model evaluated on test is fitted on: train, or train + valid.
  Interactions fit;
  bool fit_on_valid = false;
  // Items that may be recommended when ranking for test / for valid. Usually the
  // active catalogue (items with >= 1 pair after filtering); new-items restricts
  // them to the held-out items.
  std::vector<bool> test_candidates;
  std::vector<bool> valid_candidates;
  FilterStats filter_stats;
  idx_t pairs_dropped_cold_users = 0;  // temporal: held-out pairs of users absent from training
};

// Applies the filters of `options` to the dataset: the positive pairs left.
// `stats` (optional) receives the counts.
StatusOr<std::vector<Interaction>> FilterInteractions(const Dataset& data, const ProtocolOptions& options,
                                                      FilterStats* stats = nullptr);

// Iterated k-core on pairs (users with >= user_core and items with >= item_core pairs).
std::vector<Interaction> KCore(std::vector<Interaction> pairs, int user_core, int item_core);

// Splits already-filtered positive pairs (any order, unique (user, item)).
// REQUIRES: indices within n_users x n_items.
StatusOr<Split> SplitPairs(idx_t n_users, idx_t n_items, std::span<const Interaction> pairs,
                           const ProtocolOptions& options);

// FilterInteractions + SplitPairs.
StatusOr<Split> MakeSplit(const Dataset& data, const ProtocolOptions& options);

// Registered protocols.
struct ProtocolEntry {
  std::string name;
  std::string summary;
  std::vector<double> default_ratios;
  bool default_fit_on_valid = true;
};
std::span<const ProtocolEntry> ProtocolRegistry();
std::vector<std::string> ProtocolNames();
// NotFound-style InvalidArgument listing the known names when absent.
StatusOr<const ProtocolEntry*> FindProtocol(const std::string& name);

// Deterministic 64-bit generator (SplitMix64) with an unbiased bounded draw, so
// splits are identical on every platform and standard library.
class SplitRng {
 public:
  explicit SplitRng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [0, 1).
  double Uniform();
  // Fisher-Yates shuffle.
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  uint64_t state_;
};

// Round half to even (numpy / pandas round), used by the stratified cut.
double RoundHalfEven(double x);

}  // namespace encore
