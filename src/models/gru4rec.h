// GRU4Rec: a GRU over the last L items (Hidasi et al., ICLR 2016), the recurrent
// baseline of the sequence models; same loss, training loop and serving as
// sasrec (models/sequence_recommender.h, docs/sequence-models.md).
#pragma once

#include <memory>

#include "models/sequence_recommender.h"

namespace encore {

class Gru4rec : public SequenceRecommender {
 public:
  explicit Gru4rec(SequenceOptions options) : SequenceRecommender(std::move(options)) {}
  // Defaults: one GRU layer of 64 units, dropout 0.2, L=200.
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);
  std::string Name() const override { return "gru4rec"; }
};

}  // namespace encore
