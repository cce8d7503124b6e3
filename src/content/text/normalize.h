// Text normalisation: the first step of every text path (tokenisation, BM25,
// summaries, embeddings). Input is untrusted bytes from the catalogue, a user
// query or a transcript; output is valid UTF-8 with a bounded size.
//
// What NormalizeText does, in order:
//   1. Truncates the input to `max_bytes` (default kMaxTextBytes = 1 MiB) at a
//      character boundary, so a 10 MB description costs bounded time and memory.
//   2. Decodes UTF-8. Invalid sequences (stray continuation bytes, overlongs,
//      surrogates, code points > U+10FFFF, truncated sequences) are replaced by
//      U+FFFD, or rejected with InvalidArgument naming the byte offset when
//      `strict_utf8` is set.
//   3. Removes control characters (C0 and C1, DEL, zero-width and BOM); tab and
//      carriage return become a space; line feed is kept (sentence splitting uses it).
//   4. Maps full-width ASCII (U+FF01..U+FF5E) and the ideographic space to
//      half-width, and folds case for ASCII and Latin-1 (A-Z, U+00C0..U+00DE).
//      This is "NFC-lite": no decomposition tables, which Debian's C++ stack
//      would need ICU for.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace encore::text {

// Default bound on the bytes of one text that the pipeline reads (1 MiB).
inline constexpr size_t kMaxTextBytes = size_t{1} << 20;
inline constexpr char32_t kReplacementChar = 0xFFFD;

struct NormalizeOptions {
  size_t max_bytes = kMaxTextBytes;  // input beyond this is dropped (at a character boundary)
  bool strict_utf8 = false;          // invalid UTF-8: error instead of U+FFFD
  bool fold_case = true;             // lower-case ASCII and Latin-1
};

// What normalisation changed (for logs and validation reports).
struct NormalizeReport {
  size_t invalid_sequences = 0;  // replaced by U+FFFD
  size_t controls_removed = 0;
  bool truncated = false;
};

// Returns the normalised text; fails only with strict_utf8 on invalid input.
StatusOr<std::string> NormalizeText(std::string_view text, const NormalizeOptions& options = {},
                                    NormalizeReport* report = nullptr);

// Decodes one code point of valid-or-not UTF-8 at text[*pos], advancing *pos by
// at least one byte. Returns kReplacementChar for an invalid sequence and sets
// *valid (optional) accordingly.
char32_t DecodeUtf8(std::string_view text, size_t* pos, bool* valid = nullptr);
// Appends the UTF-8 encoding of `cp` (REQUIRES: a valid scalar value).
void AppendUtf8(std::string& out, char32_t cp);
// True when `text` is entirely valid UTF-8.
bool IsValidUtf8(std::string_view text);

// Character classes used by the tokenizer and the sentence splitter.
bool IsCjk(char32_t cp);       // Han, kana, Hangul, CJK compatibility ideographs
bool IsWordChar(char32_t cp);  // letters and digits of Latin, Greek, Cyrillic scripts
bool IsSentenceEnd(char32_t cp);  // . ! ? and their CJK forms, line feed

}  // namespace encore::text
