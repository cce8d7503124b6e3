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
  // Neighbourhoods are chosen per *target* item j (its `neighbours` most similar
  // items i, as in Sarwar et al. 2001 and Dacrema et al. 2019), then stored by
  // history item so scoring stays a sum of rows. Keeping the top N per history
  // item instead lets a popular item enter almost every row and cost .05 nDCG@10
  // on ml-100k (.3811 against .4289). The values keep S(i, j) = dot /
  // (|i|^alpha |j|^(1-alpha)): built with target rows, alpha goes to the other side.
  KnnSimilarityOptions by_target = options_.similarity;
  by_target.asymmetric_alpha = 1.0 - by_target.asymmetric_alpha;
  SparseRows target_rows;  // [items j, items i] = S(i, j)
  ENCORE_RETURN_IF_ERROR(BuildKnnSimilarity(item_rows, user_rows, by_target, ctx.run.threads, &target_rows));
  similarity_ = target_rows.Transposed(n_items_);
  progress.Advance();
  return Status::Ok();
}

}  // namespace encore
