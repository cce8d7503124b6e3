// Tokenisation of normalised text (content/text/normalize.h) into index terms.
//
// The text is split into runs of one script class:
//   - word runs (Latin, Greek, Cyrillic letters and digits; an apostrophe inside
//     a word is dropped: "women's" -> "womens"): lower-cased by normalisation,
//     English stop words removed, then light stemming (the S-stemmer of Harman
//     1991: "comedies" -> "comedy", "movies" -> "movie", "dramas" -> "drama").
//     The S-stemmer is chosen over Porter because terms double as tags and
//     genre names shown to people; Porter's "romanc"/"anim" stems are not words.
//   - CJK runs (Han, kana, Hangul): segmented into words by friso
//     (content/text/chinese.h) or, when friso is unavailable and
//     `chinese = kBigrams`, into overlapping character bigrams. Chinese stop
//     words (的, 了, 是 ...) are removed.
//   - everything else (punctuation, symbols, emoji, U+FFFD) separates tokens and
//     is dropped.
//
// Thread-safety: Tokenize() is const and may be called concurrently.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "content/text/chinese.h"
#include "content/text/normalize.h"
#include "core/status.h"

namespace encore::text {

enum class ChineseMode { kFriso = 0, kBigrams = 1, kFrisoOrBigrams = 2 };

struct TokenizerOptions {
  bool remove_stop_words = true;  // English and Chinese stop word lists
  bool stem = true;               // S-stemmer on word runs
  ChineseMode chinese = ChineseMode::kFrisoOrBigrams;  // kFriso: fail Create() without friso
  size_t max_token_bytes = 64;    // longer word runs are dropped (hashes, base64 blobs)
  NormalizeOptions normalize;     // applied by TokenizeRaw()
};

class Tokenizer {
 public:
  // Fails only when `chinese == kFriso` and friso cannot be loaded.
  static StatusOr<Tokenizer> Create(const TokenizerOptions& options = {});

  // Tokens of already-normalised text, in text order.
  std::vector<std::string> Tokenize(std::string_view normalized) const;
  // NormalizeText + Tokenize. Fails only with options.normalize.strict_utf8.
  StatusOr<std::vector<std::string>> TokenizeRaw(std::string_view raw) const;

  const TokenizerOptions& options() const { return options_; }
  bool has_friso() const { return segmenter_ != nullptr; }

 private:
  explicit Tokenizer(TokenizerOptions options) : options_(std::move(options)) {}
  void AddWord(std::string word, std::vector<std::string>* out) const;
  void AddCjkRun(std::string_view run, std::vector<std::string>* out) const;

  TokenizerOptions options_;
  const ChineseSegmenter* segmenter_ = nullptr;  // process-wide, not owned
};

// The S-stemmer (ies -> y, es -> e, s -> "", with Harman's exceptions).
std::string StemS(std::string word);
// True for English and Chinese stop words (lower-case input).
bool IsStopWord(std::string_view word);

// Contiguous n-grams joined by `separator`: NGrams({a,b,c}, 2) = {"a b", "b c"}.
std::vector<std::string> NGrams(std::span<const std::string> tokens, int n, std::string_view separator = " ");

}  // namespace encore::text
