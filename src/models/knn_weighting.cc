#include "models/knn_weighting.h"

namespace encore {

Status ReadKnnOptions(ParamReader& r, KnnSimilarityOptions* o) {
  ENCORE_RETURN_IF_ERROR(r.Choice("similarity", &o->similarity, {"cosine", "asymmetric", "bm25"}));
  ENCORE_RETURN_IF_ERROR(r.Int("neighbours", &o->neighbours, 1, 1000000));
  ENCORE_RETURN_IF_ERROR(r.Float("shrink", &o->shrink, 0.0, 1e9));
  ENCORE_RETURN_IF_ERROR(r.Float("asymmetric_alpha", &o->asymmetric_alpha, 0.0, 1.0));
  ENCORE_RETURN_IF_ERROR(r.Float("bm25_k1", &o->bm25_k1, 0.0, 100.0));
  ENCORE_RETURN_IF_ERROR(r.Float("bm25_b", &o->bm25_b, 0.0, 1.0));
  return Status::Ok();
}

void WriteKnnOptions(const KnnSimilarityOptions& o, ModelParams* p) {
  (*p)["similarity"] = o.similarity;
  (*p)["neighbours"] = std::to_string(o.neighbours);
  (*p)["shrink"] = std::to_string(o.shrink);
  (*p)["asymmetric_alpha"] = std::to_string(o.asymmetric_alpha);
  (*p)["bm25_k1"] = std::to_string(o.bm25_k1);
  (*p)["bm25_b"] = std::to_string(o.bm25_b);
}

void Bm25Weight(SparseRows* rows, idx_t n_cols, double k1, double b) {
  const idx_t n_rows = rows->n_rows();
  std::vector<idx_t> df(n_cols, 0);
  for (int32_t c : rows->idx) ++df[c];
  std::vector<double> length(n_rows, 0.0);
  double total = 0;
  for (idx_t r = 0; r < n_rows; ++r) {
    for (float v : rows->Vals(r)) length[r] += v;
    total += length[r];
  }
  const double average = n_rows > 0 && total > 0 ? total / static_cast<double>(n_rows) : 1.0;
  for (idx_t r = 0; r < n_rows; ++r) {
    const double norm = (1.0 - b) + b * length[r] / average;
    for (idx_t k = rows->ptr[r]; k < rows->ptr[r + 1]; ++k) {
      // Lucene's idf, log(1 + (N - df + 0.5) / (df + 0.5)): positive even for columns
      // present in most rows, where implicit's log(N) - log1p(df) turns negative.
      const double df_k = static_cast<double>(df[rows->idx[k]]);
      const double idf = std::log1p((static_cast<double>(n_rows) - df_k + 0.5) / (df_k + 0.5));
      const double tf = rows->val[k];
      rows->val[k] = static_cast<float>(tf * (k1 + 1.0) / (k1 * norm + tf) * idf);
    }
  }
}

Status BuildKnnSimilarity(const SparseRows& rows, const SparseRows& columns, const KnnSimilarityOptions& o,
                          int threads, SparseRows* out) {
  const idx_t n = rows.n_rows();
  if (o.similarity == "bm25") {
    // BM25 weights already normalise; the similarity is their dot product
    // (implicit's BM25Recommender), so shrink does not apply.
    return BuildTopNSimilarity(rows, columns, n, o.neighbours, threads, [](idx_t, idx_t, float dot) { return dot; },
                               out);
  }
  const double alpha = o.similarity == "cosine" ? 0.5 : o.asymmetric_alpha;
  std::vector<float> left_norm(n), right_norm(n);
  for (idx_t r = 0; r < n; ++r) {
    double squares = 0;
    for (float v : rows.Vals(r)) squares += static_cast<double>(v) * v;
    left_norm[r] = static_cast<float>(std::pow(squares, alpha));
    right_norm[r] = static_cast<float>(std::pow(squares, 1.0 - alpha));
  }
  const float shrink = static_cast<float>(o.shrink);
  return BuildTopNSimilarity(
      rows, columns, n, o.neighbours, threads,
      [&](idx_t a, idx_t b, float dot) { return dot / (left_norm[a] * right_norm[b] + shrink + 1e-12f); }, out);
}

}  // namespace encore
