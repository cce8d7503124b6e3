#include "content/tagging/linear_tagger.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace encore::tagging {

Status LinearTaggerOptions::Validate() const {
  if (epochs < 1) return InvalidArgument("tagger: epochs must be >= 1");
  if (!(learning_rate > 0)) return InvalidArgument("tagger: learning_rate must be > 0");
  if (!(l2 >= 0)) return InvalidArgument("tagger: l2 must be >= 0");
  return Status::Ok();
}

namespace {

float Sigmoid(float z) { return 1.0f / (1.0f + std::exp(-std::clamp(z, -30.0f, 30.0f))); }

}  // namespace

Status LinearTagger::Fit(std::span<const text::SparseVector> features, int32_t n_features,
                         std::span<const std::vector<int32_t>> labels, int32_t n_labels, const RunContext& ctx) {
  ENCORE_RETURN_IF_ERROR(options_.Validate());
  if (features.size() != labels.size()) return InvalidArgument("tagger: features and labels differ in count");
  if (n_features < 0 || n_labels <= 0) return InvalidArgument("tagger: need at least one label");
  for (size_t i = 0; i < features.size(); ++i) {
    for (int32_t f : features[i].ids) {
      if (f < 0 || f >= n_features) return InvalidArgument("tagger: feature id out of range in sample " + std::to_string(i));
    }
    for (int32_t l : labels[i]) {
      if (l < 0 || l >= n_labels) return InvalidArgument("tagger: label id out of range in sample " + std::to_string(i));
    }
  }
  n_features_ = n_features;
  n_labels_ = n_labels;
  weights_.assign(static_cast<size_t>(n_features) * n_labels, 0.0f);
  // Bias starts at the label's log-odds so rare labels are not pushed up by early steps.
  bias_.assign(n_labels, 0.0f);
  std::vector<double> freq(n_labels, 0.0);
  for (const auto& ls : labels) for (int32_t l : ls) freq[l] += 1;
  const double n = std::max<double>(1.0, static_cast<double>(labels.size()));
  for (int32_t l = 0; l < n_labels; ++l) {
    const double p = std::clamp((freq[l] + 0.5) / (n + 1.0), 1e-6, 1 - 1e-6);
    bias_[l] = static_cast<float>(std::log(p / (1 - p)));
  }
  std::vector<size_t> order(features.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(ctx.seed);
  std::vector<float> grad(n_labels);
  const size_t total_steps = order.size() * options_.epochs;
  size_t step = 0;
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t sample : order) {
      const float lr = static_cast<float>(options_.learning_rate *
                                          (1.0 - 0.9 * static_cast<double>(step++) / std::max<size_t>(1, total_steps)));
      const text::SparseVector& x = features[sample];
      // logits: [n_labels] = bias + sum_f x_f * W[f, :]
      for (int32_t label_idx = 0; label_idx < n_labels; ++label_idx) grad[label_idx] = bias_[label_idx];
      for (size_t k = 0; k < x.ids.size(); ++k) {
        const float* row = weights_.data() + static_cast<size_t>(x.ids[k]) * n_labels;
        const float xv = x.values[k];
        for (int32_t label_idx = 0; label_idx < n_labels; ++label_idx) grad[label_idx] += xv * row[label_idx];
      }
      for (int32_t label_idx = 0; label_idx < n_labels; ++label_idx) grad[label_idx] = Sigmoid(grad[label_idx]);
      for (int32_t l : labels[sample]) grad[l] -= 1.0f;  // d loss / d logit = p - y
      const float decay = 1.0f - lr * static_cast<float>(options_.l2);
      for (size_t k = 0; k < x.ids.size(); ++k) {
        float* row = weights_.data() + static_cast<size_t>(x.ids[k]) * n_labels;
        const float step_x = lr * x.values[k];
        for (int32_t label_idx = 0; label_idx < n_labels; ++label_idx) {
          row[label_idx] = row[label_idx] * decay - step_x * grad[label_idx];
        }
      }
      for (int32_t label_idx = 0; label_idx < n_labels; ++label_idx) bias_[label_idx] -= 0.1f * lr * grad[label_idx];
    }
  }
  return Status::Ok();
}

void LinearTagger::Predict(const text::SparseVector& x, std::span<float> probabilities) const {
  for (int32_t label_idx = 0; label_idx < n_labels_; ++label_idx) probabilities[label_idx] = bias_[label_idx];
  for (size_t k = 0; k < x.ids.size(); ++k) {
    if (x.ids[k] < 0 || x.ids[k] >= n_features_) continue;
    const float* row = weights_.data() + static_cast<size_t>(x.ids[k]) * n_labels_;
    for (int32_t label_idx = 0; label_idx < n_labels_; ++label_idx) probabilities[label_idx] += x.values[k] * row[label_idx];
  }
  for (int32_t label_idx = 0; label_idx < n_labels_; ++label_idx) probabilities[label_idx] = Sigmoid(probabilities[label_idx]);
}

std::vector<int32_t> TopLabels(std::span<const float> scores, int k) {
  std::vector<int32_t> ids(scores.size());
  std::iota(ids.begin(), ids.end(), 0);
  const size_t keep = std::min<size_t>(std::max(k, 0), ids.size());
  std::partial_sort(ids.begin(), ids.begin() + keep, ids.end(), [&](int32_t a, int32_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
  });
  ids.resize(keep);
  return ids;
}

std::vector<int32_t> LabelsAboveRelative(std::span<const float> scores, float threshold) {
  std::vector<int32_t> out;
  if (scores.empty()) return out;
  const float max = *std::max_element(scores.begin(), scores.end());
  if (!(max > 0)) return out;
  for (size_t l = 0; l < scores.size(); ++l) {
    if (scores[l] >= threshold * max) out.push_back(static_cast<int32_t>(l));
  }
  return out;
}

}  // namespace encore::tagging
