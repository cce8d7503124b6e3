#include "content/text/tokenizer.h"

#include <algorithm>
#include <array>

namespace encore::text {
namespace {

// A compact English list (the most frequent function words) plus common Chinese
// function words.
constexpr std::array<std::string_view, 137> kStopWords = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor",
    "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
    "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves",
    // Chinese
    "一个", "也", "了", "和", "在", "就", "我", "是", "的", "都", "而",
};

std::array<std::string_view, kStopWords.size()> SortedStopWords() {
  auto sorted = kStopWords;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

}  // namespace

bool IsStopWord(std::string_view word) {
  static const auto sorted = SortedStopWords();  // immutable after first use
  return std::binary_search(sorted.begin(), sorted.end(), word);
}

// Plurals of words ending in "ie", where "ies" -> "y" would be wrong.
constexpr std::array<std::string_view, 22> kIePlurals = {
    "bookies", "brownies", "calories", "cookies", "foodies", "freebies", "genies",  "goalies",
    "goodies", "hippies",  "indies",   "lingeries", "movies", "newbies",  "pixies", "prairies",
    "rookies", "selfies",  "smoothies", "techies", "zombies", "aunties",
};

std::string StemS(std::string word) {
  if (std::find(kIePlurals.begin(), kIePlurals.end(), word) != kIePlurals.end()) {
    word.pop_back();
    return word;
  }
  const auto ends = [&](std::string_view suffix) {
    return word.size() >= suffix.size() && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (word.size() <= 3) return word;
  if (ends("ies") && !ends("eies") && !ends("aies")) {
    word.replace(word.size() - 3, 3, "y");
  } else if (ends("es") && !ends("aes") && !ends("ees") && !ends("oes")) {
    word.pop_back();
  } else if (ends("s") && !ends("us") && !ends("ss")) {
    word.pop_back();
  }
  return word;
}

StatusOr<Tokenizer> Tokenizer::Create(const TokenizerOptions& options) {
  Tokenizer t(options);
  if (options.chinese != ChineseMode::kBigrams) {
    auto shared = ChineseSegmenter::Shared();
    if (shared.ok()) {
      t.segmenter_ = *shared;
    } else if (options.chinese == ChineseMode::kFriso) {
      return shared.status();
    }
  }
  return t;
}

void Tokenizer::AddWord(std::string word, std::vector<std::string>* out) const {
  if (word.empty() || word.size() > options_.max_token_bytes) return;
  if (options_.remove_stop_words && IsStopWord(word)) return;
  if (options_.stem) word = StemS(std::move(word));
  out->push_back(std::move(word));
}

void Tokenizer::AddCjkRun(std::string_view run, std::vector<std::string>* out) const {
  if (segmenter_) {
    for (std::string& w : segmenter_->Segment(run)) {
      if (options_.remove_stop_words && IsStopWord(w)) continue;
      out->push_back(std::move(w));
    }
    return;
  }
  // Character bigrams; a single character is its own token.
  std::vector<std::string_view> chars;
  size_t pos = 0;
  while (pos < run.size()) {
    const size_t at = pos;
    DecodeUtf8(run, &pos);
    chars.push_back(run.substr(at, pos - at));
  }
  if (chars.size() == 1) {
    out->emplace_back(chars[0]);
    return;
  }
  for (size_t i = 0; i + 1 < chars.size(); ++i) {
    std::string bigram(chars[i]);
    bigram.append(chars[i + 1]);
    out->push_back(std::move(bigram));
  }
}

std::vector<std::string> Tokenizer::Tokenize(std::string_view text) const {
  std::vector<std::string> tokens;
  enum class Run { kNone, kWord, kCjk } run = Run::kNone;
  std::string word;
  size_t cjk_begin = 0;
  size_t pos = 0;
  const auto flush = [&](size_t end) {
    if (run == Run::kWord) AddWord(std::move(word), &tokens);
    if (run == Run::kCjk) AddCjkRun(text.substr(cjk_begin, end - cjk_begin), &tokens);
    word.clear();
    run = Run::kNone;
  };
  while (pos < text.size()) {
    const size_t at = pos;
    const char32_t cp = DecodeUtf8(text, &pos);
    if (IsWordChar(cp)) {
      if (run != Run::kWord) flush(at);
      run = Run::kWord;
      word.append(text.substr(at, pos - at));
    } else if (IsCjk(cp)) {
      if (run != Run::kCjk) {
        flush(at);
        cjk_begin = at;
      }
      run = Run::kCjk;
    } else if ((cp == '\'' || cp == 0x2019) && run == Run::kWord && pos < text.size()) {
      // Apostrophe inside a word: skipped, the word continues.
      size_t next = pos;
      if (!IsWordChar(DecodeUtf8(text, &next))) flush(at);
    } else {
      flush(at);
    }
  }
  flush(text.size());
  return tokens;
}

StatusOr<std::vector<std::string>> Tokenizer::TokenizeRaw(std::string_view raw) const {
  ENCORE_ASSIGN_OR_RETURN(std::string normalized, NormalizeText(raw, options_.normalize));
  return Tokenize(normalized);
}

std::vector<std::string> NGrams(std::span<const std::string> tokens, int n, std::string_view separator) {
  std::vector<std::string> grams;
  if (n <= 0 || tokens.size() < static_cast<size_t>(n)) return grams;
  grams.reserve(tokens.size() - n + 1);
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    std::string gram = tokens[i];
    for (int k = 1; k < n; ++k) {
      gram.append(separator);
      gram.append(tokens[i + k]);
    }
    grams.push_back(std::move(gram));
  }
  return grams;
}

}  // namespace encore::text
