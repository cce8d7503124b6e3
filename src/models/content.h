// Content: content-based recommendation from item text and labels.
//
// Each item is an L2-normalised TF-IDF vector over its terms
// (content/text/item_text.h: title x2, description, tag and genre words plus
// whole-label terms "genre:x"/"tag:x"). A user's profile is the recency-weighted
// sum of the vectors of the items she consumed: the k-th most recent item
// weighs 0.5^(k / half_life_items) (times the interaction weight with
// use_weights). Items are scored by cosine similarity with the profile, so an
// item with no interactions at all is scored from its text alone (cold start).
//
// REQUIRES: TrainContext::items (item metadata by internal index) at Fit.
#pragma once

#include <vector>

#include "content/text/text_index.h"
#include "models/recommender.h"

namespace encore {

struct ContentOptions {
  double half_life_items = 50;  // recency half-life in history positions (0 = no decay)
  bool use_weights = false;     // multiply by interaction weights (e.g. play counts)
  int title_weight = 2;         // repetitions of title terms
  int min_term_items = 1;       // terms in fewer items are dropped
};

class ContentModel : public Recommender {
 public:
  explicit ContentModel(ContentOptions options) : options_(options) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "content"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  idx_t n_users() const override { return static_cast<idx_t>(user_ptr_.size()) - 1; }
  idx_t n_items() const override { return static_cast<idx_t>(item_ptr_.size()) - 1; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // Item vector (term ids ascending, unit length), for tests, search and fusion's text input.
  text::SparseVector ItemVector(ItemIdx item) const;
  // Size of the vocabulary the item vectors' term ids index.
  int32_t n_terms() const { return n_terms_; }

 private:
  // history in time order -> unit-length sparse profile.
  text::SparseVector Profile(std::span<const ItemIdx> history, std::span<const float> weights) const;
  void ScoreProfile(const text::SparseVector& profile, std::span<const ItemIdx> items, std::span<float> scores) const;

  ContentOptions options_;
  int32_t n_terms_ = 0;
  // Item vectors, CSR [n_items, n_terms].
  std::vector<idx_t> item_ptr_{0};
  std::vector<int32_t> item_terms_;
  std::vector<float> item_values_;
  // User profiles, CSR [n_users, n_terms].
  std::vector<idx_t> user_ptr_{0};
  std::vector<int32_t> user_terms_;
  std::vector<float> user_values_;
};

}  // namespace encore
