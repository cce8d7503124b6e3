// Item-based k-nearest neighbours: S(i, j) from co-occurrence (cosine, asymmetric
// cosine or BM25-weighted dot product) with shrinkage; for each target item j
// only its top-N neighbours i keep S(i, j) (column j of S has at most N entries,
// a row may have more); score(u, j) = sum over history i of x_ui S(i, j).
#pragma once

#include "models/knn_weighting.h"
#include "models/neighborhood.h"

namespace encore {

struct ItemKnnOptions {
  KnnSimilarityOptions similarity;
  bool binary = true;  // every positive interaction counts 1 (false: its weight)
};

class ItemKnn : public ItemSimilarityModel {
 public:
  explicit ItemKnn(ItemKnnOptions options) : options_(std::move(options)) {}
  static StatusOr<std::unique_ptr<Recommender>> Create(const ModelParams& params);
  std::string Name() const override { return "itemknn"; }
  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;

 protected:
  bool binary() const override { return options_.binary; }

 private:
  ItemKnnOptions options_;
};

}  // namespace encore
