// Hybrid: a collaborative model blended with a content model that scores items
// nobody has consumed yet. The content model is, by default, an ensemble of the
// TF-IDF `content` model and `fusion` (content="content,fusion"); any registered
// model or list can take its place, and content=features is the original
// content part, described first:
//
// A LightFM-style factorisation (Kula 2015) where an item is the sum of
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
// Blend with a collaborative model (cf != "none", the default "auto"): a
// pure CF model such as EASE ranks warm items better than the factorisation
// above (docs/benchmarks.md, "Warm items"), so the hybrid also fits one and
// puts the factorisation's score l onto the CF score c's scale, per user, by a
// least-squares line over the warm items (items with training interactions):
//
//   m(i)          = alpha_u + beta_u * l(u, i)       (beta_u > 0 enforced)
//   score, warm   = (1 - w) * c(u, i) + w * m(i)
//   score, cold   = m(i)
//
// Cold items keep the factorisation's order among themselves (the new-items
// protocol ranks only them) and land where the content predicts on the CF scale
// among warm ones. w (content_weight) is learnt at Fit from
// TrainContext::validation when given (validation NDCG@10 over a grid, jointly
// with the choice of CF model under cf=auto), else a fixed default. Blended scores are not inner products: ItemVectors/UserVector
// are then Unimplemented (cf=none keeps them).
//
// content=NAME replaces the factorisation by another registered model's scores,
// one that scores never-consumed items: content=content (TF-IDF profiles, the
// strongest cold-start scorer on text) or content=fusion (models/fusion.h: the
// item's text and its stored media analysis, so cold items are placed by what
// they sound and look like too). Blend and CF model are the same; ItemVectors/
// UserVector (cf=none) and Explain (no CF model) are the content model's.
//
// REQUIRES: TrainContext::items at Fit with content=features (the error says to
// use a pure CF model without it); a content model states its own needs.
#pragma once

#include <memory>
#include <string>
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
  // CF model blended in: "none", any registered model name except hybrid, or "auto": EASE and iALS
  // (EASE only up to kAutoEaseMaxItems items and when its dense matrices fit in memory), the one
  // whose blend scores best on validation data, or EASE when there is none.
  std::string cf = "auto";
  ModelParams cf_params;        // the CF model's parameters (given as "cf.KEY=VALUE"; needs an explicit cf)
  double content_weight = -1;   // warm items' content share w in [0, 1]; -1 = learn on validation
  // Where the content scores l come from: "features" (the factorisation above), or registered
  // models that score items nobody has consumed: "content" (TF-IDF profiles), "fusion" (multimodal
  // vectors: text, audio and visual from stored media analyses), ..., or a comma list of them blended
  // by an `ensemble` (per-user z-scores, equal weights). The default, "content,fusion", measured best
  // on new items and tied or beat "features" on warm ones (docs/benchmarks.md, "hybrid content=").
  std::string content = "content,fusion";
  // The content model's parameters, given as "content.KEY=VALUE" (a list: "content.MODEL.KEY=VALUE").
  ModelParams content_params;
};

// "auto" picks EASE up to this many items (its dense item-item algebra grows with items^2).
inline constexpr idx_t kAutoEaseMaxItems = 30000;
// content_weight used when it is -1 and Fit gets no validation interactions.
inline constexpr double kDefaultContentWeight = 0.1;
// The content weights tried on validation data when content_weight is -1.
inline constexpr double kContentWeightGrid[] = {0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0};

class Hybrid : public Recommender {
 public:
  explicit Hybrid(HybridOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "hybrid"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  // With a CF model: the CF model's explanation of `item` for `user`.
  Status Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const override;
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
  // The blended CF model after Fit/Load (nullptr when cf=none), and the content weight w in use.
  const Recommender* cf_model() const { return cf_model_.get(); }
  double content_weight() const { return content_weight_; }

 private:
  // Fit, in steps: the feature factorisation (content=features) into user_factors_/item_factors_/
  // item_bias_, then the CF model and the content weight.
  Status FitFeatures(const TrainContext& ctx, const Interactions& train);
  Status FitBlend(const TrainContext& ctx, const Interactions& train_in, const Interactions& train);
  // The registry name and parameters of the content model (an ensemble for a list).
  static std::pair<std::string, ModelParams> ContentModelSpec(const HybridOptions& options);
  // Content scores l over all items: a training user's (`user`) or a history's (user == kNoUser),
  // from the factorisation or the content model.
  Status ContentScores(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                       std::span<float> scores) const;
  // Factorisation scores l for the user vector `pu` (factors floats) over all items.
  void FactorScores(const float* pu, std::span<float> scores) const;
  // In place: `scores` holds l on entry and the blended score on return (see the top).
  void Blend(std::span<const float> cf, double weight, std::span<float> scores) const;
  // The user's factor vector followed by 1: a training user's, or folded in from a history.
  Status UserFactors(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                     std::vector<float>* out) const;
  // The error of ItemVectors/UserVector when blended with a CF model.
  Status NotInnerProduct() const;
  // Validation NDCG@10 of the blend with `cf` at each content weight of `grid`.
  StatusOr<std::vector<double>> ValidationNdcg(const Recommender& cf, const Interactions& valid,
                                               const Interactions& train, std::span<const double> grid) const;

  HybridOptions options_;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
  int32_t n_content_features_ = 0;
  std::vector<float> user_factors_;  // [n_users, factors]
  std::vector<float> item_factors_;  // [n_items, factors], composed from features after Fit
  std::vector<float> item_bias_;     // [n_items]
  std::unique_ptr<Recommender> cf_model_;  // the blended CF model (null: cf=none)
  std::unique_ptr<Recommender> content_model_;  // the content model (null: content=features)
  std::vector<uint8_t> warm_;              // [n_items] 1 when the item had training interactions
  double content_weight_ = 0;              // w in use
};

}  // namespace encore
