// Filling missing labels (genres or tags) of items: text-only (a supervised
// tagger over item text), graph-only (label propagation over co-consumption)
// and combined (a blend of both, each row scaled to max 1 first, so an item
// the graph cannot reach keeps its text prediction and vice versa).
//
// Also the label-quality metrics the benchmark and tests report:
// precision@k / recall@k (tags) and micro / macro F1 (genres).
#pragma once

#include <string>
#include <vector>

#include "content/tagging/fasttext_tagger.h"
#include "content/tagging/linear_tagger.h"
#include "content/tagging/propagation.h"

namespace encore::tagging {

enum class TextTaggerKind { kLinear = 0, kFastText = 1 };

struct AutoTagOptions {
  TextTaggerKind text_tagger = TextTaggerKind::kLinear;
  LinearTaggerOptions linear;
  FastTextTaggerOptions fasttext;
  GraphOptions graph;
  PropagationOptions propagation;
  double text_share = 0.3;  // combined = share * text + (1 - share) * graph (row-max scaled)
};

struct AutoTagInput {
  // Per item: text tokens (content/text tokenizer output).
  const std::vector<std::vector<std::string>>* tokens = nullptr;
  // Per item: label ids; only rows with known[i] are used for training.
  const std::vector<std::vector<int32_t>>* labels = nullptr;
  int32_t n_labels = 0;
  const std::vector<bool>* known = nullptr;
  // users x items consumption (may be null: graph and combined are then text only).
  const Interactions* user_items = nullptr;
};

// Scores [n_items, n_labels] row-major for every item (known rows included).
struct AutoTagScores {
  std::vector<float> text;
  std::vector<float> graph;
  std::vector<float> combined;
};

StatusOr<AutoTagScores> PredictLabels(const AutoTagInput& input, const AutoTagOptions& options,
                                      const RunContext& ctx);

struct LabelMetrics {
  double precision_at_k = 0;  // mean over evaluated items of |top k ∩ truth| / k
  double recall_at_k = 0;     // mean of |top k ∩ truth| / |truth|
  double micro_f1 = 0;        // over (item, label) decisions of the predicted sets
  double macro_f1 = 0;        // mean over labels present in truth or predictions
  idx_t items = 0;            // evaluated items (those with >= 1 true label)
};

// Evaluates scores [n_items, n_labels] on items with evaluate[i] and a
// non-empty truth. Ranking metrics use the top k; F1 uses the set
// LabelsAboveRelative(row, relative_threshold).
LabelMetrics EvaluateLabels(const std::vector<float>& scores, int32_t n_labels,
                            const std::vector<std::vector<int32_t>>& truth, const std::vector<bool>& evaluate, int k,
                            float relative_threshold);

}  // namespace encore::tagging
