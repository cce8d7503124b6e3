#include "content/tagging/propagation.h"

#include <algorithm>
#include <cmath>

#include "core/parallel.h"

namespace encore::tagging {

Status GraphOptions::Validate() const {
  if (top_k < 1) return InvalidArgument("graph: top_k must be >= 1");
  if (min_common_users < 1) return InvalidArgument("graph: min_common_users must be >= 1");
  return Status::Ok();
}

Status PropagationOptions::Validate() const {
  if (!(alpha >= 0 && alpha < 1)) return InvalidArgument("propagation: alpha must be in [0, 1)");
  if (iterations < 0) return InvalidArgument("propagation: iterations must be >= 0");
  return Status::Ok();
}

StatusOr<ItemGraph> BuildCoConsumptionGraph(const Interactions& user_items, const GraphOptions& options,
                                            const RunContext& ctx) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  const Interactions positive = user_items.PositiveOnly();
  const Interactions item_users = positive.Transposed();  // items x users
  const idx_t n_items = positive.n_items();
  std::vector<std::vector<std::pair<ItemIdx, float>>> rows(n_items);
  const int threads = std::max(1, ctx.threads);
  // Per-worker scratch: common-user counts and the list of touched items.
  std::vector<std::vector<float>> common(threads, std::vector<float>(n_items, 0.0f));
  std::vector<std::vector<ItemIdx>> touched(threads);
  ENCORE_RETURN_IF_ERROR(ParallelFor(n_items, threads, [&](idx_t begin, idx_t end, int worker) {
    std::vector<float>& acc = common[worker];
    std::vector<ItemIdx>& seen = touched[worker];
    for (idx_t item_idx = begin; item_idx < end; ++item_idx) {
      const auto users = item_users.Row(item_idx);
      if (users.empty()) continue;
      for (ItemIdx user_idx : users) {
        for (ItemIdx other : positive.Row(user_idx)) {
          if (other == item_idx) continue;
          if (acc[other] == 0) seen.push_back(other);
          acc[other] += 1;
        }
      }
      auto& row = rows[item_idx];
      const double n_self = static_cast<double>(users.size());
      for (ItemIdx other : seen) {
        if (acc[other] >= options.min_common_users) {
          const double sim = acc[other] / std::sqrt(n_self * static_cast<double>(item_users.RowSize(other)));
          row.emplace_back(other, static_cast<float>(sim));
        }
        acc[other] = 0;
      }
      seen.clear();
      const auto by_weight = [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      };
      if (row.size() > static_cast<size_t>(options.top_k)) {
        std::partial_sort(row.begin(), row.begin() + options.top_k, row.end(), by_weight);
        row.resize(options.top_k);
      }
      double sum = 0;
      for (const auto& [other, w] : row) sum += w;
      for (auto& [other, w] : row) w = static_cast<float>(w / sum);
    }
    return Status::Ok();
  }));
  ItemGraph graph;
  for (const auto& row : rows) {
    for (const auto& [other, w] : row) {
      graph.neighbours.push_back(other);
      graph.weights.push_back(w);
    }
    graph.indptr.push_back(static_cast<idx_t>(graph.neighbours.size()));
  }
  return graph;
}

StatusOr<std::vector<float>> PropagateLabels(const ItemGraph& graph, std::span<const float> seeds, int n_labels,
                                             const std::vector<bool>& known, const PropagationOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  const idx_t n_items = graph.n_items();
  if (n_labels <= 0) return InvalidArgument("propagation: n_labels must be > 0");
  if (static_cast<idx_t>(seeds.size()) != n_items * n_labels) {
    return InvalidArgument("propagation: seeds must hold n_items x n_labels values");
  }
  if (static_cast<idx_t>(known.size()) != n_items) return InvalidArgument("propagation: known must hold n_items flags");
  std::vector<float> current(seeds.begin(), seeds.end());
  std::vector<float> next(current.size());
  const float alpha = static_cast<float>(options.alpha);
  for (int iter = 0; iter < options.iterations; ++iter) {
    for (idx_t item_idx = 0; item_idx < n_items; ++item_idx) {
      float* out = next.data() + item_idx * n_labels;
      const float* own = seeds.data() + item_idx * n_labels;
      if (known[item_idx]) {
        std::copy(own, own + n_labels, out);
        continue;
      }
      for (int label_idx = 0; label_idx < n_labels; ++label_idx) out[label_idx] = (1 - alpha) * own[label_idx];
      for (idx_t k = graph.indptr[item_idx]; k < graph.indptr[item_idx + 1]; ++k) {
        const float w = alpha * graph.weights[k];
        const float* in = current.data() + static_cast<idx_t>(graph.neighbours[k]) * n_labels;
        for (int label_idx = 0; label_idx < n_labels; ++label_idx) out[label_idx] += w * in[label_idx];
      }
    }
    current.swap(next);
  }
  return current;
}

}  // namespace encore::tagging
