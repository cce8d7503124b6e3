#include "content/text/summarize.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace encore::text {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// The longest prefix of `text` with at most `max_chars` characters.
std::string_view PrefixChars(std::string_view text, size_t max_chars) {
  size_t pos = 0, chars = 0;
  while (pos < text.size() && chars < max_chars) {
    DecodeUtf8(text, &pos);
    ++chars;
  }
  return text.substr(0, pos);
}

}  // namespace

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Status SummaryOptions::Validate() const {
  if (max_chars == 0) return InvalidArgument("summary: max_chars must be > 0");
  if (max_sentences <= 0) return InvalidArgument("summary: max_sentences must be > 0");
  return Status::Ok();
}

std::vector<Sentence> SplitSentences(std::string_view text) {
  std::vector<Sentence> sentences;
  size_t begin = 0, pos = 0;
  const auto emit = [&](size_t end) {
    std::string_view s = Trim(text.substr(begin, end - begin));
    if (!s.empty()) {
      const size_t offset = static_cast<size_t>(s.data() - text.data());
      sentences.push_back({offset, offset + s.size(), std::string(s)});
    }
    begin = end;
  };
  while (pos < text.size()) {
    const char32_t cp = DecodeUtf8(text, &pos);
    if (!IsSentenceEnd(cp)) continue;
    // Keep runs of terminators ("?!", "...") with their sentence.
    size_t next = pos;
    while (next < text.size()) {
      size_t probe = next;
      if (!IsSentenceEnd(DecodeUtf8(text, &probe))) break;
      next = probe;
    }
    pos = next;
    emit(pos);
  }
  emit(text.size());
  return sentences;
}

namespace {

Summary SummarizeNormalized(std::string_view text, const Tokenizer& tokenizer, const SummaryOptions& options) {
  Summary summary;
  std::vector<Sentence> sentences = SplitSentences(text);
  if (sentences.empty()) return summary;
  if (sentences.size() > options.max_input_sentences) sentences.resize(options.max_input_sentences);
  const size_t n = sentences.size();
  std::vector<std::unordered_set<std::string>> words(n);
  for (size_t i = 0; i < n; ++i) {
    // The text keeps its case for display; terms are case-folded.
    auto folded = NormalizeText(sentences[i].text);
    if (!folded.ok()) continue;  // cannot happen: the text is already valid UTF-8
    for (std::string& t : tokenizer.Tokenize(*folded)) words[i].insert(std::move(t));
  }
  // TextRank graph: similarity = overlap / (ln|Si| + ln|Sj|). Quadratic in
  // sentences; the normalised text is at most max_bytes, so n is bounded.
  std::vector<std::vector<std::pair<int, double>>> neighbours(n);
  for (size_t i = 0; i < n; ++i) {
    if (words[i].empty()) continue;
    for (size_t j = i + 1; j < n; ++j) {
      if (words[j].empty()) continue;
      const auto& small = words[i].size() < words[j].size() ? words[i] : words[j];
      const auto& large = words[i].size() < words[j].size() ? words[j] : words[i];
      int common = 0;
      for (const std::string& w : small) common += large.count(w) > 0;
      if (common == 0) continue;
      const double denom = std::log(static_cast<double>(words[i].size()) + 1) +
                           std::log(static_cast<double>(words[j].size()) + 1);
      const double sim = common / std::max(denom, 1e-9);
      neighbours[i].emplace_back(static_cast<int>(j), sim);
      neighbours[j].emplace_back(static_cast<int>(i), sim);
    }
  }
  const std::vector<double> rank = WeightedPageRank(neighbours, options.textrank);
  std::vector<int> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<int>(i);
  // Highest rank first; earlier sentence wins ties (leads carry the topic).
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return rank[a] > rank[b]; });
  size_t used = 0;
  for (int idx : order) {
    if (static_cast<int>(summary.sentence_indices.size()) >= options.max_sentences) break;
    const size_t len = Utf8Length(sentences[idx].text) + (summary.sentence_indices.empty() ? 0 : 1);
    if (used + len > options.max_chars) continue;
    summary.sentence_indices.push_back(idx);
    used += len;
  }
  if (summary.sentence_indices.empty()) {
    // Nothing fits whole: cut the best sentence, leaving room for the ellipsis.
    const int best = order.front();
    summary.sentence_indices.push_back(best);
    summary.text = std::string(PrefixChars(sentences[best].text, options.max_chars - 1)) + "\u2026";
    return summary;
  }
  std::sort(summary.sentence_indices.begin(), summary.sentence_indices.end());
  for (int idx : summary.sentence_indices) {
    if (!summary.text.empty()) summary.text.push_back(' ');
    summary.text += sentences[idx].text;
  }
  return summary;
}

}  // namespace

StatusOr<Summary> Summarize(std::string_view raw, const Tokenizer& tokenizer, const SummaryOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  NormalizeOptions normalize = tokenizer.options().normalize;
  normalize.fold_case = false;  // summaries are shown to people
  ENCORE_ASSIGN_OR_RETURN(std::string text, NormalizeText(raw, normalize));
  return SummarizeNormalized(text, tokenizer, options);
}

StatusOr<SegmentedSummary> SummarizeSegments(const std::vector<TimedSegment>& segments, const Tokenizer& tokenizer,
                                             const SummaryOptions& global_options,
                                             const SummaryOptions& segment_options) {
  ENCORE_RETURN_IF_ERROR(global_options.Validate());
  ENCORE_RETURN_IF_ERROR(segment_options.Validate());
  SegmentedSummary out;
  std::string all;
  for (const TimedSegment& segment : segments) {
    ENCORE_ASSIGN_OR_RETURN(Summary s, Summarize(segment.text, tokenizer, segment_options));
    out.segments.push_back(std::move(s));
    if (all.size() < tokenizer.options().normalize.max_bytes) {
      all += segment.text;
      all += '\n';  // a segment boundary ends a sentence
    }
  }
  ENCORE_ASSIGN_OR_RETURN(out.global, Summarize(all, tokenizer, global_options));
  return out;
}

}  // namespace encore::text
