// Supervised multi-label tagging with fastText (Debian libfasttext-dev 0.9.2):
// a linear model over averaged word (and character n-gram) embeddings with
// one-vs-all loss, so each label gets an independent probability. The
// alternative to LinearTagger; docs/benchmarks.md compares both.
//
// fastText trains from a file: the samples are written to a temporary file
// ("__label__<id> ... tokens") that is removed afterwards.
//
// Thread-safety: Predict() is const and may be called concurrently after Fit().
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/status.h"

namespace fasttext {
class FastText;
}

namespace encore::tagging {

struct FastTextTaggerOptions {
  int dim = 50;
  int epoch = 25;
  double learning_rate = 0.5;
  int word_ngrams = 1;
  int min_subword = 0;  // character n-grams (0/0 = off); useful for names
  int max_subword = 0;
  Status Validate() const;
};

class FastTextTagger {
 public:
  explicit FastTextTagger(FastTextTaggerOptions options = {});
  ~FastTextTagger();
  FastTextTagger(FastTextTagger&&) noexcept;
  FastTextTagger& operator=(FastTextTagger&&) noexcept;

  // tokens[i]: sample i's tokens; labels[i]: its label ids (< n_labels).
  // Samples without labels are skipped (fastText has no explicit negatives).
  Status Fit(std::span<const std::vector<std::string>> tokens, std::span<const std::vector<int32_t>> labels,
             int32_t n_labels, const RunContext& ctx);
  // probabilities.size() == n_labels; labels fastText never saw get 0.
  void Predict(std::span<const std::string> tokens, std::span<float> probabilities) const;

 private:
  FastTextTaggerOptions options_;
  int32_t n_labels_ = 0;
  std::unique_ptr<fasttext::FastText> model_;
  std::vector<int32_t> label_of_output_;  // fastText output index -> our label id
};

}  // namespace encore::tagging
