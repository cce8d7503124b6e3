#include "eval/splitters.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <sstream>

#include "core/random.h"

namespace encore {
namespace {

constexpr double kRatioTolerance = 1e-6;
constexpr const char* kFilterHelp =
    "rating>=R or min-rating=R, weight>=W or min-weight=W, kcore=K, user-core=K, item-core=K";

// Per-user random streams: derived from the seed and the user index so a
// user's split does not depend on the other users or on iteration order.
SplitRng UserRng(uint64_t seed, UserIdx user) {
  SplitRng mix(seed ^ (0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(user) + 1)));
  return SplitRng(mix.Next());
}

StatusOr<double> ParseNumber(const std::string& text, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
    return InvalidArgument("filter '" + what + "': '" + text + "' is not a number");
  }
  return v;
}

StatusOr<int> ParseCore(const std::string& text, const std::string& what) {
  ENCORE_ASSIGN_OR_RETURN(double v, ParseNumber(text, what));
  if (v < 1 || v > 1e9 || v != std::floor(v)) {
    return InvalidArgument("filter '" + what + "': the core size must be a positive integer");
  }
  return static_cast<int>(v);
}

// Pairs grouped by user: order[offsets[u]..offsets[u+1]) are the indices of user u's pairs.
struct ByUser {
  std::vector<idx_t> offsets;
  std::vector<idx_t> order;
};

ByUser GroupByUser(idx_t n_users, std::span<const Interaction> pairs) {
  ByUser g;
  g.offsets.assign(n_users + 1, 0);
  for (const Interaction& p : pairs) ++g.offsets[p.user + 1];
  for (idx_t u = 0; u < n_users; ++u) g.offsets[u + 1] += g.offsets[u];
  g.order.resize(pairs.size());
  std::vector<idx_t> fill(g.offsets.begin(), g.offsets.end() - 1);
  // Within a user, pairs in ascending item order: the starting point every
  // splitter shuffles or sorts from, independent of the input order.
  std::vector<idx_t> sorted(pairs.size());
  std::iota(sorted.begin(), sorted.end(), 0);
  std::stable_sort(sorted.begin(), sorted.end(), [&](idx_t a, idx_t b) {
    return pairs[a].user != pairs[b].user ? pairs[a].user < pairs[b].user : pairs[a].item < pairs[b].item;
  });
  for (idx_t i : sorted) g.order[fill[pairs[i].user]++] = i;
  return g;
}

enum class Part : uint8_t { kTrain = 0, kValid = 1, kTest = 2, kDrop = 3 };

std::vector<double> Normalised(std::vector<double> ratios) {
  double sum = 0;
  for (double r : ratios) sum += r;
  for (double& r : ratios) r /= sum;
  return ratios;
}

// RecBole's Dataset._calcu_split_ids: valid/test get floor(ratio * n), train the
// rest; a split whose share is in (0, 1) gets one pair while train keeps > 1.
std::vector<idx_t> RecBoleCounts(idx_t n, const std::vector<double>& ratios) {
  std::vector<idx_t> cnt(ratios.size());
  for (size_t i = 0; i < ratios.size(); ++i) cnt[i] = static_cast<idx_t>(ratios[i] * static_cast<double>(n));
  idx_t rest = 0;
  for (size_t i = 1; i < cnt.size(); ++i) rest += cnt[i];
  cnt[0] = n - rest;
  for (size_t i = 1; i < ratios.size(); ++i) {
    if (cnt[0] <= 1) break;
    const double share = ratios[ratios.size() - i] * static_cast<double>(n);
    if (share > 0 && share < 1) {
      ++cnt[ratios.size() - i];
      --cnt[0];
    }
  }
  return cnt;
}

void SplitRandomRatio(const ByUser& g, idx_t n_users, const std::vector<double>& ratios, uint64_t seed,
                      std::vector<Part>& part) {
  std::vector<double> r = Normalised(ratios);
  for (idx_t u = 0; u < n_users; ++u) {
    std::vector<idx_t> idx(g.order.begin() + g.offsets[u], g.order.begin() + g.offsets[u + 1]);
    if (idx.empty()) continue;
    SplitRng rng = UserRng(seed, static_cast<UserIdx>(u));
    rng.Shuffle(idx);
    std::vector<idx_t> cnt = RecBoleCounts(static_cast<idx_t>(idx.size()), r);
    size_t pos = 0;
    for (size_t s = 0; s < cnt.size(); ++s) {
      for (idx_t c = 0; c < cnt[s]; ++c) part[idx[pos++]] = static_cast<Part>(s);
    }
  }
}

// MS Recommenders' _do_stratification: per user random order, the first
// round(train_share * n) pairs (round half to even) are train, the rest test.
// Validation is then carved out of the user's train part the same way.
void SplitStratified(const ByUser& g, idx_t n_users, double train_share, double valid_share_of_train,
                     uint64_t seed, std::vector<Part>& part) {
  for (idx_t u = 0; u < n_users; ++u) {
    std::vector<idx_t> idx(g.order.begin() + g.offsets[u], g.order.begin() + g.offsets[u + 1]);
    if (idx.empty()) continue;
    SplitRng rng = UserRng(seed, static_cast<UserIdx>(u));
    rng.Shuffle(idx);
    const idx_t n = static_cast<idx_t>(idx.size());
    const idx_t n_train = static_cast<idx_t>(RoundHalfEven(train_share * static_cast<double>(n)));
    const idx_t n_valid =
        static_cast<idx_t>(RoundHalfEven(valid_share_of_train * static_cast<double>(n_train)));
    for (idx_t i = 0; i < n; ++i) {
      part[idx[i]] = i < n_train - n_valid ? Part::kTrain : (i < n_train ? Part::kValid : Part::kTest);
    }
  }
}

// SASRec's data_partition: users with < 3 pairs keep everything in train.
void SplitLeaveOneOut(const ByUser& g, idx_t n_users, std::span<const Interaction> pairs,
                      std::vector<Part>& part) {
  for (idx_t u = 0; u < n_users; ++u) {
    std::vector<idx_t> idx(g.order.begin() + g.offsets[u], g.order.begin() + g.offsets[u + 1]);
    std::sort(idx.begin(), idx.end(), [&](idx_t a, idx_t b) {
      return pairs[a].timestamp != pairs[b].timestamp ? pairs[a].timestamp < pairs[b].timestamp
                                                      : pairs[a].item < pairs[b].item;
    });
    for (idx_t i : idx) part[i] = Part::kTrain;
    if (idx.size() >= 3) {
      part[idx[idx.size() - 1]] = Part::kTest;
      part[idx[idx.size() - 2]] = Part::kValid;
    }
  }
}

// The timestamp below which a share q of the pairs lies: sorted[floor(q * n)].
int64_t TimeQuantile(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  idx_t pos = static_cast<idx_t>(std::floor(q * static_cast<double>(sorted.size())));
  pos = std::clamp<idx_t>(pos, 0, static_cast<idx_t>(sorted.size()) - 1);
  return sorted[pos];
}

void SplitTemporal(std::span<const Interaction> pairs, const ProtocolOptions& o,
                   const std::vector<double>& ratios, std::vector<Part>& part) {
  int64_t valid_from = 0, test_from = 0;
  if (o.cut_timestamp) {
    valid_from = test_from = *o.cut_timestamp;
  } else {
    std::vector<int64_t> times;
    times.reserve(pairs.size());
    for (const Interaction& p : pairs) times.push_back(p.timestamp);
    std::sort(times.begin(), times.end());
    std::vector<double> r = Normalised(ratios);
    valid_from = TimeQuantile(times, r[0]);
    test_from = r[2] > 0 ? TimeQuantile(times, r[0] + r[1]) : std::numeric_limits<int64_t>::max();
    if (r[1] <= 0) valid_from = test_from;
  }
  for (size_t i = 0; i < pairs.size(); ++i) {
    const int64_t t = pairs[i].timestamp;
    part[i] = t < valid_from ? Part::kTrain : (t < test_from ? Part::kValid : Part::kTest);
  }
}

Interactions Build(idx_t n_users, idx_t n_items, std::span<const Interaction> pairs, const std::vector<Part>& part,
                   std::initializer_list<Part> wanted) {
  std::vector<Interaction> out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (std::find(wanted.begin(), wanted.end(), part[i]) != wanted.end()) out.push_back(pairs[i]);
  }
  return Interactions::FromTriplets(n_users, n_items, out);
}

const ProtocolEntry kProtocols[] = {
    {"random-ratio", "per-user random split by ratio (RecBole RS, default 8:1:1)", {0.8, 0.1, 0.1}, false},
    {"stratified", "per-user random 75/25, valid carved out of train (MS Recommenders)", {0.75, 0.25}, true},
    {"leave-one-out", "per user: last by time = test, second-to-last = valid (SASRec)", {}, true},
    {"temporal", "global time cut at ratio quantiles or --cut timestamp", {0.8, 0.1, 0.1}, true},
    {"new-items", "a share of items held out of training entirely (cold start)", {0.8, 0.1, 0.1}, true},
};

}  // namespace

uint64_t SplitRng::Next() { return SplitMix64Next(state_); }

uint64_t SplitRng::Below(uint64_t n) {
  // Rejection sampling: unbiased for every n.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = Next();
  while (x >= limit);
  return x % n;
}

double SplitRng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double RoundHalfEven(double x) { return std::nearbyint(x); }  // default FE_TONEAREST = half to even

std::span<const ProtocolEntry> ProtocolRegistry() { return kProtocols; }

std::vector<std::string> ProtocolNames() {
  std::vector<std::string> names;
  for (const ProtocolEntry& e : kProtocols) names.push_back(e.name);
  return names;
}

StatusOr<const ProtocolEntry*> FindProtocol(const std::string& name) {
  for (const ProtocolEntry& e : kProtocols) {
    if (e.name == name) return &e;
  }
  std::string known;
  for (const ProtocolEntry& e : kProtocols) known += (known.empty() ? "" : ", ") + e.name;
  return InvalidArgument("unknown protocol '" + name + "' (known protocols: " + known + ")");
}

Status ProtocolOptions::AddFilter(const std::string& text) {
  auto ge = text.find(">=");
  if (ge != std::string::npos) {
    const std::string key = text.substr(0, ge);
    ENCORE_ASSIGN_OR_RETURN(double v, ParseNumber(text.substr(ge + 2), text));
    if (key == "rating") min_rating = v;
    else if (key == "weight") min_weight = v;
    else return InvalidArgument("unknown filter '" + text + "' (known: " + kFilterHelp + ")");
    return Status::Ok();
  }
  auto eq = text.find('=');
  if (eq != std::string::npos) {
    const std::string key = text.substr(0, eq);
    // Shell-safe spellings of rating>=R and weight>=W (an unquoted '>' is a redirection).
    if (key == "min-rating" || key == "min-weight") {
      ENCORE_ASSIGN_OR_RETURN(double v, ParseNumber(text.substr(eq + 1), text));
      (key == "min-rating" ? min_rating : min_weight) = v;
      return Status::Ok();
    }
    if (key == "kcore" || key == "user-core" || key == "item-core") {
      ENCORE_ASSIGN_OR_RETURN(int k, ParseCore(text.substr(eq + 1), text));
      if (key != "item-core") user_core = k;
      if (key != "user-core") item_core = k;
      return Status::Ok();
    }
  }
  std::string hint;
  if (text == "rating" || text == "weight") {
    hint = "; quote it (--filter '" + text + ">=4') since the shell reads '>' as a redirection, or write min-" +
           text + "=4";
  }
  return InvalidArgument("unknown filter '" + text + "' (known: " + kFilterHelp + ")" + hint);
}

Status ProtocolOptions::Validate() const {
  ENCORE_ASSIGN_OR_RETURN(const ProtocolEntry* entry, FindProtocol(protocol));
  if (!ratios.empty()) {
    if (entry->default_ratios.empty()) {
      return InvalidArgument("protocol '" + protocol + "' takes no ratios (it holds out one item per user)");
    }
    const bool two_ok = protocol == "stratified";
    if (ratios.size() != 3 && !(two_ok && ratios.size() == 2)) {
      return InvalidArgument("--ratios needs three values train,valid,test" +
                             std::string(two_ok ? " (or two: train,test)" : "") + "; got " +
                             std::to_string(ratios.size()));
    }
    double sum = 0;
    for (double r : ratios) {
      if (!(r >= 0 && r <= 1)) return InvalidArgument("--ratios: every ratio must be in [0, 1]");
      sum += r;
    }
    if (std::fabs(sum - 1.0) > kRatioTolerance) {
      std::ostringstream msg;
      msg << "--ratios must sum to 1, got " << sum;
      return InvalidArgument(msg.str());
    }
    if (ratios[0] <= 0) return InvalidArgument("--ratios: the train ratio must be > 0");
    if (ratios.back() <= 0 && !(protocol == "temporal" && cut_timestamp)) {
      return InvalidArgument("--ratios: the test ratio must be > 0");
    }
  }
  if (cut_timestamp && protocol != "temporal") {
    return InvalidArgument("a cut timestamp only applies to the temporal protocol");
  }
  if (!(stratified_valid_share >= 0 && stratified_valid_share < 1)) {
    return InvalidArgument("stratified_valid_share must be in [0, 1)");
  }
  if (user_core < 0 || item_core < 0) return InvalidArgument("k-core sizes must be >= 0");
  return weighting.Validate();
}

std::string ProtocolOptions::DescribeFilters() const {
  std::vector<std::string> parts;
  auto num = [](double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  };
  if (min_rating) parts.push_back("rating>=" + num(*min_rating));
  if (min_weight) parts.push_back("weight>=" + num(*min_weight));
  if (user_core > 0 && user_core == item_core) {
    parts.push_back("kcore=" + std::to_string(user_core));
  } else {
    if (user_core > 0) parts.push_back("user-core=" + std::to_string(user_core));
    if (item_core > 0) parts.push_back("item-core=" + std::to_string(item_core));
  }
  if (parts.empty()) return "none";
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<Interaction> KCore(std::vector<Interaction> pairs, int user_core, int item_core) {
  if (user_core <= 1 && item_core <= 1) return pairs;
  idx_t n_users = 0, n_items = 0;
  for (const Interaction& p : pairs) {
    n_users = std::max<idx_t>(n_users, p.user + 1);
    n_items = std::max<idx_t>(n_items, p.item + 1);
  }
  std::vector<idx_t> user_deg(n_users), item_deg(n_items);
  while (true) {
    std::fill(user_deg.begin(), user_deg.end(), 0);
    std::fill(item_deg.begin(), item_deg.end(), 0);
    for (const Interaction& p : pairs) {
      ++user_deg[p.user];
      ++item_deg[p.item];
    }
    const size_t before = pairs.size();
    std::erase_if(pairs, [&](const Interaction& p) {
      return user_deg[p.user] < user_core || item_deg[p.item] < item_core;
    });
    if (pairs.size() == before) break;
  }
  return pairs;
}

StatusOr<std::vector<Interaction>> FilterInteractions(const Dataset& data, const ProtocolOptions& options,
                                                      FilterStats* stats) {
  FilterStats local;
  FilterStats& st = stats ? *stats : local;
  st = FilterStats{};
  std::vector<Interaction> pairs;
  st.pairs_in = data.interactions.nnz();
  if (options.min_rating) {
    if (data.events.empty()) {
      return FailedPrecondition(
          "the filter rating>=" + std::to_string(*options.min_rating) +
          " needs the raw events: load the dataset with DatasetOptions::keep_events = true");
    }
    std::vector<EventRow> kept;
    kept.reserve(data.events.size());
    bool any_rating = false;
    for (const EventRow& e : data.events) {
      if (e.type == EventType::kRate) {
        any_rating = true;
        if (e.value < *options.min_rating) continue;
      }
      kept.push_back(e);
    }
    if (!any_rating) {
      return InvalidArgument("filter rating>=R: the dataset has no rating events (use weight>=W instead)");
    }
    pairs = AggregateEvents(kept, options.weighting);
    const idx_t n_users = data.interactions.n_users(), n_items = data.interactions.n_items();
    std::erase_if(pairs, [&](const Interaction& p) {
      return p.user < 0 || p.user >= n_users || p.item < 0 || p.item >= n_items;
    });
  } else {
    pairs = data.interactions.ToTriplets();
  }
  st.pairs_after_rating = static_cast<idx_t>(pairs.size());
  std::erase_if(pairs, [&](const Interaction& p) {
    return !(p.weight > 0) ||
           (static_cast<size_t>(p.item) < data.item_deleted.size() && data.item_deleted[p.item]);
  });
  st.pairs_positive = static_cast<idx_t>(pairs.size());
  if (options.min_weight) {
    std::erase_if(pairs, [&](const Interaction& p) { return p.weight < *options.min_weight; });
  }
  st.pairs_after_weight = static_cast<idx_t>(pairs.size());
  pairs = KCore(std::move(pairs), options.user_core, options.item_core);
  st.pairs_out = static_cast<idx_t>(pairs.size());
  std::vector<bool> user_seen(data.interactions.n_users()), item_seen(data.interactions.n_items());
  for (const Interaction& p : pairs) {
    user_seen[p.user] = true;
    item_seen[p.item] = true;
  }
  st.users_out = std::count(user_seen.begin(), user_seen.end(), true);
  st.items_out = std::count(item_seen.begin(), item_seen.end(), true);
  return pairs;
}

StatusOr<Split> SplitPairs(idx_t n_users, idx_t n_items, std::span<const Interaction> pairs,
                           const ProtocolOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  ENCORE_ASSIGN_OR_RETURN(const ProtocolEntry* entry, FindProtocol(options.protocol));
  std::vector<double> ratios = options.ratios.empty() ? entry->default_ratios : options.ratios;
  for (const Interaction& p : pairs) {
    if (p.user < 0 || p.user >= n_users || p.item < 0 || p.item >= n_items) {
      return InvalidArgument("split: pair (" + std::to_string(p.user) + ", " + std::to_string(p.item) +
                             ") outside the " + std::to_string(n_users) + " x " + std::to_string(n_items) +
                             " matrix");
    }
  }
  Split split;
  split.protocol = options.protocol;
  split.fit_on_valid = options.fit_on_valid.value_or(entry->default_fit_on_valid);

  std::vector<bool> active(n_items, false);
  for (const Interaction& p : pairs) active[p.item] = true;
  split.test_candidates = active;
  split.valid_candidates = active;

  std::vector<Part> part(pairs.size(), Part::kTrain);
  const ByUser g = GroupByUser(n_users, pairs);
  const std::string& name = options.protocol;
  if (name == "random-ratio") {
    SplitRandomRatio(g, n_users, ratios, options.seed, part);
  } else if (name == "stratified") {
    double train_share = ratios[0], valid_share = options.stratified_valid_share;
    if (ratios.size() == 3) {
      train_share = ratios[0] + ratios[1];
      valid_share = ratios[1] / train_share;
    }
    SplitStratified(g, n_users, train_share, valid_share, options.seed, part);
  } else if (name == "leave-one-out") {
    SplitLeaveOneOut(g, n_users, pairs, part);
  } else if (name == "temporal") {
    SplitTemporal(pairs, options, ratios, part);
  } else if (name == "new-items") {
    std::vector<ItemIdx> items;
    for (idx_t i = 0; i < n_items; ++i) {
      if (active[i]) items.push_back(static_cast<ItemIdx>(i));
    }
    SplitRng rng(options.seed);
    rng.Shuffle(items);
    std::vector<double> r = Normalised(ratios);
    const idx_t n = static_cast<idx_t>(items.size());
    const idx_t n_test = static_cast<idx_t>(std::llround(r[2] * static_cast<double>(n)));
    const idx_t n_valid = static_cast<idx_t>(std::llround(r[1] * static_cast<double>(n)));
    std::vector<Part> item_part(n_items, Part::kTrain);
    split.test_candidates.assign(n_items, false);
    split.valid_candidates.assign(n_items, false);
    for (idx_t i = 0; i < n && i < n_test + n_valid; ++i) {
      const bool test = i < n_test;
      item_part[items[i]] = test ? Part::kTest : Part::kValid;
      (test ? split.test_candidates : split.valid_candidates)[items[i]] = true;
    }
    for (size_t i = 0; i < pairs.size(); ++i) part[i] = item_part[pairs[i].item];
  } else {
    return Internal("protocol '" + name + "' is registered but has no splitter");
  }

  // Held-out pairs of users with no training pairs cannot be ranked from a history:
  // dropped (only the temporal and new-items protocols can produce them).
  if (name == "temporal" || name == "new-items") {
    std::vector<uint8_t> has_train(n_users, 0), has_fit(n_users, 0);
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (part[i] == Part::kTrain) has_train[pairs[i].user] = has_fit[pairs[i].user] = 1;
      if (part[i] == Part::kValid && split.fit_on_valid) has_fit[pairs[i].user] = 1;
    }
    for (size_t i = 0; i < pairs.size(); ++i) {
      const UserIdx u = pairs[i].user;
      if ((part[i] == Part::kValid && !has_train[u]) || (part[i] == Part::kTest && !has_fit[u])) {
        part[i] = Part::kDrop;
        ++split.pairs_dropped_cold_users;
      }
    }
  }

  split.train = Build(n_users, n_items, pairs, part, {Part::kTrain});
  split.valid = Build(n_users, n_items, pairs, part, {Part::kValid});
  split.test = Build(n_users, n_items, pairs, part, {Part::kTest});
  split.fit = split.fit_on_valid ? Build(n_users, n_items, pairs, part, {Part::kTrain, Part::kValid})
                                 : split.train;
  if (split.test.nnz() == 0) {
    return FailedPrecondition("protocol '" + name + "' left an empty test set (" + std::to_string(pairs.size()) +
                              " pairs after filtering): relax the filters or change the ratios");
  }
  if (split.train.nnz() == 0) {
    return FailedPrecondition("protocol '" + name + "' left an empty training set: change the ratios or cut");
  }
  return split;
}

StatusOr<Split> MakeSplit(const Dataset& data, const ProtocolOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  FilterStats stats;
  ENCORE_ASSIGN_OR_RETURN(std::vector<Interaction> pairs, FilterInteractions(data, options, &stats));
  ENCORE_ASSIGN_OR_RETURN(Split split, SplitPairs(data.interactions.n_users(), data.interactions.n_items(),
                                                  pairs, options));
  split.filter_stats = stats;
  return split;
}

}  // namespace encore
