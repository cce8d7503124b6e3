// Intent search over a catalogue: a free-text request is parsed into filters
// (kind, genre, language) and soft expansions (mood), then items are ranked by
//   score = bm25 / max_bm25 + embedding_weight * cos(query, item)
//           + profile_weight * cos(user profile, item)
// where the embeddings are fastText skip-gram vectors trained on the
// catalogue's own text (or user-supplied word2vec/GloVe vectors) and the
// profile is the TF-IDF centroid of the user's history.
//
// Parsing rules (a small rule set; docs/text.md lists them):
//   genre:    the query contains a catalogue genre's words, or a synonym from a
//             built-in table ("scary" -> horror, "科幻" -> sci-fi); a hard filter
//             on items carrying one of the named genres, dropped when it would
//             leave no item.
//   kind:     "movie", "film", "song", "track", "podcast", "artist", "电影"...
//             filters ItemKind when the catalogue has more than one kind.
//   language: "french", "chinese", "中文"... filters Item::language when items carry one.
//   mood:     "calm", "happy", "sad", "dark", "scary", "energetic", "romantic"
//             add related terms to the query (not a filter).
// Matched genre words stay in the BM25 query (they also match item text); kind
// words leave it (a title such as "Scary Movie" would otherwise win every
// "... movies" query).
//
// Thread-safety: immutable after Build(); Search() is const.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/text/embeddings.h"
#include "content/text/item_text.h"
#include "content/text/text_index.h"
#include "content/text/tokenizer.h"
#include "core/context.h"
#include "core/records.h"

namespace encore::text {

// fastText settings for search-time training: small and quick.
inline FastTextOptions SmallFastText() {
  FastTextOptions options;
  options.dim = 32;
  options.epoch = 5;
  return options;
}

struct SearchOptions {
  Bm25Options bm25;
  double embedding_weight = 0.3;  // weight of query-item embedding cosine
  double profile_weight = 0.2;    // weight of user-profile cosine (with a history)
  bool use_embeddings = true;     // train / load word vectors
  std::string vectors_path;       // word2vec/GloVe text file; empty = train fastText on the catalogue
  FastTextOptions fasttext = SmallFastText();  // catalogue vectors: dim 32, 5 epochs (seconds on 10k items)
  Status Validate() const;
};

struct ParsedQuery {
  std::vector<std::string> terms;        // BM25 terms (mood expansions included)
  std::vector<std::string> genres;       // canonical genre labels to filter on
  std::optional<ItemKind> kind;          // kind filter
  std::string language;                  // language code filter ("" = none)
  std::vector<std::string> moods;        // moods recognised
};

struct SearchHit {
  ItemIdx item = kNoItem;
  float score = 0;
  float bm25 = 0;
  float embedding = 0;
  float profile = 0;
};

// Longest query read, in bytes; longer queries are truncated at a character boundary.
inline constexpr size_t kMaxQueryBytes = 4096;

// A query Search() accepts: valid UTF-8 (InvalidArgument naming the byte offset
// otherwise) with at least one letter, digit or CJK character after
// normalisation (an empty or blank query is InvalidArgument). Cheap: callers may
// check a request before paying for Build().
Status ValidateQuery(std::string_view query);

class SearchEngine {
 public:
  // `items` by internal index; `deleted` (optional, same size) excludes items.
  static StatusOr<SearchEngine> Build(const std::vector<Item>& items, const std::vector<bool>* deleted,
                                      const SearchOptions& options, const RunContext& ctx);

  ParsedQuery Parse(std::string_view query) const;
  // Top n items for `query`; `history` (may be empty) personalises the ranking.
  // A query ValidateQuery() rejects gives its error.
  StatusOr<std::vector<SearchHit>> Search(std::string_view query, std::span<const ItemIdx> history, int n,
                                          ParsedQuery* parsed = nullptr) const;

  bool has_embeddings() const { return vectors_.dim() > 0; }

 private:
  SearchEngine(Tokenizer tokenizer, SearchOptions options)
      : tokenizer_(std::move(tokenizer)), options_(std::move(options)) {}

  Tokenizer tokenizer_;
  SearchOptions options_;
  TextIndex index_;
  std::vector<ItemKind> kinds_;
  std::vector<std::string> languages_;
  std::vector<std::vector<std::string>> genres_;  // canonical labels per item
  std::vector<bool> deleted_;
  bool several_kinds_ = false;
  bool has_languages_ = false;
  // genre label -> its tokens, plus synonym token sequences
  std::vector<std::pair<std::string, std::vector<std::vector<std::string>>>> genre_patterns_;
  WordVectors vectors_;
  std::vector<float> item_vectors_;  // [n_items, dim]
};

}  // namespace encore::text
