// Extractive summaries: TextRank over sentences (Mihalcea & Tarau 2004). The
// summary is the highest-ranked sentences that fit the length limit, printed in
// their original order, so it reads like the text.
//
// Sentence similarity is TextRank's: |common tokens| / (ln|s1| + ln|s2|).
// Sentences are split at . ! ? 。！？… and line feeds (content/text/normalize.h).
// A sentence longer than the limit on its own is cut at a character boundary
// (marked by a trailing "…") only when nothing else fits. Sentences after the
// first max_input_sentences are not considered.
//
// Thread-safety: pure functions (the tokenizer is const).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/text/keywords.h"
#include "content/text/tokenizer.h"

namespace encore::text {

struct Sentence {
  size_t begin = 0;  // byte offsets into the normalised text
  size_t end = 0;
  std::string text;  // trimmed
};

// Splits normalised text into sentences (empty ones dropped).
std::vector<Sentence> SplitSentences(std::string_view text);

struct SummaryOptions {
  size_t max_chars = 300;     // limit on the summary, in UTF-8 characters (> 0)
  int max_sentences = 3;      // at most this many sentences (> 0)
  // Only the first this-many sentences are candidates: TextRank is quadratic in
  // sentences, and this bounds a 1 MiB text to well under a second.
  size_t max_input_sentences = 1000;
  TextRankOptions textrank;
  Status Validate() const;
};

struct Summary {
  std::string text;                   // chosen sentences joined by a space, in text order
  std::vector<int> sentence_indices;  // indices into SplitSentences(normalised text), ascending
};

// Summarises raw text (normalised first; invalid UTF-8 replaced, long text truncated).
StatusOr<Summary> Summarize(std::string_view raw, const Tokenizer& tokenizer, const SummaryOptions& options = {});

// A piece of timed text, e.g. a transcript segment.
struct TimedSegment {
  double start_s = 0;
  double end_s = 0;
  std::string text;
};

struct SegmentedSummary {
  Summary global;                 // over the concatenation of all segments
  std::vector<Summary> segments;  // one per input segment, same order
};

StatusOr<SegmentedSummary> SummarizeSegments(const std::vector<TimedSegment>& segments, const Tokenizer& tokenizer,
                                             const SummaryOptions& global_options = {},
                                             const SummaryOptions& segment_options = {});

// Number of UTF-8 characters (code points) in valid UTF-8.
size_t Utf8Length(std::string_view text);

}  // namespace encore::text
