#include "models/bpr.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <span>

#include <Eigen/Core>

#include "core/parallel.h"
#include "core/progress.h"
#include "core/random.h"
#include "models/factor_kernels.h"
#include "models/factor_tables.h"

namespace encore {
namespace {

constexpr char kBprMagic[] = "BPRM";
constexpr uint32_t kBprVersion = 1;
constexpr idx_t kUserGrain = 256;
// Uniform negatives that hit the user's own items are redrawn at most this often.
constexpr int kMaxRejections = 8;

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// SplitMix64: a cheap, well-mixed per-user stream from (seed, epoch, user).
struct SplitMix {
  uint64_t state;
  uint64_t Next() { return SplitMix64Next(state); }
  // Uniform in [0, n) (multiply-shift, no modulo bias worth mentioning at these sizes).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
};

// A 64-byte aligned copy of a [n, stride] factor table (stride a multiple of 8
// floats, so no row crosses more cache lines than its size needs).
class AlignedRows {
 public:
  explicit AlignedRows(const std::vector<float>& table) : storage_(table.size() + kCacheLineFloats) {
    void* begin = storage_.data();
    size_t space = storage_.size() * sizeof(float);
    data_ = static_cast<float*>(std::align(kCacheLine, table.size() * sizeof(float), begin, space));
    std::copy(table.begin(), table.end(), data_);
  }
  float* data() { return data_; }
  void CopyTo(std::vector<float>* table) const { std::copy_n(data_, table->size(), table->data()); }

 private:
  static constexpr size_t kCacheLine = 64;
  static constexpr size_t kCacheLineFloats = kCacheLine / sizeof(float);
  std::vector<float> storage_;
  float* data_ = nullptr;
};

// One worker's "does the current user have item j" table: stamp[j] == current
// when she does. O(1) and branch-free, where a binary search of her row costs a
// chain of mispredicted branches per negative.
struct SeenItems {
  std::vector<uint32_t> stamp;  // [n_items]
  uint32_t current = 0;
  void Mark(std::span<const ItemIdx> row) {
    if (++current == 0) {  // wrapped: forget every old stamp
      std::fill(stamp.begin(), stamp.end(), 0);
      current = 1;
    }
    for (ItemIdx i : row) stamp[i] = current;
  }
  bool Has(ItemIdx j) const { return stamp[j] == current; }
};

// What every worker shares in one epoch.
struct BprEpoch {
  const FactorKernels* kernels = nullptr;
  const UserHistory* positives = nullptr;
  const std::vector<ItemIdx>* all_items = nullptr;  // popularity draws
  float* user_factors = nullptr;                    // [n_users, stride], 64-byte aligned
  float* item_factors = nullptr;                    // [n_items, stride], 64-byte aligned
  float* item_bias = nullptr;                       // [n_items]
  idx_t n_items = 0;
  int stride = 0;
  float lr = 0;
  float reg = 0;
  bool uniform = true;
  uint64_t seed = 0;
  int epoch = 0;
};

struct Triple {
  ItemIdx positive;
  ItemIdx negative;  // kNoItem: every draw hit the user's own items; the sample is skipped
};

// Samples are drawn this many steps before their update so the two item rows
// they touch can be prefetched (a power of two).
constexpr int kPrefetchAhead = 8;

void PrefetchRow(const float* row, int stride) {
  for (int f = 0; f < stride; f += 16) __builtin_prefetch(row + f, 1, 3);
}

// Runs one epoch's samples for `users`: as many (positive, negative) draws per
// user as she has positives. Returns the summed -log sigmoid(x_uij) when
// kTrackLoss (not computed otherwise: two transcendentals per sample).
template <bool kTrackLoss>
double TrainUsers(const BprEpoch& e, std::span<const UserIdx> users, SeenItems* seen) {
  double loss = 0;
  const auto row_of = [&](ItemIdx item) { return e.item_factors + static_cast<idx_t>(item) * e.stride; };
  for (const UserIdx u : users) {
    auto row = e.positives->Items(u);
    if (row.empty() || static_cast<idx_t>(row.size()) >= e.n_items) continue;
    seen->Mark(row);
    SplitMix stream{e.seed ^ (static_cast<uint64_t>(e.epoch) << 40) ^
                    (static_cast<uint64_t>(u) * 0x632BE59BD9B4E019ull)};
    // A random positive of this user (with replacement), then a negative.
    const auto draw = [&]() {
      Triple t{row[stream.Below(row.size())], kNoItem};
      for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
        const ItemIdx j = e.uniform ? static_cast<ItemIdx>(stream.Below(e.n_items))
                                    : (*e.all_items)[stream.Below(e.all_items->size())];
        if (!seen->Has(j)) {
          t.negative = j;
          PrefetchRow(row_of(t.positive), e.stride);
          PrefetchRow(row_of(j), e.stride);
          break;
        }
      }
      return t;
    };
    float* w = e.user_factors + static_cast<idx_t>(u) * e.stride;
    const size_t n_samples = row.size();
    Triple ahead[kPrefetchAhead];
    for (size_t n = 0; n < n_samples && n < kPrefetchAhead; ++n) ahead[n] = draw();
    for (size_t n = 0; n < n_samples; ++n) {
      const Triple t = ahead[n % kPrefetchAhead];
      if (n + kPrefetchAhead < n_samples) ahead[n % kPrefetchAhead] = draw();
      if (t.negative == kNoItem) continue;
      const float margin = e.kernels->bpr_step(w, row_of(t.positive), row_of(t.negative), e.item_bias + t.positive,
                                               e.item_bias + t.negative, e.lr, e.reg, e.stride);
      if constexpr (kTrackLoss) {
        // -log sigmoid(m) = log1p(exp(-m)), stable for both signs.
        loss += margin > 0 ? std::log1p(std::exp(-margin)) : -margin + std::log1p(std::exp(margin));
      }
    }
  }
  return loss;
}

}  // namespace

StatusOr<std::unique_ptr<Recommender>> Bpr::Create(const ModelParams& params) {
  BprOptions o;
  ParamReader r("bpr", params);
  ENCORE_RETURN_IF_ERROR(r.Int("factors", &o.factors, 1, 4096));
  ENCORE_RETURN_IF_ERROR(r.Int("epochs", &o.epochs, 0, 100000));
  ENCORE_RETURN_IF_ERROR(r.Float("learning_rate", &o.learning_rate, 1e-8, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Float("reg", &o.reg, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Choice("negatives", &o.negatives, {"uniform", "popularity"}));
  ENCORE_RETURN_IF_ERROR(r.Float("init_scale", &o.init_scale, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  if (o.learning_rate * o.reg >= 1.0) {
    return InvalidArgument("bpr: learning_rate * reg must be below 1 (the decay step would flip signs)");
  }
  return std::unique_ptr<Recommender>(new Bpr(o));
}

ModelParams Bpr::Params() const {
  return {{"factors", std::to_string(options_.factors)},
          {"epochs", std::to_string(options_.epochs)},
          {"learning_rate", std::to_string(options_.learning_rate)},
          {"reg", std::to_string(options_.reg)},
          {"negatives", options_.negatives},
          {"init_scale", std::to_string(options_.init_scale)}};
}

Status Bpr::Fit(const TrainContext& ctx, const Interactions& train) { return FitTracked(ctx, train, nullptr); }

Status Bpr::FitTracked(const TrainContext& ctx, const Interactions& train, std::vector<double>* losses) {
  n_users_ = train.n_users();
  n_items_ = train.n_items();
  stride_ = PaddedRank(options_.factors);
  const UserHistory positives = UserHistory::FromInteractions(train, true);
  std::vector<ItemIdx> all_items;  // every positive pair's item: popularity-proportional draws
  if (options_.negatives == "popularity") {
    for (idx_t u = 0; u < n_users_; ++u) {
      auto row = positives.Items(u);
      all_items.insert(all_items.end(), row.begin(), row.end());
    }
  }

  std::mt19937_64 rng(ctx.run.seed);
  std::normal_distribution<float> normal(0.0f, static_cast<float>(options_.init_scale / std::sqrt(options_.factors)));
  auto init = [&](std::vector<float>* f, idx_t n) {
    f->assign(static_cast<size_t>(n) * stride_, 0.0f);
    for (idx_t r = 0; r < n; ++r)
      for (int c = 0; c < options_.factors; ++c) (*f)[r * stride_ + c] = normal(rng);
  };
  init(&user_factors_, n_users_);
  init(&item_factors_, n_items_);
  item_bias_.assign(n_items_, 0.0f);
  if (positives.nnz() == 0 || n_items_ < 2 || options_.epochs == 0) return Status::Ok();

  // Train on cache-line aligned copies (a vector's buffer is only 16-byte
  // aligned, so a 64-factor row would straddle five lines instead of four).
  AlignedRows users(user_factors_);
  AlignedRows items(item_factors_);
  const int threads = std::max(1, ctx.run.threads);
  BprEpoch epoch_state;
  epoch_state.kernels = &BestFactorKernels();
  epoch_state.positives = &positives;
  epoch_state.all_items = &all_items;
  epoch_state.user_factors = users.data();
  epoch_state.item_factors = items.data();
  epoch_state.item_bias = item_bias_.data();
  epoch_state.n_items = n_items_;
  epoch_state.stride = stride_;
  epoch_state.lr = static_cast<float>(options_.learning_rate);
  epoch_state.reg = static_cast<float>(options_.reg);
  epoch_state.uniform = options_.negatives == "uniform";
  epoch_state.seed = ctx.run.seed;
  std::vector<UserIdx> order(n_users_);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> thread_loss(threads);
  // Per worker: the stamp of the user whose items are marked, per item.
  std::vector<SeenItems> seen(threads);
  for (SeenItems& s : seen) s.stamp.assign(n_items_, 0);

  Progress progress("bpr", options_.epochs, ctx.run.progress);
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    std::fill(thread_loss.begin(), thread_loss.end(), 0.0);
    epoch_state.epoch = epoch;
    ENCORE_RETURN_IF_ERROR(ParallelFor(
        n_users_, threads,
        [&](idx_t begin, idx_t end, int worker) {
          std::span<const UserIdx> users_part(order.data() + begin, static_cast<size_t>(end - begin));
          thread_loss[worker] += losses != nullptr ? TrainUsers<true>(epoch_state, users_part, &seen[worker])
                                                   : TrainUsers<false>(epoch_state, users_part, &seen[worker]);
          return Status::Ok();
        },
        kUserGrain));
    if (losses != nullptr) {
      losses->push_back(std::accumulate(thread_loss.begin(), thread_loss.end(), 0.0) /
                        static_cast<double>(positives.nnz()));
      progress.SetNote("loss " + std::to_string(losses->back()));
    }
    progress.Advance();
  }
  users.CopyTo(&user_factors_);
  items.CopyTo(&item_factors_);
  progress.Finish();
  return Status::Ok();
}

std::vector<float> Bpr::UserFactors(UserIdx user) const {
  return FactorRow(user_factors_, user, stride_, options_.factors);
}

std::vector<float> Bpr::ItemFactors(ItemIdx item) const {
  return FactorRow(item_factors_, item, stride_, options_.factors);
}

Status Bpr::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("bpr", user, n_users_));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("bpr", items, scores, n_items_));
  const FactorKernels& kernels = BestFactorKernels();
  const float* w = user_factors_.data() + static_cast<idx_t>(user) * stride_;
  for (size_t n = 0; n < items.size(); ++n) {
    scores[n] = kernels.dot(w, item_factors_.data() + static_cast<idx_t>(items[n]) * stride_, stride_) +
                item_bias_[items[n]];
  }
  return Status::Ok();
}

Status Bpr::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("bpr", user, n_users_));
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("bpr", {}, {}, scores, n_items_));
  if (n_items_ == 0) return Status::Ok();
  // scores: [n_items] = H [n_items, stride] * w_u [stride] + b
  Eigen::Map<const RowMatrix> h(item_factors_.data(), n_items_, stride_);
  Eigen::Map<const Eigen::VectorXf> w(user_factors_.data() + static_cast<idx_t>(user) * stride_, stride_);
  Eigen::Map<const Eigen::VectorXf> b(item_bias_.data(), n_items_);
  Eigen::Map<Eigen::VectorXf> out(scores.data(), n_items_);
  out.noalias() = h * w;
  out += b;
  return Status::Ok();
}

Status Bpr::ItemVectors(std::vector<float>* vectors, int* dim) const {
  const int d = options_.factors + 1;
  vectors->resize(static_cast<size_t>(n_items_) * d);
  for (idx_t i = 0; i < n_items_; ++i) {
    std::copy_n(item_factors_.data() + i * stride_, options_.factors, vectors->data() + i * d);
    (*vectors)[i * d + options_.factors] = item_bias_[i];
  }
  *dim = d;
  return Status::Ok();
}

Status Bpr::UserVector(UserIdx user, std::span<const ItemIdx>, std::span<const float>,
                       std::vector<float>* out) const {
  if (user == kNoUser) return Unimplemented("bpr: no fold-in for users outside training; use ials");
  ENCORE_RETURN_IF_ERROR(CheckUser("bpr", user, n_users_));
  *out = UserFactors(user);
  out->push_back(1.0f);
  return Status::Ok();
}

Status Bpr::SaveBody(BinaryWriter& out) const {
  out.Header(kBprMagic, kBprVersion);
  SaveFactorTables(out, options_.factors, n_users_, n_items_, stride_, user_factors_, item_factors_);
  out.Vector(item_bias_);
  return Status::Ok();
}

Status Bpr::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kBprMagic, kBprVersion));
  (void)version;
  FactorTables tables;
  ENCORE_RETURN_IF_ERROR(LoadFactorTables(in, "bpr", options_.factors, &tables));
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_bias_));
  if (item_bias_.size() != static_cast<size_t>(tables.n_items)) {
    return DataLoss(in.name() + ": bpr item biases have the wrong size");
  }
  n_users_ = tables.n_users;
  n_items_ = tables.n_items;
  stride_ = tables.stride;
  user_factors_ = std::move(tables.user_factors);
  item_factors_ = std::move(tables.item_factors);
  return Status::Ok();
}

}  // namespace encore
