#include "models/itemknn.h"

#include "core/progress.h"

namespace encore {

StatusOr<std::unique_ptr<Recommender>> ItemKnn::Create(const ModelParams& params) {
  ItemKnnOptions o;
  ParamReader r("itemknn", params);
  ENCORE_RETURN_IF_ERROR(ReadKnnOptions(r, &o.similarity));
  ENCORE_RETURN_IF_ERROR(r.Bool("binary", &o.binary));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new ItemKnn(o));
}

ModelParams ItemKnn::Params() const {
  ModelParams p;
  WriteKnnOptions(options_.similarity, &p);
  p["binary"] = options_.binary ? "true" : "false";
  return p;
}

Status ItemKnn::Fit(const TrainContext& ctx, const Interactions& train) {
  Progress progress("itemknn", 1, ctx.run.progress);
  n_items_ = train.n_items();
  history_ = UserHistory::FromInteractions(train, options_.binary);
  SparseRows user_rows = RowsFromHistory(history_);  // [users, items]
  // BM25 in implicit's orientation: rows are items, so idf is per user and the
  // length normalisation per item.
  SparseRows item_rows = user_rows.Transposed(n_items_);  // [items, users]
  if (options_.similarity.similarity == "bm25") {
    Bm25Weight(&item_rows, train.n_users(), options_.similarity.bm25_k1, options_.similarity.bm25_b);
    user_rows = item_rows.Transposed(train.n_users());
  }
  ENCORE_RETURN_IF_ERROR(BuildKnnSimilarity(item_rows, user_rows, options_.similarity, ctx.run.threads, &similarity_));
  progress.Advance();
  return Status::Ok();
}

}  // namespace encore
