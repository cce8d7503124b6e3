// Similarity weightings shared by itemknn and userknn.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "models/neighborhood.h"

namespace encore {

struct KnnSimilarityOptions {
  std::string similarity = "cosine";  // cosine | asymmetric | bm25
  int neighbours = 100;               // similar entities kept per row
  double shrink = 10;                 // dot / (norm product + shrink): damps pairs with little support (not bm25)
  double asymmetric_alpha = 0.5;      // asymmetric: dot / (|a|^alpha |b|^(1-alpha)); 0.5 = cosine
  double bm25_k1 = 1.2;               // bm25: term-frequency saturation
  double bm25_b = 0.75;               // bm25: length normalisation
};

// Reads the options above from params (shared keys of itemknn and userknn).
Status ReadKnnOptions(ParamReader& reader, KnnSimilarityOptions* o);
void WriteKnnOptions(const KnnSimilarityOptions& o, ModelParams* params);

// BM25-weights `rows` in place ([n_rows, n_cols], as implicit's bm25_weight but with Lucene's idf):
// idf from how many rows hold each column, length normalisation per row.
void Bm25Weight(SparseRows* rows, idx_t n_cols, double k1, double b);

// Builds the top-N similarity between the rows of `rows` ([n, m]); `columns` is
// its transpose ([m, n]).
Status BuildKnnSimilarity(const SparseRows& rows, const SparseRows& columns, const KnnSimilarityOptions& o,
                          int threads, SparseRows* out);

}  // namespace encore
