// Random: every (user, item) pair gets a pseudo-random score, the same on every
// call, platform and thread count. The floor of every evaluation table: a model
// that does not beat it has learnt nothing, and unlike popularity it reaches
// items nobody has interacted with (the cold-start tables).
//
// score(user, item) = a 64-bit hash of (seed, user, item) mapped to [0, 1).
// Users known only by a history (ScoreHistory) are keyed by a hash of that
// history, so the same history always gets the same list.
#pragma once

#include <cstdint>

#include "models/recommender.h"

namespace encore {

struct RandomOptions {
  int64_t seed = -1;  // -1: take the run's seed (TrainContext::run.seed) at Fit; >= 0: this seed
};

class RandomModel : public Recommender {
 public:
  explicit RandomModel(RandomOptions options) : options_(options) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "random"; }
  ModelParams Params() const override;
  // Records the catalogue size and the seed; reads nothing else from `train`.
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // The seed in use after Fit/Load.
  uint64_t seed() const { return seed_; }

 private:
  RandomOptions options_;
  uint64_t seed_ = 0;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
};

}  // namespace encore
