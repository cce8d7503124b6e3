// Popularity: scores an item by how many users interacted with it, optionally
// with exponential time decay. The same list for everyone; the baseline of every
// evaluation table and the fallback for unknown users.
#pragma once

#include <vector>

#include "models/recommender.h"

namespace encore {

struct PopularityOptions {
  double half_life_days = 0;  // 0 = no decay; otherwise an interaction loses half its weight every half-life
  bool use_weights = false;   // sum interaction weights instead of counting positive users
};

class Popularity : public Recommender {
 public:
  explicit Popularity(PopularityOptions options) : options_(options) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "popularity"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return static_cast<idx_t>(scores_.size()); }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // Per-item popularity scores by internal index.
  const std::vector<float>& item_scores() const { return scores_; }

 private:
  PopularityOptions options_;
  idx_t n_users_ = 0;
  std::vector<float> scores_;
};

}  // namespace encore
