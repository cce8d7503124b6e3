// Fusion: recommendation from multimodal item vectors (content/fusion, docs/media.md).
//
// Each item's inputs, by modality:
//   text           the item's TF-IDF vector (as in the content model: title, description, genres,
//                  tags), as sparse terms with a learnt vector each (text_input=terms) or randomly
//                  projected to text_dim values (text_input=projection) (needs TrainContext::items);
//   audio, visual  its stored media analysis (`encore analyze`): the audio feature vector and the
//                  duration-weighted shot summary (needs TrainContext::item_analyses);
//   collaborative  iALS item factors fitted on the same training data (items with training
//                  interactions only).
// The fusion model (FusionModel) maps them into one space of unit vectors z_i, trained so that items
// consumed by the same users are close (positive interactions only). Every item with any input gets a vector, so items nobody has
// consumed yet are recommended from what they are (cold start) alongside known ones.
//
// A user's vector is the recency-weighted sum of her items' vectors (the k-th most recent weighs
// 0.5^(k / half_life_items), times the interaction weight with use_weights), scaled to unit length;
// score(u, i) = <p_u, z_i>. Scores are inner products, so ItemVectors/UserVector serve the vector
// index and the server's similar items.
//
// modalities: "auto" (default) uses text, audio and visual where the data has them; an explicit
// comma list (e.g. "text,audio,visual,collaborative") uses exactly those and fails when one is missing.
// The modality inputs are not kept in model files: vectors are computed at Fit.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "content/fusion/fusion_model.h"
#include "models/recommender.h"

namespace encore {

struct FusionRecommenderOptions {
  std::string modalities = "auto";  // "auto" or a comma list of text, audio, visual, collaborative
  // Text input: "terms" (the TF-IDF terms themselves; the network learns a vector per term) or
  // "projection" (a random projection of them to text_dim values: less memory on huge vocabularies).
  std::string text_input = "terms";
  int text_dim = 512;               // size of the projected text input (512 beat 128, docs/benchmarks.md)
  int collaborative_factors = 32;   // iALS factors of the collaborative input
  double half_life_items = 50;      // recency half-life of the user profile, in history positions (0 = none)
  bool use_weights = false;         // multiply profile terms by interaction weights (e.g. play counts)
  fusion::FusionOptions fusion;     // the fusion network and its training

  FusionRecommenderOptions() { fusion.epochs = 20; }  // 20 epochs: the benchmarks' setting, a third faster than 30
};

class FusionRecommender : public Recommender {
 public:
  explicit FusionRecommender(FusionRecommenderOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);

  std::string Name() const override { return "fusion"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  Status ItemVectors(std::vector<float>* vectors, int* dim) const override;
  Status UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                    std::vector<float>* out) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // After Fit/Load: which modalities the vectors were built from, and each item's attention over
  // them ([n_items, kModalities], 0 where the item lacks one), for reports and explanations.
  const std::array<bool, fusion::kModalities>& used_modalities() const { return used_; }
  const std::vector<float>& attention() const { return attention_; }

 private:
  // Unit-length profile of a history in time order.
  std::vector<float> Profile(std::span<const ItemIdx> history, std::span<const float> weights) const;
  void ScoreVector(const float* profile, std::span<const ItemIdx> items, std::span<float> scores) const;

  FusionRecommenderOptions options_;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
  int dim_ = 0;
  std::array<bool, fusion::kModalities> used_{};
  std::vector<float> item_vectors_;  // [n_items, dim]
  std::vector<float> user_vectors_;  // [n_users, dim]
  std::vector<float> attention_;     // [n_items, kModalities]
};

}  // namespace encore
