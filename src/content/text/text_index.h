// Corpus statistics over tokenised documents: vocabulary, document frequencies,
// TF-IDF vectors and BM25 scores.
//
// Formulas (N documents, df = documents containing the term, tf = occurrences
// in the document, dl = document length in tokens, avgdl = mean dl):
//   TF-IDF:  w = (1 + ln tf) * idf,  idf = ln((1 + N) / (1 + df)) + 1   (scikit-learn's
//            smoothed idf with sublinear tf), L2-normalised.
//   BM25:    sum over query terms of  idf_bm25 * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)),
//            idf_bm25 = ln(1 + (N - df + 0.5) / (df + 0.5))   (Lucene's non-negative form).
// Terms absent from the index contribute nothing.
//
// Thread-safety: immutable after Build(); all methods are const.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace encore::text {

// A sparse vector with ascending, unique ids.
struct SparseVector {
  std::vector<int32_t> ids;
  std::vector<float> values;
  size_t size() const { return ids.size(); }
};
float Dot(const SparseVector& a, const SparseVector& b);
// Scales to unit L2 norm (no-op for the zero vector).
void NormalizeL2(SparseVector* v);
// Random projection to `dim` dense values (Johnson-Lindenstrauss): adds R v to
// out[0, dim), where R[d][term] is a standard normal value drawn from a hash of
// (term, d), so R is never stored and the same ids always project alike.
// Inner products are kept in expectation up to the factor dim.
void AddRandomProjection(const SparseVector& v, int dim, float* out);

struct Bm25Options {
  double k1 = 1.2;  // term-frequency saturation (>= 0)
  double b = 0.75;  // length normalisation in [0, 1]
  Status Validate() const;
};

class TextIndex {
 public:
  TextIndex() = default;
  // docs[d] = tokens of document d.
  static TextIndex Build(std::span<const std::vector<std::string>> docs);

  idx_t n_docs() const { return static_cast<idx_t>(doc_len_.size()); }
  int32_t n_terms() const { return static_cast<int32_t>(terms_.size()); }
  // -1 when the term is not in the index.
  int32_t TermId(std::string_view term) const;
  const std::string& Term(int32_t id) const { return terms_[id]; }
  int32_t DocFreq(int32_t id) const { return df_[id]; }
  float DocLength(idx_t doc) const { return doc_len_[doc]; }
  double AverageDocLength() const { return avg_len_; }
  double Idf(int32_t id) const;
  double Bm25Idf(int32_t id) const;

  // BM25 of one document for `query` tokens.
  double Bm25(std::span<const std::string> query, idx_t doc, const Bm25Options& options = {}) const;
  // BM25 of every document: scores.size() == n_docs() (through the postings lists).
  void Bm25All(std::span<const std::string> query, const Bm25Options& options, std::span<float> scores) const;
  // L2-normalised TF-IDF vector of `tokens` against this corpus.
  SparseVector TfIdf(std::span<const std::string> tokens) const;
  // TF-IDF vector of indexed document `doc`.
  SparseVector DocTfIdf(idx_t doc) const;
  // (term id, count) of document `doc`.
  std::span<const int32_t> DocTerms(idx_t doc) const {
    return {doc_terms_.data() + doc_ptr_[doc], static_cast<size_t>(doc_ptr_[doc + 1] - doc_ptr_[doc])};
  }
  std::span<const float> DocCounts(idx_t doc) const {
    return {doc_counts_.data() + doc_ptr_[doc], static_cast<size_t>(doc_ptr_[doc + 1] - doc_ptr_[doc])};
  }

 private:
  SparseVector WeightCounts(std::span<const int32_t> ids, std::span<const float> counts) const;

  std::unordered_map<std::string, int32_t> term_ids_;
  std::vector<std::string> terms_;
  std::vector<int32_t> df_;
  // Document x term counts, CSR with ascending term ids per document.
  std::vector<idx_t> doc_ptr_{0};
  std::vector<int32_t> doc_terms_;
  std::vector<float> doc_counts_;
  std::vector<float> doc_len_;
  // Term x document postings (term frequency per posting).
  std::vector<idx_t> post_ptr_{0};
  std::vector<int32_t> post_docs_;
  std::vector<float> post_tf_;
  double avg_len_ = 0;
};

}  // namespace encore::text
