// Supervised multi-label tagging: one-vs-rest logistic regression over sparse
// features (usually TF-IDF of item text, content/text/text_index.h), trained
// jointly by SGD: each sample updates every label's weights for its non-zero
// features, so a step costs nnz(x) * n_labels and reads contiguous rows.
//
// Output: one probability per label. Items with missing genres or tags get the
// labels above a threshold (or the top k) with these probabilities as confidences.
//
// Thread-safety: Predict() is const and may be called concurrently after Fit().
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "content/text/text_index.h"
#include "core/context.h"
#include "core/status.h"

namespace encore::tagging {

struct LinearTaggerOptions {
  int epochs = 15;              // passes over the training samples
  double learning_rate = 0.5;   // initial step, decayed linearly to 10% of it
  double l2 = 1e-6;             // weight decay per step (lazy, on touched rows)
  Status Validate() const;
};

class LinearTagger {
 public:
  explicit LinearTagger(LinearTaggerOptions options = {}) : options_(options) {}

  // features[i]: sample i (feature ids < n_features); labels[i]: its label ids
  // (< n_labels, may be empty: a negative for every label).
  Status Fit(std::span<const text::SparseVector> features, int32_t n_features,
             std::span<const std::vector<int32_t>> labels, int32_t n_labels, const RunContext& ctx);
  // probabilities.size() == n_labels(). Feature ids >= n_features() are ignored.
  void Predict(const text::SparseVector& x, std::span<float> probabilities) const;

  int32_t n_labels() const { return n_labels_; }
  int32_t n_features() const { return n_features_; }

 private:
  LinearTaggerOptions options_;
  int32_t n_features_ = 0;
  int32_t n_labels_ = 0;
  std::vector<float> weights_;  // [n_features, n_labels] row-major
  std::vector<float> bias_;     // [n_labels]
};

// Label ids of the k largest scores (ties by lower id), largest first.
std::vector<int32_t> TopLabels(std::span<const float> scores, int k);
// Labels whose score is >= threshold * max(scores), at least the arg-max one
// (when max > 0). Used to turn scores into a label set for F1.
std::vector<int32_t> LabelsAboveRelative(std::span<const float> scores, float threshold);

}  // namespace encore::tagging
