#include "models/ease.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "core/parallel.h"
#include "core/progress.h"

namespace encore {
namespace {

constexpr char kEaseMagic[] = "EASE";
constexpr uint32_t kEaseVersion = 1;
constexpr double kBytesPerMb = 1024.0 * 1024.0;

double PhysicalMemoryBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 4.0 * 1024 * kBytesPerMb;  // unknown: assume 4 GiB
  return static_cast<double>(pages) * static_cast<double>(page_size);
}

std::string Gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f GiB", bytes / (1024.0 * kBytesPerMb));
  return buf;
}

}  // namespace

StatusOr<std::unique_ptr<Recommender>> Ease::Create(const ModelParams& params) {
  EaseOptions o;
  ParamReader r("ease", params);
  ENCORE_RETURN_IF_ERROR(r.Float("lambda", &o.lambda, 1e-6, 1e9));
  ENCORE_RETURN_IF_ERROR(r.Choice("form", &o.form, {"auto", "primal", "dual"}));
  ENCORE_RETURN_IF_ERROR(r.Bool("binary", &o.binary));
  ENCORE_RETURN_IF_ERROR(r.Int("memory_limit_mb", &o.memory_limit_mb, 0, int64_t{1} << 40));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new Ease(o));
}

ModelParams Ease::Params() const {
  return {{"lambda", std::to_string(options_.lambda)},
          {"form", options_.form},
          {"binary", options_.binary ? "true" : "false"},
          {"memory_limit_mb", std::to_string(options_.memory_limit_mb)}};
}

double Ease::RequiredBytes(idx_t n_users, idx_t n_items, const std::string& form) {
  // primal: Gram/Cholesky factor + inverse, floats. dual: K/factor + K^-1, doubles.
  if (form == "dual") return 2.0 * static_cast<double>(n_users) * static_cast<double>(n_users) * sizeof(double);
  return 2.0 * static_cast<double>(n_items) * static_cast<double>(n_items) * sizeof(float);
}

std::string Ease::ResolvedForm(idx_t n_users, idx_t n_items) const {
  if (options_.form != "auto") return options_.form;
  return n_users * 2 <= n_items ? "dual" : "primal";
}

Status Ease::Fit(const TrainContext& ctx, const Interactions& train) {
  const idx_t n_users = train.n_users();
  const idx_t n_items = train.n_items();
  const std::string form = ResolvedForm(n_users, n_items);
  const double limit = options_.memory_limit_mb > 0 ? static_cast<double>(options_.memory_limit_mb) * kBytesPerMb
                                                    : 0.5 * PhysicalMemoryBytes();
  const double needed = RequiredBytes(n_users, n_items, form);
  if (needed > limit) {
    const std::string other = form == "dual" ? "primal" : "dual";
    const double other_needed = RequiredBytes(n_users, n_items, other);
    std::string hint = other_needed <= limit ? "use form=" + other + " (needs " + Gib(other_needed) + "), "
                                             : std::string();
    return ResourceExhausted("ease: the " + form + " form needs " + Gib(needed) + " of dense matrices for " +
                             std::to_string(n_users) + " users x " + std::to_string(n_items) +
                             " items but the limit is " + Gib(limit) + "; " + hint +
                             "drop rare items before training, raise memory_limit_mb, or use a sparse model "
                             "(itemknn, rp3beta, ials) that scales to this size");
  }

  history_ = UserHistory::FromInteractions(train, options_.binary);
  n_items_ = n_items;
  dual_ = form == "dual";
  b_rows_.clear();
  k_inv_.clear();
  col_ptr_.clear();
  col_users_.clear();
  col_values_.clear();
  p_diag_.clear();
  const float lambda = static_cast<float>(options_.lambda);

  // X by item: the columns of X.
  col_ptr_.assign(n_items + 1, 0);
  for (idx_t u = 0; u < n_users; ++u)
    for (ItemIdx i : history_.Items(u)) ++col_ptr_[i + 1];
  for (idx_t i = 0; i < n_items; ++i) col_ptr_[i + 1] += col_ptr_[i];
  col_users_.resize(history_.nnz());
  col_values_.resize(history_.nnz());
  {
    std::vector<idx_t> next(col_ptr_.begin(), col_ptr_.end() - 1);
    for (idx_t u = 0; u < n_users; ++u) {
      auto items = history_.Items(u);
      auto values = history_.Weights(u);
      for (size_t k = 0; k < items.size(); ++k) {
        idx_t dst = next[items[k]]++;
        col_users_[dst] = static_cast<UserIdx>(u);
        col_values_[dst] = values[k];
      }
    }
  }
  Progress progress("ease " + form, 3, ctx.run.progress);

  if (!dual_) {
    // G = X^T X + lambda I, column i built by one worker from the users of item i:
    // cost sum_u |x_u|^2, far below a dense product on sparse data.
    Eigen::MatrixXf g = Eigen::MatrixXf::Zero(n_items, n_items);  // [items, items]
    ENCORE_RETURN_IF_ERROR(ParallelFor(n_items, ctx.run.threads, [&](idx_t begin, idx_t end, int) {
      for (idx_t i = begin; i < end; ++i) {
        float* column = g.col(i).data();
        for (idx_t k = col_ptr_[i]; k < col_ptr_[i + 1]; ++k) {
          const float x_ui = col_values_[k];
          auto items = history_.Items(col_users_[k]);
          auto values = history_.Weights(col_users_[k]);
          for (size_t m = 0; m < items.size(); ++m) column[items[m]] += x_ui * values[m];
        }
        column[i] += lambda;
      }
      return Status::Ok();
    }));
    progress.Advance();
    Eigen::LLT<Eigen::Ref<Eigen::MatrixXf>> llt(g);  // factorises g in place
    if (llt.info() != Eigen::Success) {
      return Internal("ease: the Gram matrix is not positive definite; increase lambda");
    }
    progress.Advance();
    b_rows_.assign(static_cast<size_t>(n_items) * n_items, 0.0f);
    Eigen::Map<Eigen::MatrixXf> p(b_rows_.data(), n_items, n_items);  // P, then B^T
    p.setIdentity();
    llt.solveInPlace(p);
    // B_ij = -P_ij / P_jj. Column i of the stored matrix is row i of B:
    // stored(j, i) = B_ij = -P_ji / P_jj (P symmetric): scale row j by -1/P_jj.
    Eigen::VectorXf inv_diag = p.diagonal().cwiseInverse();
    ENCORE_RETURN_IF_ERROR(ParallelFor(n_items, ctx.run.threads, [&](idx_t begin, idx_t end, int) {
      for (idx_t i = begin; i < end; ++i) {
        float* column = p.col(i).data();
        for (idx_t j = 0; j < n_items; ++j) column[j] = -column[j] * inv_diag[j];
        column[i] = 0.0f;
      }
      return Status::Ok();
    }));
    progress.Advance();
    return Status::Ok();
  }

  // Dual: K = X X^T + lambda I (doubles: the Woodbury form subtracts nearly equal numbers).
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(n_users, n_users);  // [users, users]
  ENCORE_RETURN_IF_ERROR(ParallelFor(n_users, ctx.run.threads, [&](idx_t begin, idx_t end, int) {
    for (idx_t u = begin; u < end; ++u) {
      double* column = k.col(u).data();
      auto items = history_.Items(u);
      auto values = history_.Weights(u);
      for (size_t m = 0; m < items.size(); ++m) {
        for (idx_t q = col_ptr_[items[m]]; q < col_ptr_[items[m] + 1]; ++q) {
          column[col_users_[q]] += static_cast<double>(values[m]) * col_values_[q];
        }
      }
      column[u] += options_.lambda;
    }
    return Status::Ok();
  }));
  progress.Advance();
  Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>> llt(k);
  if (llt.info() != Eigen::Success) return Internal("ease: X X^T + lambda I is not positive definite");
  k_inv_.assign(static_cast<size_t>(n_users) * n_users, 0.0);
  Eigen::Map<Eigen::MatrixXd> k_inv(k_inv_.data(), n_users, n_users);
  k_inv.setIdentity();
  llt.solveInPlace(k_inv);
  progress.Advance();
  // P_jj = (1 - x_j^T K^-1 x_j) / lambda, x_j the column of item j.
  p_diag_.assign(n_items, 0.0);
  ENCORE_RETURN_IF_ERROR(ParallelFor(n_items, ctx.run.threads, [&](idx_t begin, idx_t end, int) {
    for (idx_t j = begin; j < end; ++j) p_diag_[j] = DualP(static_cast<ItemIdx>(j), static_cast<ItemIdx>(j));
    return Status::Ok();
  }));
  progress.Advance();
  return Status::Ok();
}

double Ease::DualP(ItemIdx i, ItemIdx j) const {
  const idx_t n_users = history_.n_users();
  double quad = 0;
  for (idx_t a = col_ptr_[i]; a < col_ptr_[i + 1]; ++a) {
    const double* column = k_inv_.data() + static_cast<idx_t>(col_users_[a]) * n_users;
    double inner = 0;
    for (idx_t b = col_ptr_[j]; b < col_ptr_[j + 1]; ++b) inner += column[col_users_[b]] * col_values_[b];
    quad += col_values_[a] * inner;
  }
  return ((i == j ? 1.0 : 0.0) - quad) / options_.lambda;
}

void Ease::ScoreSparse(std::span<const ItemIdx> items, std::span<const float> values,
                       std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  if (!dual_) {
    // scores: [items] = sum over history of x_i * (row i of B)
    for (size_t m = 0; m < items.size(); ++m) {
      const float* row = b_rows_.data() + static_cast<idx_t>(items[m]) * n_items_;
      const float x = values[m];
      for (idx_t j = 0; j < n_items_; ++j) scores[j] += x * row[j];
    }
    return;
  }
  const idx_t n_users = history_.n_users();
  // y = X x: [users]; z = K^-1 y; t = X^T z: [items]; xP = (x - t) / lambda;
  // score_j = x_j - (xP)_j / P_jj.
  Eigen::VectorXd y = Eigen::VectorXd::Zero(n_users);
  for (size_t m = 0; m < items.size(); ++m) {
    for (idx_t q = col_ptr_[items[m]]; q < col_ptr_[items[m] + 1]; ++q) {
      y[col_users_[q]] += static_cast<double>(values[m]) * col_values_[q];
    }
  }
  Eigen::Map<const Eigen::MatrixXd> k_inv(k_inv_.data(), n_users, n_users);
  Eigen::VectorXd z = k_inv * y;
  std::vector<double> t(n_items_, 0.0);
  for (idx_t v = 0; v < n_users; ++v) {
    const double z_v = z[v];
    if (z_v == 0) continue;
    auto row = history_.Items(v);
    auto row_values = history_.Weights(v);
    for (size_t m = 0; m < row.size(); ++m) t[row[m]] += z_v * row_values[m];
  }
  for (idx_t j = 0; j < n_items_; ++j) t[j] = -t[j];
  for (size_t m = 0; m < items.size(); ++m) t[items[m]] += values[m];
  // t now holds x - X^T z = lambda * xP.
  for (idx_t j = 0; j < n_items_; ++j) {
    scores[j] = static_cast<float>(-(t[j] / options_.lambda) / p_diag_[j]);
  }
  for (size_t m = 0; m < items.size(); ++m) scores[items[m]] += values[m];
}

Status Ease::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("ease", user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("ease", items, scores, n_items_));
  if (!dual_) {
    auto hist = history_.Items(user);
    auto values = history_.Weights(user);
    for (size_t n = 0; n < items.size(); ++n) {
      float s = 0;
      for (size_t m = 0; m < hist.size(); ++m) {
        s += values[m] * b_rows_[static_cast<idx_t>(hist[m]) * n_items_ + items[n]];
      }
      scores[n] = s;
    }
    return Status::Ok();
  }
  std::vector<float> all(n_items_);
  ScoreSparse(history_.Items(user), history_.Weights(user), all);
  for (size_t n = 0; n < items.size(); ++n) scores[n] = all[items[n]];
  return Status::Ok();
}

Status Ease::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("ease", user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("ease", {}, {}, scores, n_items_));
  ScoreSparse(history_.Items(user), history_.Weights(user), scores);
  return Status::Ok();
}

Status Ease::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                          std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("ease", history, weights, scores, n_items_));
  std::vector<ItemIdx> items;
  std::vector<float> values;
  HistoryToSparse(history, weights, options_.binary, &items, &values);
  ScoreSparse(items, values, scores);
  return Status::Ok();
}

Status Ease::Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("ease", user, n_users()));
  const ItemIdx one[1] = {item};
  float unused[1];
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("ease", one, unused, n_items_));
  out->clear();
  auto hist = history_.Items(user);
  auto values = history_.Weights(user);
  for (size_t m = 0; m < hist.size(); ++m) {
    if (hist[m] == item) continue;
    const double b = dual_ ? -DualP(hist[m], item) / p_diag_[item]
                           : b_rows_[static_cast<idx_t>(hist[m]) * n_items_ + item];
    out->push_back({hist[m], static_cast<float>(values[m] * b)});
  }
  std::sort(out->begin(), out->end(), [](const Contribution& a, const Contribution& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
  });
  return Status::Ok();
}

Status Ease::SaveBody(BinaryWriter& out) const {
  out.Header(kEaseMagic, kEaseVersion);
  out.Pod<int64_t>(n_items_);
  out.Pod<uint8_t>(dual_ ? 1 : 0);
  history_.Save(out);
  if (!dual_) {
    out.Vector(b_rows_);
  } else {
    out.Vector(k_inv_);
    out.Vector(col_ptr_);
    out.Vector(col_users_);
    out.Vector(col_values_);
    out.Vector(p_diag_);
  }
  return Status::Ok();
}

Status Ease::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kEaseMagic, kEaseVersion));
  (void)version;
  int64_t n_items = 0;
  uint8_t dual = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  ENCORE_RETURN_IF_ERROR(in.Pod(&dual));
  if (n_items < 0 || n_items > kMaxEntities || dual > 1) return DataLoss(in.name() + ": corrupt ease header");
  n_items_ = n_items;
  dual_ = dual == 1;
  ENCORE_RETURN_IF_ERROR(history_.Load(in, n_items_));
  const idx_t n_users = history_.n_users();
  if (!dual_) {
    ENCORE_RETURN_IF_ERROR(in.Vector(&b_rows_));
    if (b_rows_.size() != static_cast<size_t>(n_items_ * n_items_)) return DataLoss(in.name() + ": ease matrix size");
    return Status::Ok();
  }
  ENCORE_RETURN_IF_ERROR(in.Vector(&k_inv_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&col_ptr_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&col_users_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&col_values_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&p_diag_));
  if (k_inv_.size() != static_cast<size_t>(n_users * n_users) ||
      col_ptr_.size() != static_cast<size_t>(n_items_ + 1) || col_ptr_.back() != history_.nnz() ||
      col_users_.size() != static_cast<size_t>(history_.nnz()) || col_values_.size() != col_users_.size() ||
      p_diag_.size() != static_cast<size_t>(n_items_)) {
    return DataLoss(in.name() + ": corrupt ease dual tables");
  }
  for (UserIdx u : col_users_) {
    if (u < 0 || u >= n_users) return DataLoss(in.name() + ": ease user index out of range");
  }
  for (size_t i = 0; i + 1 < col_ptr_.size(); ++i) {
    if (col_ptr_[i] > col_ptr_[i + 1]) return DataLoss(in.name() + ": corrupt ease column offsets");
  }
  return Status::Ok();
}

}  // namespace encore
