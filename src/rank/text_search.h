// Free-text search over the catalogue with Okapi BM25 (Robertson & Zaragoza
// 2009) over titles, genres/tags and descriptions, each field weighted
// (a BM25F-style sum of weighted term frequencies). The tokenizer is simple on
// purpose (lowercase ASCII, split on non-alphanumerics, UTF-8 kept whole): a
// full text pipeline replaces this file without changing callers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rank/catalog.h"
#include "retrieve/topk.h"

namespace encore {

struct TextSearchOptions {
  float k1 = 1.2f;                // term-frequency saturation
  float b = 0.75f;                // length normalisation
  float title_weight = 3.0f;      // a title word counts this many times
  float tag_weight = 2.0f;        // each genre and tag word
  float description_weight = 1.0f;
};

// Lowercased tokens of `text`.
std::vector<std::string> Tokenize(std::string_view text);

class TextIndex {
 public:
  TextIndex() = default;
  // Indexes every live item of `catalog`. extra_text[i] (optional, may be shorter than
  // the catalogue) adds words to item i at the description weight, e.g. what its media
  // analysis says (video::WordsOfAnalysis: transcript, on-screen text, media tags).
  static TextIndex Build(const Catalog& catalog, const TextSearchOptions& options = {},
                         std::span<const std::string> extra_text = {});

  // The k best items for `query`, best first; items with excluded[i] skipped.
  std::vector<ScoredItem> Search(std::string_view query, idx_t k, std::span<const bool> excluded = {}) const;
  uint64_t catalog_version() const { return catalog_version_; }

 private:
  struct Posting {
    ItemIdx item;
    float tf;  // weighted term frequency
  };
  TextSearchOptions options_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::vector<float> doc_length_;  // by item
  float avg_length_ = 0;
  idx_t n_docs_ = 0;
  uint64_t catalog_version_ = 0;
};

}  // namespace encore
