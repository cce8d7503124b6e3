// Word vectors and the dense text vectors built from them.
//
// Two sources of word vectors:
//   - TrainFastTextVectors: fastText skip-gram (Debian libfasttext-dev 0.9.2)
//     trained on the catalogue's own tokenised text. fastText reads a file, so
//     the corpus is written to a temporary file that is removed afterwards.
//   - LoadWordVectors: a user-supplied file in the word2vec text format
//     ("N DIM" header line, then "word v1 .. vDIM") or the GloVe text format
//     (no header). Lines are checked: a wrong number of values is an error that
//     names file:line.
// Text vectors (EmbedTokens) are the TF-IDF-weighted mean of the vectors of the
// known tokens, L2-normalised; a text with no known token gets the zero vector.
//
// Thread-safety: WordVectors is immutable after construction.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "content/text/text_index.h"
#include "core/context.h"
#include "core/status.h"

namespace encore::text {

class WordVectors {
 public:
  WordVectors() = default;
  // vectors: [words.size(), dim] row-major. REQUIRES: sizes agree, words unique.
  WordVectors(std::vector<std::string> words, std::vector<float> vectors, int dim);

  int dim() const { return dim_; }
  size_t size() const { return words_.size(); }
  const std::string& Word(size_t i) const { return words_[i]; }
  // Row of `word`, or nullptr when unknown.
  const float* Find(std::string_view word) const;
  const std::vector<float>& matrix() const { return vectors_; }

 private:
  std::vector<std::string> words_;
  std::vector<float> vectors_;
  std::unordered_map<std::string, size_t> index_;
  int dim_ = 0;
};

// Loads word2vec or GloVe text vectors; `max_words` > 0 keeps the first ones
// (files are usually sorted by frequency).
StatusOr<WordVectors> LoadWordVectors(const std::string& path, size_t max_words = 0);

struct FastTextOptions {
  int dim = 64;          // vector size
  int epoch = 10;        // passes over the corpus
  int min_count = 2;     // words rarer than this get no vector
  int window = 5;        // context window
  int negatives = 5;     // negative samples
  int min_subword = 3;   // character n-gram range (0/0 disables subwords)
  int max_subword = 6;
  double learning_rate = 0.05;
  Status Validate() const;
};

// Trains skip-gram vectors on `documents` (one token list per document) and
// returns the vectors of every vocabulary word. ctx.threads and ctx.seed are used.
// Fails with InvalidArgument when the corpus has no word reaching min_count.
StatusOr<WordVectors> TrainFastTextVectors(std::span<const std::vector<std::string>> documents,
                                           const FastTextOptions& options, const RunContext& ctx);

// The TF-IDF-weighted mean of the word vectors of `tokens` (weights from
// `corpus`; tokens unknown to the corpus get the maximum idf), L2-normalised;
// out->size() == vectors.dim(). Returns the number of tokens that had a vector.
size_t EmbedTokens(std::span<const std::string> tokens, const WordVectors& vectors, const TextIndex* corpus,
                   std::vector<float>* out);

// Cosine similarity of two equal-length vectors (0 when either is zero).
float Cosine(std::span<const float> a, std::span<const float> b);

}  // namespace encore::text
