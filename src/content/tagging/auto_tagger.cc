#include "content/tagging/auto_tagger.h"

#include <algorithm>

namespace encore::tagging {
namespace {

void ScaleRowsToMax(std::vector<float>* m, int32_t n_labels) {
  for (size_t r = 0; r + n_labels <= m->size(); r += n_labels) {
    float max = 0;
    for (int32_t l = 0; l < n_labels; ++l) max = std::max(max, (*m)[r + l]);
    if (max <= 0) continue;
    for (int32_t l = 0; l < n_labels; ++l) (*m)[r + l] /= max;
  }
}

}  // namespace

StatusOr<AutoTagScores> PredictLabels(const AutoTagInput& input, const AutoTagOptions& options,
                                      const RunContext& ctx) {
  if (!input.tokens || !input.labels || !input.known) return InvalidArgument("auto tagger: tokens, labels and known are required");
  const idx_t n_items = static_cast<idx_t>(input.tokens->size());
  const int32_t n_labels = input.n_labels;
  if (static_cast<idx_t>(input.labels->size()) != n_items || static_cast<idx_t>(input.known->size()) != n_items) {
    return InvalidArgument("auto tagger: tokens, labels and known differ in length");
  }
  if (n_labels <= 0) return InvalidArgument("auto tagger: no labels");
  if (input.user_items && input.user_items->n_items() != n_items) {
    return InvalidArgument("auto tagger: the interaction matrix has " + std::to_string(input.user_items->n_items()) +
                           " items, the catalogue " + std::to_string(n_items));
  }
  AutoTagScores out;
  out.text.assign(static_cast<size_t>(n_items) * n_labels, 0.0f);
  // ---- text ----
  std::vector<std::vector<std::string>> train_tokens;
  std::vector<std::vector<int32_t>> train_labels;
  for (idx_t i = 0; i < n_items; ++i) {
    if (!(*input.known)[i]) continue;
    train_tokens.push_back((*input.tokens)[i]);
    train_labels.push_back((*input.labels)[i]);
  }
  if (options.text_tagger == TextTaggerKind::kLinear) {
    const text::TextIndex index = text::TextIndex::Build(train_tokens);
    std::vector<text::SparseVector> x;
    x.reserve(train_tokens.size());
    for (const auto& t : train_tokens) x.push_back(index.TfIdf(t));
    LinearTagger tagger(options.linear);
    ENCORE_RETURN_IF_ERROR(tagger.Fit(x, index.n_terms(), train_labels, n_labels, ctx));
    for (idx_t i = 0; i < n_items; ++i) {
      tagger.Predict(index.TfIdf((*input.tokens)[i]),
                     std::span<float>(out.text.data() + i * n_labels, n_labels));
    }
  } else {
    FastTextTagger tagger(options.fasttext);
    ENCORE_RETURN_IF_ERROR(tagger.Fit(train_tokens, train_labels, n_labels, ctx));
    for (idx_t i = 0; i < n_items; ++i) {
      tagger.Predict((*input.tokens)[i], std::span<float>(out.text.data() + i * n_labels, n_labels));
    }
  }
  // ---- graph ----
  if (input.user_items) {
    ENCORE_ASSIGN_OR_RETURN(ItemGraph graph, BuildCoConsumptionGraph(*input.user_items, options.graph, ctx));
    std::vector<float> seeds(static_cast<size_t>(n_items) * n_labels, 0.0f);
    for (idx_t i = 0; i < n_items; ++i) {
      if (!(*input.known)[i]) continue;
      for (int32_t l : (*input.labels)[i]) seeds[i * n_labels + l] = 1.0f;
    }
    ENCORE_ASSIGN_OR_RETURN(out.graph, PropagateLabels(graph, seeds, n_labels, *input.known, options.propagation));
  } else {
    out.graph.assign(out.text.size(), 0.0f);
  }
  // ---- combined ----
  std::vector<float> text_scaled = out.text, graph_scaled = out.graph;
  ScaleRowsToMax(&text_scaled, n_labels);
  ScaleRowsToMax(&graph_scaled, n_labels);
  out.combined.resize(out.text.size());
  const float share = static_cast<float>(options.text_share);
  for (idx_t i = 0; i < n_items; ++i) {
    float graph_max = 0;
    for (int32_t l = 0; l < n_labels; ++l) graph_max = std::max(graph_max, graph_scaled[i * n_labels + l]);
    const float s = graph_max > 0 ? share : 1.0f;  // unreachable by the graph: text alone
    for (int32_t l = 0; l < n_labels; ++l) {
      const size_t at = i * n_labels + l;
      out.combined[at] = s * text_scaled[at] + (1 - s) * graph_scaled[at];
    }
  }
  return out;
}

LabelMetrics EvaluateLabels(const std::vector<float>& scores, int32_t n_labels,
                            const std::vector<std::vector<int32_t>>& truth, const std::vector<bool>& evaluate, int k,
                            float relative_threshold) {
  LabelMetrics m;
  std::vector<double> tp(n_labels, 0), fp(n_labels, 0), fn(n_labels, 0);
  for (size_t i = 0; i < truth.size(); ++i) {
    if (!evaluate[i] || truth[i].empty()) continue;
    ++m.items;
    std::span<const float> row(scores.data() + i * n_labels, n_labels);
    const auto is_true = [&](int32_t l) { return std::find(truth[i].begin(), truth[i].end(), l) != truth[i].end(); };
    int hits = 0;
    for (int32_t l : TopLabels(row, k)) hits += is_true(l);
    m.precision_at_k += static_cast<double>(hits) / k;
    m.recall_at_k += static_cast<double>(hits) / static_cast<double>(truth[i].size());
    const std::vector<int32_t> predicted = LabelsAboveRelative(row, relative_threshold);
    for (int32_t l : predicted) (is_true(l) ? tp : fp)[l] += 1;
    for (int32_t l : truth[i]) {
      if (std::find(predicted.begin(), predicted.end(), l) == predicted.end()) fn[l] += 1;
    }
  }
  if (m.items == 0) return m;
  m.precision_at_k /= static_cast<double>(m.items);
  m.recall_at_k /= static_cast<double>(m.items);
  double sum_tp = 0, sum_fp = 0, sum_fn = 0, macro = 0;
  int labels_counted = 0;
  for (int32_t l = 0; l < n_labels; ++l) {
    sum_tp += tp[l], sum_fp += fp[l], sum_fn += fn[l];
    if (tp[l] + fp[l] + fn[l] == 0) continue;
    macro += 2 * tp[l] / (2 * tp[l] + fp[l] + fn[l]);
    ++labels_counted;
  }
  m.micro_f1 = sum_tp > 0 ? 2 * sum_tp / (2 * sum_tp + sum_fp + sum_fn) : 0;
  m.macro_f1 = labels_counted > 0 ? macro / labels_counted : 0;
  return m;
}

}  // namespace encore::tagging
