// RP3beta (Paudel et al. 2017, as tuned in Dacrema et al. 2019): a three-step
// random walk item -> user -> item on the bipartite graph with transition
// probabilities raised to `alpha`, the landing item's probability divided by its
// popularity^beta (the penalty that lifts the long tail), top-N kept per item:
//   S(i, j) = sum_u P(i -> u)^alpha P(u -> j)^alpha / pop(j)^beta
// score(u, j) = sum over history i of x_ui S(i, j).
#pragma once

#include "models/neighborhood.h"

namespace encore {

struct Rp3betaOptions {
  double alpha = 0.8;     // exponent on the transition probabilities
  double beta = 0.3;      // popularity penalty exponent (0 = P3alpha)
  int neighbours = 200;   // items kept per row of S
  bool binary = true;     // every positive interaction counts 1 (false: its weight)
};

class Rp3beta : public ItemSimilarityModel {
 public:
  explicit Rp3beta(Rp3betaOptions options) : options_(options) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);
  std::string Name() const override { return "rp3beta"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;

 protected:
  bool binary() const override { return options_.binary; }

 private:
  Rp3betaOptions options_;
};

}  // namespace encore
