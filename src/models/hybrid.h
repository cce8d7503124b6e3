// Hybrid: a LightFM-style factorisation (Kula 2015) where an item is the sum of
// its feature embeddings, trained on implicit feedback with WARP or BPR.
//
//   item vector  v_i = e_id(i) + mean over content features f of i of e_f
//   item bias    b_i = c_id(i) + mean of c_f
//   score(u, i)  = <p_u, v_i> + b_i
//
// Content features are whole genres ("genre:drama"), whole tags ("tag:dark
// comedy") and title/description words (content/text/item_text.h), kept when at
// least min_feature_items items share them. An item with no training
// interactions has no id term: it is scored from its content features alone,
// which are trained through the warm items that share them (cold start).
//
// Training: SGD with row-wise Adagrad over the positive pairs, one sampled
// negative per step (BPR: log-sigmoid of the difference; WARP: negatives are
// drawn until one scores within a margin of 1 of the positive, and the step
// is weighted by the log of the implied rank). Single-threaded: deterministic
// given ctx.run.seed.
//
// REQUIRES: TrainContext::items at Fit (without it the model degrades to
// plain matrix factorisation and says so in the error).
#pragma once

#include <vector>

#include "models/recommender.h"

namespace encore {

struct HybridOptions {
  int factors = 64;             // embedding size
  int epochs = 30;              // passes over the training pairs
  double learning_rate = 0.05;  // Adagrad step
  double reg = 1e-5;            // L2 on the rows touched by a step
  std::string loss = "warp";    // "warp" or "bpr"
  int max_negatives = 50;       // WARP: draws per positive before giving up
  int min_feature_items = 2;    // content features shared by fewer items are dropped
  int max_item_features = 64;   // content features kept per item (in field order)
  bool use_ids = true;          // false: items are their content only (pure content factorisation)
};

class Hybrid : public Recommender {
 public:
  explicit Hybrid(HybridOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "hybrid"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  // [n_items, factors + 1]: the item vector followed by its bias.
  Status ItemVectors(std::vector<float>* vectors, int* dim) const override;
  // The user vector followed by 1 (so the inner product adds the item bias).
  Status UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                    std::vector<float>* out) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // Number of content features of the last Fit (for reports and tests).
  int32_t n_content_features() const { return n_content_features_; }

 private:
  HybridOptions options_;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
  int32_t n_content_features_ = 0;
  std::vector<float> user_factors_;  // [n_users, factors]
  std::vector<float> item_factors_;  // [n_items, factors], composed from features after Fit
  std::vector<float> item_bias_;     // [n_items]
};

}  // namespace encore
