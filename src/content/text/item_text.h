// The text of a catalogue item as index terms: one place that decides which
// fields count and how much, shared by the content model, the hybrid model,
// the tagger and search.
//
// Fields and default weights (a weight repeats the field's tokens, which is how
// BM25/TF-IDF see field importance — "BM25F-lite"):
//   title x2, description x1, tags x1, genres x1.
// With `field_features`, each genre and tag also becomes one whole-phrase term
// ("genre:sci-fi", "tag:dark comedy") so that multi-word labels stay distinct
// from the words they are made of. Item text is normalised (invalid UTF-8
// replaced, control characters removed, each field truncated at 1 MiB).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/text/tokenizer.h"
#include "core/records.h"

namespace encore::text {

struct ItemTextOptions {
  int title_weight = 2;
  int description_weight = 1;
  int tag_weight = 1;
  int genre_weight = 1;
  bool field_features = false;  // add "genre:<g>" and "tag:<t>" whole-phrase terms
};

// Index terms of one item.
std::vector<std::string> ItemTerms(const Item& item, const Tokenizer& tokenizer,
                                   const ItemTextOptions& options = {});

// The canonical form of a label (genre or tag): normalised, case-folded,
// inner whitespace collapsed, trimmed. "  Sci-Fi " -> "sci-fi".
std::string CanonicalLabel(std::string_view label);

}  // namespace encore::text
