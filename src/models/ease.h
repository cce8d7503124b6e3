// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019):
// an item-item weight matrix B with zero diagonal from the closed form
//   P = (X^T X + lambda I)^-1,   B_ij = -P_ij / P_jj,   score(u) = x_u B.
//
// Two forms with the same result:
// - primal: the dense [items, items] Gram, Cholesky (Eigen LLT over OpenBLAS);
//   memory 2 * items^2 floats.
// - dual (users much fewer than items): by Woodbury, P = (I - X^T K^-1 X) / lambda
//   with K = X X^T + lambda I of size [users, users] (doubles); B is never formed,
//   scoring goes through X and K^-1.
// Fit refuses with ResourceExhausted before allocating when the dense matrices
// would not fit under `memory_limit_mb`.
#pragma once

#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/user_history.h"

namespace encore {

struct EaseOptions {
  double lambda = 400;          // L2 regularisation added to the Gram diagonal
  std::string form = "auto";    // auto | primal | dual; auto picks dual when users * 2 <= items
  bool binary = true;           // treat every positive interaction as 1 (false: use its weight)
  int64_t memory_limit_mb = 0;  // dense matrices may use at most this much (0 = half the physical memory)
};

class Ease : public Recommender {
 public:
  explicit Ease(EaseOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "ease"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  Status Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const override;
  idx_t n_users() const override { return history_.n_users(); }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // Bytes of dense matrices a fit needs for this shape and form ("primal"/"dual").
  static double RequiredBytes(idx_t n_users, idx_t n_items, const std::string& form);
  // The form Fit used (or would use) for this shape.
  std::string ResolvedForm(idx_t n_users, idx_t n_items) const;
  bool is_dual() const { return dual_; }

 private:
  // scores = x B for the sparse row x (items sorted, values).
  void ScoreSparse(std::span<const ItemIdx> items, std::span<const float> values, std::span<float> scores) const;
  // P_ij (dual form only).
  double DualP(ItemIdx i, ItemIdx j) const;

  EaseOptions options_;
  idx_t n_items_ = 0;
  bool dual_ = false;
  UserHistory history_;  // X, the training rows
  // primal: [items, items] column-major; column i holds row i of B.
  std::vector<float> b_rows_;
  // dual: K^-1 [users, users] (symmetric), X by item (columns of X), diag(P).
  std::vector<double> k_inv_;
  std::vector<idx_t> col_ptr_;
  std::vector<UserIdx> col_users_;
  std::vector<float> col_values_;
  std::vector<double> p_diag_;
};

}  // namespace encore
