// Bayesian Personalised Ranking (Rendle et al., UAI 2009): matrix factorisation
// with item biases trained by SGD on sampled (user, positive, negative) triples,
// maximising sum log sigmoid(x_ui - x_uj).
//
// One epoch draws one negative per training positive. Users are visited in a
// seeded random order and split over threads that update the shared factors
// without locks (Hogwild, Recht et al. 2011): conflicting writes are rare on
// sparse data and harmless to convergence. Negatives are drawn uniformly (and
// rejected when the user has the item) or in proportion to item popularity
// (a uniformly drawn training pair's item), which raises hard negatives.
//
// Speed (about 50 ns of CPU per sample at 64 factors: 20M samples on two
// threads in ~0.5 s, docs/benchmarks.md): the per-sample loop only draws, checks membership in a
// per-worker item stamp table, prefetches the two item rows a few samples ahead,
// and runs one fused AVX2 step on 64-byte aligned working copies of the factors;
// the loss is only computed by FitTracked.
//
// Determinism: each user's random stream is derived from (seed, epoch, user),
// so with threads=1 a seed gives identical factors; with more threads only the
// interleaving of the lock-free updates differs between runs.
#pragma once

#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/user_history.h"

namespace encore {

struct BprOptions {
  int factors = 64;                  // latent dimension k
  int epochs = 30;                   // passes, each with one negative per positive
  double learning_rate = 0.05;       // SGD step
  double reg = 0.002;                // L2 on the touched factors and biases, per step
  std::string negatives = "uniform"; // uniform | popularity
  double init_scale = 0.1;           // initial factors ~ N(0, init_scale^2 / k)
};

class Bpr : public Recommender {
 public:
  explicit Bpr(BprOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "bpr"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  // Like Fit; appends each epoch's mean -log sigmoid(x_uij) over its samples.
  Status FitTracked(const TrainContext& ctx, const Interactions& train, std::vector<double>* losses);
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  // scores = H w_u + b (one GEMV).
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  // Item vectors carry the bias as a last component; user vectors a 1 there.
  Status ItemVectors(std::vector<float>* vectors, int* dim) const override;
  Status UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                    std::vector<float>* out) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  std::vector<float> UserFactors(UserIdx user) const;
  std::vector<float> ItemFactors(ItemIdx item) const;

 private:
  BprOptions options_;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
  int stride_ = 0;
  std::vector<float> user_factors_;  // [n_users, stride]
  std::vector<float> item_factors_;  // [n_items, stride]
  std::vector<float> item_bias_;     // [n_items]
};

}  // namespace encore
