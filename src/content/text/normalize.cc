#include "content/text/normalize.h"

namespace encore::text {

char32_t DecodeUtf8(std::string_view text, size_t* pos, bool* valid) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const size_t start = *pos;
  const unsigned char b0 = byte(start);
  auto fail = [&]() {
    *pos = start + 1;  // resynchronise on the next byte
    if (valid) *valid = false;
    return kReplacementChar;
  };
  if (b0 < 0x80) {
    *pos = start + 1;
    if (valid) *valid = true;
    return b0;
  }
  int length = 0;
  char32_t cp = 0;
  char32_t min_cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, cp = b0 & 0x1F, min_cp = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, cp = b0 & 0x0F, min_cp = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, cp = b0 & 0x07, min_cp = 0x10000;
  } else {
    return fail();
  }
  if (start + length > text.size()) return fail();
  for (int k = 1; k < length; ++k) {
    const unsigned char b = byte(start + k);
    if ((b & 0xC0) != 0x80) return fail();
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, UTF-16 surrogates and values beyond Unicode are invalid.
  if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail();
  *pos = start + length;
  if (valid) *valid = true;
  return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  bool valid = true;
  while (pos < text.size()) {
    DecodeUtf8(text, &pos, &valid);
    if (!valid) return false;
  }
  return true;
}

namespace {

bool IsControl(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
         // zero-width space/joiners, direction marks, word joiner, BOM
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || cp == 0x2060 || cp == 0xFEFF;
}

char32_t FoldChar(char32_t cp, bool fold_case) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp = cp - 0xFF01 + 0x21;  // full-width ASCII
  if (cp == 0x3000) cp = ' ';                                  // ideographic space
  if (fold_case) {
    if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // Latin-1 capitals, not ×
  }
  return cp;
}

}  // namespace

StatusOr<std::string> NormalizeText(std::string_view text, const NormalizeOptions& options,
                                    NormalizeReport* report) {
  NormalizeReport local;
  NormalizeReport& r = report ? *report : local;
  r = NormalizeReport{};
  if (text.size() > options.max_bytes) {
    size_t cut = options.max_bytes;
    // Back up over continuation bytes so a multi-byte character is not split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
    r.truncated = true;
  }
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t at = pos;
    bool valid = true;
    char32_t cp = DecodeUtf8(text, &pos, &valid);
    if (!valid) {
      if (options.strict_utf8) {
        return InvalidArgument("invalid UTF-8 at byte " + std::to_string(at) +
                               "; re-encode the text as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
      }
      ++r.invalid_sequences;
    }
    if (cp == '\n') {
      out.push_back('\n');
      continue;
    }
    if (cp == '\t' || cp == '\r') {
      out.push_back(' ');
      continue;
    }
    if (IsControl(cp)) {
      ++r.controls_removed;
      continue;
    }
    AppendUtf8(out, FoldChar(cp, options.fold_case));
  }
  return out;
}

bool IsCjk(char32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) ||   // hiragana, katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||   // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||   // CJK unified ideographs
         (cp >= 0xAC00 && cp <= 0xD7AF) ||   // Hangul syllables
         (cp >= 0xF900 && cp <= 0xFAFF) ||   // compatibility ideographs
         (cp >= 0x20000 && cp <= 0x2FA1F);   // extensions B..F, compatibility supplement
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;  // Latin-1 letters, Latin Extended A/B
  if (cp >= 0x370 && cp <= 0x3FF) return cp != 0x37E && cp != 0x387;  // Greek
  if (cp >= 0x400 && cp <= 0x52F) return true;                        // Cyrillic
  return false;
}

bool IsSentenceEnd(char32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == '\n' || cp == 0x3002 /* 。 */ || cp == 0xFF01 ||
         cp == 0xFF1F || cp == 0x2026 /* … */;
}

}  // namespace encore::text
