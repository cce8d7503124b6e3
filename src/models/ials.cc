#include "models/ials.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "core/parallel.h"
#include "core/progress.h"
#include "models/factor_kernels.h"
#include "models/factor_tables.h"

namespace encore {
namespace {

constexpr char kIalsMagic[] = "IALS";
constexpr uint32_t kIalsVersion = 1;
// Rows handed to a worker at a time: enough to amortise scheduling, small
// enough to balance skewed row lengths.
constexpr idx_t kRowGrain = 64;

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// out = scale * F^T F for F: [n, stride] (padding columns stay zero).
void Gram(const std::vector<float>& factors, idx_t n, int stride, float scale, std::vector<float>* out) {
  out->assign(static_cast<size_t>(stride) * stride, 0.0f);
  if (n == 0) return;
  Eigen::Map<const RowMatrix> f(factors.data(), n, stride);
  Eigen::Map<RowMatrix> g(out->data(), stride, stride);
  g.noalias() = scale * (f.transpose() * f);  // BLAS sgemm under EIGEN_USE_BLAS
}

}  // namespace

// One side of the problem: the rows being solved (CSR with confidences).
struct Ials::RowData {
  std::vector<idx_t> ptr;
  std::vector<ItemIdx> idx;
  std::vector<float> conf;
};

StatusOr<std::unique_ptr<Recommender>> Ials::Create(const ModelParams& params) {
  IalsOptions o;
  ParamReader r("ials", params);
  ENCORE_RETURN_IF_ERROR(r.Int("factors", &o.factors, 1, 4096));
  ENCORE_RETURN_IF_ERROR(r.Int("epochs", &o.epochs, 0, 10000));
  ENCORE_RETURN_IF_ERROR(r.Float("reg", &o.reg, 0.0, 1e9));
  ENCORE_RETURN_IF_ERROR(r.Float("nu", &o.nu, 0.0, 2.0));
  ENCORE_RETURN_IF_ERROR(r.Float("alpha", &o.alpha, 0.0, 1e6));
  ENCORE_RETURN_IF_ERROR(r.Float("unobserved", &o.unobserved, 0.0, 1.0));
  ENCORE_RETURN_IF_ERROR(r.Bool("binary", &o.binary));
  ENCORE_RETURN_IF_ERROR(r.Choice("solver", &o.solver, {"cg", "exact"}));
  ENCORE_RETURN_IF_ERROR(r.Int("cg_steps", &o.cg_steps, 1, 100));
  ENCORE_RETURN_IF_ERROR(r.Float("init_scale", &o.init_scale, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  if (o.reg == 0 && o.unobserved == 0) {
    return InvalidArgument("ials: reg and unobserved cannot both be 0 (the row systems would be singular)");
  }
  return std::unique_ptr<Recommender>(new Ials(o));
}

ModelParams Ials::Params() const {
  return {{"factors", std::to_string(options_.factors)},
          {"epochs", std::to_string(options_.epochs)},
          {"reg", std::to_string(options_.reg)},
          {"nu", std::to_string(options_.nu)},
          {"alpha", std::to_string(options_.alpha)},
          {"unobserved", std::to_string(options_.unobserved)},
          {"binary", options_.binary ? "true" : "false"},
          {"solver", options_.solver},
          {"cg_steps", std::to_string(options_.cg_steps)},
          {"init_scale", std::to_string(options_.init_scale)}};
}

float Ials::Confidence(float weight) const {
  return 1.0f + static_cast<float>(options_.alpha) * (options_.binary ? 1.0f : weight);
}

double Ials::RowReg(idx_t row_count, idx_t other_count) const {
  if (options_.nu == 0) return options_.reg;
  return options_.reg *
         std::pow(static_cast<double>(row_count) + options_.unobserved * static_cast<double>(other_count), options_.nu);
}

void Ials::ComputeItemGram() {
  Gram(item_factors_, n_items_, stride_, static_cast<float>(options_.unobserved), &item_gram_);
}

Status Ials::Fit(const TrainContext& ctx, const Interactions& train) { return FitTracked(ctx, train, nullptr); }

Status Ials::FitTracked(const TrainContext& ctx, const Interactions& train, std::vector<double>* losses) {
  n_users_ = train.n_users();
  n_items_ = train.n_items();
  stride_ = PaddedRank(options_.factors);
  history_ = UserHistory::FromInteractions(train, options_.binary);

  // Users side: the training rows; items side: their transpose.
  RowData users, items;
  users.ptr.assign(n_users_ + 1, 0);
  items.ptr.assign(n_items_ + 1, 0);
  users.idx.reserve(history_.nnz());
  users.conf.reserve(history_.nnz());
  for (idx_t u = 0; u < n_users_; ++u) {
    auto row = history_.Items(u);
    auto weights = history_.Weights(u);
    for (size_t k = 0; k < row.size(); ++k) {
      users.idx.push_back(row[k]);
      users.conf.push_back(Confidence(weights[k]));
      ++items.ptr[row[k] + 1];
    }
    users.ptr[u + 1] = static_cast<idx_t>(users.idx.size());
  }
  for (idx_t i = 0; i < n_items_; ++i) items.ptr[i + 1] += items.ptr[i];
  items.idx.resize(users.idx.size());
  items.conf.resize(users.idx.size());
  {
    std::vector<idx_t> next(items.ptr.begin(), items.ptr.end() - 1);
    for (idx_t u = 0; u < n_users_; ++u) {
      for (idx_t k = users.ptr[u]; k < users.ptr[u + 1]; ++k) {
        idx_t dst = next[users.idx[k]]++;
        items.idx[dst] = static_cast<ItemIdx>(u);
        items.conf[dst] = users.conf[k];
      }
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

  const FactorKernels& kernels = BestFactorKernels();
  const bool exact = options_.solver == "exact";
  const int threads = std::max(1, ctx.run.threads);
  // Per-worker scratch, allocated once: the hot loop allocates nothing.
  const size_t scratch_size = static_cast<size_t>(stride_) * stride_ + 3 * static_cast<size_t>(stride_);
  std::vector<std::vector<float>> scratch(threads, std::vector<float>(scratch_size));
  std::vector<float> gram;

  // Solves every row of `rows` against the fixed factors `fixed` (n_fixed rows).
  auto solve_side = [&](const RowData& rows, idx_t n_rows, const std::vector<float>& fixed, idx_t n_fixed,
                        std::vector<float>* out) -> Status {
    Gram(fixed, n_fixed, stride_, static_cast<float>(options_.unobserved), &gram);
    return ParallelFor(
        n_rows, threads,
        [&](idx_t begin, idx_t end, int worker) {
          float* buf = scratch[worker].data();
          RowSystem sys;
          sys.gram = gram.data();
          sys.factors = fixed.data();
          sys.rank = options_.factors;
          sys.stride = stride_;
          sys.unobserved = static_cast<float>(options_.unobserved);
          for (idx_t r = begin; r < end; ++r) {
            const idx_t b = rows.ptr[r];
            const size_t len = static_cast<size_t>(rows.ptr[r + 1] - b);
            sys.idx = {rows.idx.data() + b, len};
            sys.conf = {rows.conf.data() + b, len};
            sys.reg = static_cast<float>(RowReg(static_cast<idx_t>(len), n_fixed));
            float* x = out->data() + r * stride_;
            if (exact) {
              if (!kernels.exact_solve(sys, x, buf)) {
                return Internal("ials: a row system is not positive definite; increase reg");
              }
            } else {
              kernels.cg_solve(sys, options_.cg_steps, x, buf);
            }
          }
          return Status::Ok();
        },
        kRowGrain);
  };

  Progress progress("ials", options_.epochs, ctx.run.progress);
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    ENCORE_RETURN_IF_ERROR(solve_side(items, n_items_, user_factors_, n_users_, &item_factors_));
    ENCORE_RETURN_IF_ERROR(solve_side(users, n_users_, item_factors_, n_items_, &user_factors_));
    if (losses != nullptr) {
      losses->push_back(Loss(train));
      progress.SetNote("loss " + std::to_string(losses->back()));
    }
    progress.Advance();
  }
  progress.Finish();
  ComputeItemGram();
  return Status::Ok();
}

double Ials::Loss(const Interactions& train) const {
  const FactorKernels& kernels = BestFactorKernels();
  const double a0 = options_.unobserved;
  double loss = 0;
  std::vector<idx_t> item_counts(n_items_, 0);
  for (idx_t u = 0; u < train.n_users(); ++u) {
    auto row = train.Row(u);
    auto weights = train.RowWeights(u);
    const float* w = user_factors_.data() + u * stride_;
    idx_t count = 0;
    for (size_t k = 0; k < row.size(); ++k) {
      if (weights[k] <= 0) continue;
      ++count;
      ++item_counts[row[k]];
      const double s = kernels.dot(w, item_factors_.data() + static_cast<idx_t>(row[k]) * stride_, stride_);
      const double c = Confidence(weights[k]);
      loss += c * (1 - s) * (1 - s) - a0 * s * s;
    }
    loss += RowReg(count, n_items_) * kernels.dot(w, w, stride_);
  }
  for (idx_t i = 0; i < n_items_; ++i) {
    const float* h = item_factors_.data() + i * stride_;
    loss += RowReg(item_counts[i], n_users_) * kernels.dot(h, h, stride_);
  }
  // unobserved * sum_{u,i} (w_u.h_i)^2 = unobserved * <W^T W, H^T H>
  std::vector<float> wtw, hth;
  Gram(user_factors_, n_users_, stride_, 1.0f, &wtw);
  Gram(item_factors_, n_items_, stride_, 1.0f, &hth);
  double cross = 0;
  for (size_t k = 0; k < wtw.size(); ++k) cross += static_cast<double>(wtw[k]) * hth[k];
  return loss + a0 * cross;
}

Status Ials::FoldIn(std::span<const ItemIdx> history, std::span<const float> weights,
                    std::vector<float>* out) const {
  if (stride_ == 0) return FailedPrecondition("ials: the model is not trained");
  std::vector<float> dummy(n_items_);
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("ials", history, weights, dummy, n_items_));
  std::vector<ItemIdx> items;
  std::vector<float> values;
  HistoryToSparse(history, weights, options_.binary, &items, &values);
  for (float& v : values) v = Confidence(v);
  RowSystem sys;
  sys.gram = item_gram_.data();
  sys.factors = item_factors_.data();
  sys.rank = options_.factors;
  sys.stride = stride_;
  sys.unobserved = static_cast<float>(options_.unobserved);
  sys.reg = static_cast<float>(RowReg(static_cast<idx_t>(items.size()), n_items_));
  sys.idx = items;
  sys.conf = values;
  std::vector<float> x(stride_, 0.0f);
  std::vector<float> scratch(static_cast<size_t>(stride_) * stride_ + 3 * static_cast<size_t>(stride_));
  if (!BestFactorKernels().exact_solve(sys, x.data(), scratch.data())) {
    return Internal("ials: fold-in system is not positive definite; increase reg");
  }
  x.resize(options_.factors);
  *out = std::move(x);
  return Status::Ok();
}

std::vector<float> Ials::UserFactors(UserIdx user) const {
  return FactorRow(user_factors_, user, stride_, options_.factors);
}

std::vector<float> Ials::ItemFactors(ItemIdx item) const {
  return FactorRow(item_factors_, item, stride_, options_.factors);
}

Status Ials::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("ials", user, n_users_));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("ials", items, scores, n_items_));
  const FactorKernels& kernels = BestFactorKernels();
  const float* w = user_factors_.data() + static_cast<idx_t>(user) * stride_;
  for (size_t n = 0; n < items.size(); ++n) {
    scores[n] = kernels.dot(w, item_factors_.data() + static_cast<idx_t>(items[n]) * stride_, stride_);
  }
  return Status::Ok();
}

Status Ials::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("ials", user, n_users_));
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("ials", {}, {}, scores, n_items_));
  if (n_items_ == 0) return Status::Ok();
  // scores: [n_items] = H [n_items, stride] * w_u [stride]
  Eigen::Map<const RowMatrix> h(item_factors_.data(), n_items_, stride_);
  Eigen::Map<const Eigen::VectorXf> w(user_factors_.data() + static_cast<idx_t>(user) * stride_, stride_);
  Eigen::Map<Eigen::VectorXf>(scores.data(), n_items_).noalias() = h * w;
  return Status::Ok();
}

Status Ials::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                          std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("ials", history, weights, scores, n_items_));
  std::vector<float> x;
  ENCORE_RETURN_IF_ERROR(FoldIn(history, weights, &x));
  x.resize(stride_, 0.0f);
  Eigen::Map<const RowMatrix> h(item_factors_.data(), n_items_, stride_);
  Eigen::Map<const Eigen::VectorXf> w(x.data(), stride_);
  Eigen::Map<Eigen::VectorXf>(scores.data(), n_items_).noalias() = h * w;
  return Status::Ok();
}

Status Ials::Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("ials", user, n_users_));
  const ItemIdx one[1] = {item};
  float unused[1];
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("ials", one, unused, n_items_));
  const int k = options_.factors;
  auto row = history_.Items(user);
  auto weights = history_.Weights(user);
  // A_u = unobserved H^T H + reg_u I + sum_i (c_i - unobserved) h_i h_i^T  (doubles, k x k)
  Eigen::MatrixXd a(k, k);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < k; ++c) a(r, c) = item_gram_[static_cast<size_t>(r) * stride_ + c];
  a.diagonal().array() += RowReg(static_cast<idx_t>(row.size()), n_items_);
  auto factor = [&](ItemIdx i) {
    return Eigen::Map<const Eigen::VectorXf>(item_factors_.data() + static_cast<idx_t>(i) * stride_, k)
        .cast<double>();
  };
  for (size_t m = 0; m < row.size(); ++m) {
    Eigen::VectorXd h = factor(row[m]);
    a.selfadjointView<Eigen::Lower>().rankUpdate(h, Confidence(weights[m]) - options_.unobserved);
  }
  Eigen::LLT<Eigen::MatrixXd> llt(a.selfadjointView<Eigen::Lower>());
  if (llt.info() != Eigen::Success) return Internal("ials: explanation system is not positive definite");
  Eigen::VectorXd v = llt.solve(factor(item));
  out->clear();
  for (size_t m = 0; m < row.size(); ++m) {
    out->push_back({row[m], static_cast<float>(Confidence(weights[m]) * factor(row[m]).dot(v))});
  }
  std::sort(out->begin(), out->end(), [](const Contribution& x, const Contribution& y) {
    return x.weight != y.weight ? x.weight > y.weight : x.item < y.item;
  });
  return Status::Ok();
}

Status Ials::ItemVectors(std::vector<float>* vectors, int* dim) const {
  vectors->resize(static_cast<size_t>(n_items_) * options_.factors);
  for (idx_t i = 0; i < n_items_; ++i) {
    std::copy_n(item_factors_.data() + i * stride_, options_.factors, vectors->data() + i * options_.factors);
  }
  *dim = options_.factors;
  return Status::Ok();
}

Status Ials::UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                        std::vector<float>* out) const {
  if (user == kNoUser) return FoldIn(history, weights, out);
  ENCORE_RETURN_IF_ERROR(CheckUser("ials", user, n_users_));
  *out = UserFactors(user);
  return Status::Ok();
}

Status Ials::SaveBody(BinaryWriter& out) const {
  out.Header(kIalsMagic, kIalsVersion);
  SaveFactorTables(out, options_.factors, n_users_, n_items_, stride_, user_factors_, item_factors_);
  history_.Save(out);
  return Status::Ok();
}

Status Ials::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kIalsMagic, kIalsVersion));
  (void)version;
  FactorTables tables;
  ENCORE_RETURN_IF_ERROR(LoadFactorTables(in, "ials", options_.factors, &tables));
  n_users_ = tables.n_users;
  n_items_ = tables.n_items;
  stride_ = tables.stride;
  user_factors_ = std::move(tables.user_factors);
  item_factors_ = std::move(tables.item_factors);
  ENCORE_RETURN_IF_ERROR(history_.Load(in, n_items_));
  if (history_.n_users() != n_users_) return DataLoss(in.name() + ": ials history has the wrong user count");
  ComputeItemGram();
  return Status::Ok();
}

}  // namespace encore
