// Keyword extraction: proposes tags for an item from its text.
//   TfIdfKeywords:    the terms with the largest TF-IDF weight against a corpus
//                     (good when a catalogue-wide index exists).
//   TextRankKeywords: TextRank (Mihalcea & Tarau 2004) over the co-occurrence
//                     graph of the document's own tokens (window `window`),
//                     PageRank with damping `damping`; needs no corpus.
// Both return at most k (term, weight) pairs, largest weight first, ties by term.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "content/text/text_index.h"

namespace encore::text {

using Keyword = std::pair<std::string, float>;

std::vector<Keyword> TfIdfKeywords(std::span<const std::string> tokens, const TextIndex& corpus, int k);

struct TextRankOptions {
  int window = 4;           // tokens within this distance are linked
  double damping = 0.85;    // PageRank damping factor
  int iterations = 50;      // maximum power iterations
  double tolerance = 1e-6;  // stop when the L1 change falls below
};
std::vector<Keyword> TextRankKeywords(std::span<const std::string> tokens, int k,
                                      const TextRankOptions& options = {});

// PageRank over a symmetric weighted graph given as adjacency lists
// (neighbours[i] = (j, weight)); returns one score per node, summing to n.
std::vector<double> WeightedPageRank(const std::vector<std::vector<std::pair<int, double>>>& neighbours,
                                     const TextRankOptions& options);

}  // namespace encore::text
