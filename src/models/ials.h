// Implicit ALS (Hu, Koren & Volinsky, ICDM 2008) with the settings of Rendle et
// al. 2022 ("Revisiting the Performance of iALS on Item Recommendation
// Benchmarks"): for user factors W and item factors H it minimises
//   sum_{(u,i) observed} c_ui (1 - w_u.h_i)^2 + unobserved * sum_{all (u,i)} (w_u.h_i)^2
//   + sum_u reg_u |w_u|^2 + sum_i reg_i |h_i|^2
// with confidence c_ui = 1 + alpha * r_ui (r_ui = 1 when binary) and the
// frequency-scaled regulariser reg_u = reg * (|I_u| + unobserved * n_items)^nu.
// The unobserved term is handled through the Gram matrix H^T H, never by visiting
// zeros. Each half-step solves one k x k system per row, either exactly (Cholesky)
// or with a few warm-started conjugate-gradient steps (as implicit's CG solver).
//
// Each epoch solves items then users, so after Fit the user rows are exact
// least-squares solutions against the final item factors: FoldIn of a training
// user's history reproduces her row (exactly with solver=exact).
//
// Thread-safety: const methods may run concurrently after Fit/Load.
#pragma once

#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/user_history.h"

namespace encore {

struct IalsOptions {
  // Defaults from a grid on ml-100k (stratified) and Last.fm (8:1:1), checked on ml-latest-small and
  // two more seeds (docs/models.md, docs/benchmarks.md).
  int factors = 128;           // latent dimension k
  int epochs = 15;             // full passes (items then users)
  double reg = 50;             // L2 strength (scaled by frequency when nu > 0)
  double nu = 0.0;             // frequency exponent of the regulariser (0 = plain L2)
  double alpha = 10.0;         // confidence slope: c = 1 + alpha * r
  double unobserved = 1.0;     // weight of every unobserved pair (alpha0 in Rendle et al.), <= 1
  bool binary = true;          // r = 1 for every positive (false: r = interaction weight)
  std::string solver = "cg";   // cg | exact
  int cg_steps = 3;            // CG steps per row per half-epoch (solver=cg)
  double init_scale = 0.1;     // initial factors ~ N(0, init_scale^2 / k)
};

class Ials : public Recommender {
 public:
  explicit Ials(IalsOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "ials"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  // Like Fit; appends the training loss (the objective above) after every epoch.
  Status FitTracked(const TrainContext& ctx, const Interactions& train, std::vector<double>* losses);
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  // scores = H w_u (one GEMV).
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  // Folds the history in (FoldIn), then scores every item.
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  // implicit's explanation: with A_u the user's system matrix, the score of item j
  // splits exactly into sum_i c_ui * h_j^T A_u^-1 h_i over the history items i.
  Status Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const override;
  Status ItemVectors(std::vector<float>* vectors, int* dim) const override;
  Status UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                    std::vector<float>* out) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // The user vector (factors floats) that one exact least-squares step against
  // the item factors gives for this history: what training would give the row.
  // Real-time path of the server; no retraining. Thread-safe.
  Status FoldIn(std::span<const ItemIdx> history, std::span<const float> weights, std::vector<float>* out) const;

  // The trained factors, row-major, `factors` floats per row.
  std::vector<float> UserFactors(UserIdx user) const;
  std::vector<float> ItemFactors(ItemIdx item) const;
  // The objective on `train` with the current factors.
  double Loss(const Interactions& train) const;

 private:
  struct RowData;
  float Confidence(float weight) const;
  double RowReg(idx_t row_count, idx_t other_count) const;
  void ComputeItemGram();

  IalsOptions options_;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
  int stride_ = 0;
  std::vector<float> user_factors_;  // [n_users, stride]
  std::vector<float> item_factors_;  // [n_items, stride]
  std::vector<float> item_gram_;     // unobserved * H^T H: [stride, stride], derived
  UserHistory history_;              // confidences of the training rows (for Explain)
};

}  // namespace encore
