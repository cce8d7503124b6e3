#include "models/popularity.h"

#include <algorithm>
#include <cmath>

namespace encore {

StatusOr<std::unique_ptr<Recommender>> Popularity::Create(const ModelParams& params) {
  PopularityOptions o;
  ParamReader r("popularity", params);
  ENCORE_RETURN_IF_ERROR(r.Float("half_life_days", &o.half_life_days, 0.0, 1e6));
  ENCORE_RETURN_IF_ERROR(r.Bool("use_weights", &o.use_weights));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new Popularity(o));
}

ModelParams Popularity::Params() const {
  return {{"half_life_days", std::to_string(options_.half_life_days)},
          {"use_weights", options_.use_weights ? "true" : "false"}};
}

Status Popularity::Fit(const TrainContext&, const Interactions& train) {
  n_users_ = train.n_users();
  scores_.assign(train.n_items(), 0.0f);
  int64_t now = 0;
  for (int64_t t : train.timestamps()) now = std::max(now, t);
  const double decay_per_second =
      options_.half_life_days > 0 ? std::log(2.0) / (options_.half_life_days * 86400.0) : 0.0;
  for (idx_t user_idx = 0; user_idx < train.n_users(); ++user_idx) {
    auto items = train.Row(user_idx);
    auto weights = train.RowWeights(user_idx);
    auto times = train.RowTimestamps(user_idx);
    for (size_t k = 0; k < items.size(); ++k) {
      if (weights[k] <= 0) continue;
      double w = options_.use_weights ? weights[k] : 1.0;
      if (decay_per_second > 0) w *= std::exp(-decay_per_second * static_cast<double>(now - times[k]));
      scores_[items[k]] += static_cast<float>(w);
    }
  }
  return Status::Ok();
}

Status Popularity::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  if (items.size() != scores.size()) return InvalidArgument("popularity: items and scores differ in size");
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] < 0 || items[i] >= n_items()) {
      return InvalidArgument("popularity: item index " + std::to_string(items[i]) + " out of range");
    }
    scores[i] = scores_[items[i]];
  }
  return Status::Ok();
}

Status Popularity::ScoreHistory(std::span<const ItemIdx>, std::span<const float>,
                                std::span<float> scores) const {
  if (static_cast<idx_t>(scores.size()) != n_items()) return InvalidArgument("popularity: wrong scores size");
  std::copy(scores_.begin(), scores_.end(), scores.begin());
  return Status::Ok();
}

Status Popularity::SaveBody(BinaryWriter& out) const {
  out.Pod<int64_t>(n_users_);
  out.Vector(scores_);
  return Status::Ok();
}

Status Popularity::LoadBody(BinaryReader& in) {
  int64_t n_users = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_users));
  if (n_users < 0) return DataLoss("popularity: negative user count");
  n_users_ = n_users;
  return in.Vector(&scores_);
}

}  // namespace encore
