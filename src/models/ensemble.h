// Ensemble: a weighted blend of registered models ("sources"), each user's scores
// normalised per model before blending:
//   score(u, j) = sum_m weight_m * norm(s_m(u))_j
// `normalise=zscore` (default) subtracts the mean over the catalogue and divides by
// the standard deviation, so models with different score scales (EASE's
// regression outputs, iALS's inner products, RP3beta's probabilities) count by
// their weight; `max` divides by the largest absolute score instead.
//
// Parameters: `models=ease,ials` (default; two or more distinct registered names, no
// nested ensembles), `weights=0.7,0.3` (non-negative, same count; default equal,
// rescaled to sum 1), `normalise=zscore|max`. A member's own parameters carry its
// name as prefix: `ease.lambda=300`, `rp3beta.beta=0.2`.
//
// Thread-safety: const methods may run concurrently after Fit/Load (scratch is per call).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace encore {

struct EnsembleOptions {
  std::vector<std::string> models = {"ease", "ials"};  // the best pair measured (docs/benchmarks.md)
  std::vector<double> weights;           // empty = equal; normalised to sum 1 by Create
  std::string normalise = "zscore";      // zscore | max
  std::vector<ModelParams> member_params;  // per model, from "name.key=value"
};

class Ensemble : public Recommender {
 public:
  Ensemble(EnsembleOptions options, std::vector<std::unique_ptr<Recommender>> members)
      : options_(std::move(options)), members_(std::move(members)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "ensemble"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  idx_t n_users() const override { return members_.front()->n_users(); }
  idx_t n_items() const override { return members_.front()->n_items(); }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

 private:
  // Runs `score_one(member, out)` for every member and blends into `scores` (n_items long).
  template <typename ScoreOne>
  Status Blend(std::span<float> scores, ScoreOne score_one) const;

  EnsembleOptions options_;
  std::vector<std::unique_ptr<Recommender>> members_;
};

}  // namespace encore
