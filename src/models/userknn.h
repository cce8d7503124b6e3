// User-based k-nearest neighbours: S(u, v) between users from shared items
// (cosine, asymmetric cosine or BM25-weighted dot product) with shrinkage, top-N
// neighbours per user; score(u, j) = sum over neighbours v of S(u, v) x_vj.
// A new user's history (ScoreHistory) is compared with every training user on
// the fly. Explain spreads each neighbour's vote over the history items the user
// shares with that neighbour (the items that made them neighbours).
#pragma once

#include "models/knn_weighting.h"
#include "models/neighborhood.h"

namespace encore {

struct UserKnnOptions {
  KnnSimilarityOptions similarity;
  bool binary = true;  // every positive interaction counts 1 (false: its weight)
};

class UserKnn : public Recommender {
 public:
  explicit UserKnn(UserKnnOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);
  std::string Name() const override { return "userknn"; }
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

  const SparseRows& similarity() const { return similarity_; }

 private:
  void Aggregate(std::span<const int32_t> neighbours, std::span<const float> sims, std::span<float> scores) const;

  UserKnnOptions options_;
  idx_t n_items_ = 0;
  UserHistory history_;     // training rows, x_vj
  SparseRows weighted_;     // training rows as weighted for the similarity [users, items]
  SparseRows by_item_;      // its transpose [items, users]
  SparseRows similarity_;   // [users, users]
};

}  // namespace encore
