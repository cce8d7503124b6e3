// SASRec: causal self-attention over the last L items (Kang & McAuley, ICDM 2018),
// trained with full softmax cross-entropy as in Klenitskiy & Vasilev, RecSys 2023.
// Parameters and behaviour: models/sequence_recommender.h, docs/sequence-models.md.
#pragma once

#include <memory>

#include "models/sequence_recommender.h"

namespace encore {

class Sasrec : public SequenceRecommender {
 public:
  explicit Sasrec(SequenceOptions options) : SequenceRecommender(std::move(options)) {}
  // Defaults: the reference configuration (L=200, 2 blocks, 1 head, hidden 50, dropout 0.2).
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);
  std::string Name() const override { return "sasrec"; }
};

}  // namespace encore
