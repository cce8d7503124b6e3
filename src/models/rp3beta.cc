#include "models/rp3beta.h"

#include <cmath>

#include "core/progress.h"

namespace encore {

StatusOr<std::unique_ptr<Recommender>> Rp3beta::Create(const ModelParams& params) {
  Rp3betaOptions o;
  ParamReader r("rp3beta", params);
  ENCORE_RETURN_IF_ERROR(r.Float("alpha", &o.alpha, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Float("beta", &o.beta, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Int("neighbours", &o.neighbours, 1, 1000000));
  ENCORE_RETURN_IF_ERROR(r.Bool("binary", &o.binary));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new Rp3beta(o));
}

ModelParams Rp3beta::Params() const {
  return {{"alpha", std::to_string(options_.alpha)},
          {"beta", std::to_string(options_.beta)},
          {"neighbours", std::to_string(options_.neighbours)},
          {"binary", options_.binary ? "true" : "false"}};
}

Status Rp3beta::Fit(const TrainContext& ctx, const Interactions& train) {
  Progress progress("rp3beta", 1, ctx.run.progress);
  n_items_ = train.n_items();
  history_ = UserHistory::FromInteractions(train, options_.binary);
  SparseRows user_rows = RowsFromHistory(history_);       // [users, items]: P(u -> j)
  SparseRows item_rows = user_rows.Transposed(n_items_);  // [items, users]: P(i -> u)
  std::vector<float> popularity(n_items_, 0.0f);
  auto normalise = [&](SparseRows* rows) {
    for (idx_t r = 0; r < rows->n_rows(); ++r) {
      double total = 0;
      for (float v : rows->Vals(r)) total += v;
      for (idx_t k = rows->ptr[r]; k < rows->ptr[r + 1]; ++k) {
        rows->val[k] = static_cast<float>(std::pow(rows->val[k] / total, options_.alpha));
      }
    }
  };
  for (idx_t i = 0; i < n_items_; ++i) popularity[i] = static_cast<float>(item_rows.Cols(i).size());
  normalise(&user_rows);
  normalise(&item_rows);
  std::vector<float> penalty(n_items_);
  for (idx_t i = 0; i < n_items_; ++i) {
    penalty[i] = popularity[i] > 0 ? static_cast<float>(std::pow(popularity[i], -options_.beta)) : 0.0f;
  }
  ENCORE_RETURN_IF_ERROR(BuildTopNSimilarity(item_rows, user_rows, n_items_, options_.neighbours, ctx.run.threads,
                                             [&](idx_t, idx_t j, float dot) { return dot * penalty[j]; },
                                             &similarity_));
  progress.Advance();
  return Status::Ok();
}

}  // namespace encore
