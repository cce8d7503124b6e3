#include "content/text/text_index.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/random.h"

namespace encore::text {

float Dot(const SparseVector& a, const SparseVector& b) {
  float sum = 0;
  size_t i = 0, j = 0;
  while (i < a.ids.size() && j < b.ids.size()) {
    if (a.ids[i] < b.ids[j]) {
      ++i;
    } else if (a.ids[i] > b.ids[j]) {
      ++j;
    } else {
      sum += a.values[i++] * b.values[j++];
    }
  }
  return sum;
}

void NormalizeL2(SparseVector* v) {
  double norm = 0;
  for (float x : v->values) norm += static_cast<double>(x) * x;
  if (norm <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : v->values) x *= inv;
}

namespace {

// Box-Muller on two hashed uniforms: a standard normal value fixed by (term, row).
float HashedGaussian(uint64_t term, uint64_t row) {
  uint64_t state = term * 0x100000001B3ull + row;
  const uint64_t a = SplitMix64Next(state);
  state = a;
  const uint64_t b = SplitMix64Next(state);
  const double u1 = (static_cast<double>(a >> 11) + 1) * 0x1.0p-53;
  const double u2 = static_cast<double>(b >> 11) * 0x1.0p-53;
  return static_cast<float>(std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
}

}  // namespace

void AddRandomProjection(const SparseVector& v, int dim, float* out) {
  for (size_t k = 0; k < v.size(); ++k) {
    const auto term = static_cast<uint64_t>(v.ids[k]);
    for (int d = 0; d < dim; ++d) out[d] += v.values[k] * HashedGaussian(term, static_cast<uint64_t>(d));
  }
}

Status Bm25Options::Validate() const {
  if (!(k1 >= 0) || !std::isfinite(k1)) return InvalidArgument("bm25: k1 must be >= 0, got " + std::to_string(k1));
  if (!(b >= 0 && b <= 1)) return InvalidArgument("bm25: b must be in [0, 1], got " + std::to_string(b));
  return Status::Ok();
}

TextIndex TextIndex::Build(std::span<const std::vector<std::string>> docs) {
  TextIndex index;
  std::map<int32_t, float> counts;  // per document, ordered by term id
  double total_len = 0;
  for (const auto& doc : docs) {
    counts.clear();
    for (const std::string& token : doc) {
      auto [it, inserted] = index.term_ids_.try_emplace(token, static_cast<int32_t>(index.terms_.size()));
      if (inserted) {
        index.terms_.push_back(token);
        index.df_.push_back(0);
      }
      counts[it->second] += 1;
    }
    for (const auto& [term, count] : counts) {
      index.doc_terms_.push_back(term);
      index.doc_counts_.push_back(count);
      ++index.df_[term];
    }
    index.doc_ptr_.push_back(static_cast<idx_t>(index.doc_terms_.size()));
    index.doc_len_.push_back(static_cast<float>(doc.size()));
    total_len += static_cast<double>(doc.size());
  }
  index.avg_len_ = docs.empty() ? 0 : total_len / static_cast<double>(docs.size());
  // Postings by counting sort over terms.
  const int32_t n_terms = index.n_terms();
  index.post_ptr_.assign(n_terms + 1, 0);
  for (int32_t term : index.doc_terms_) ++index.post_ptr_[term + 1];
  for (int32_t t = 0; t < n_terms; ++t) index.post_ptr_[t + 1] += index.post_ptr_[t];
  index.post_docs_.resize(index.doc_terms_.size());
  index.post_tf_.resize(index.doc_terms_.size());
  std::vector<idx_t> fill(index.post_ptr_.begin(), index.post_ptr_.end() - 1);
  for (idx_t doc = 0; doc < index.n_docs(); ++doc) {
    for (idx_t k = index.doc_ptr_[doc]; k < index.doc_ptr_[doc + 1]; ++k) {
      const idx_t at = fill[index.doc_terms_[k]]++;
      index.post_docs_[at] = static_cast<int32_t>(doc);
      index.post_tf_[at] = index.doc_counts_[k];
    }
  }
  return index;
}

int32_t TextIndex::TermId(std::string_view term) const {
  auto it = term_ids_.find(std::string(term));
  return it == term_ids_.end() ? -1 : it->second;
}

double TextIndex::Idf(int32_t id) const {
  return std::log((1.0 + static_cast<double>(n_docs())) / (1.0 + df_[id])) + 1.0;
}

double TextIndex::Bm25Idf(int32_t id) const {
  const double n = static_cast<double>(n_docs());
  const double df = df_[id];
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

double TextIndex::Bm25(std::span<const std::string> query, idx_t doc, const Bm25Options& options) const {
  if (doc < 0 || doc >= n_docs()) return 0;
  const auto terms = DocTerms(doc);
  const auto counts = DocCounts(doc);
  const double norm = options.k1 * (1 - options.b + options.b * doc_len_[doc] / std::max(avg_len_, 1e-9));
  double score = 0;
  for (const std::string& q : query) {
    const int32_t id = TermId(q);
    if (id < 0) continue;
    auto it = std::lower_bound(terms.begin(), terms.end(), id);
    if (it == terms.end() || *it != id) continue;
    const double tf = counts[it - terms.begin()];
    score += Bm25Idf(id) * tf * (options.k1 + 1) / (tf + norm);
  }
  return score;
}

void TextIndex::Bm25All(std::span<const std::string> query, const Bm25Options& options,
                        std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  const double avg = std::max(avg_len_, 1e-9);
  for (const std::string& q : query) {
    const int32_t id = TermId(q);
    if (id < 0) continue;
    const double idf = Bm25Idf(id);
    for (idx_t k = post_ptr_[id]; k < post_ptr_[id + 1]; ++k) {
      const int32_t doc = post_docs_[k];
      const double tf = post_tf_[k];
      const double norm = options.k1 * (1 - options.b + options.b * doc_len_[doc] / avg);
      scores[doc] += static_cast<float>(idf * tf * (options.k1 + 1) / (tf + norm));
    }
  }
}

SparseVector TextIndex::WeightCounts(std::span<const int32_t> ids, std::span<const float> counts) const {
  SparseVector v;
  v.ids.assign(ids.begin(), ids.end());
  v.values.resize(ids.size());
  for (size_t k = 0; k < ids.size(); ++k) {
    v.values[k] = static_cast<float>((1.0 + std::log(counts[k])) * Idf(ids[k]));
  }
  NormalizeL2(&v);
  return v;
}

SparseVector TextIndex::TfIdf(std::span<const std::string> tokens) const {
  std::map<int32_t, float> counts;
  for (const std::string& token : tokens) {
    const int32_t id = TermId(token);
    if (id >= 0) counts[id] += 1;
  }
  std::vector<int32_t> ids;
  std::vector<float> values;
  for (const auto& [id, count] : counts) {
    ids.push_back(id);
    values.push_back(count);
  }
  return WeightCounts(ids, values);
}

SparseVector TextIndex::DocTfIdf(idx_t doc) const { return WeightCounts(DocTerms(doc), DocCounts(doc)); }

}  // namespace encore::text
