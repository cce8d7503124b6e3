// Line-oriented reading of import files: whole-file load, line iteration with a
// length limit, field splitting (delimited and RFC 4180 CSV), text decoding,
// number parsing, and error messages that name file, line and field.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/options.h"

namespace encore {

class TextFile {
 public:
  // Reads `path` whole. NotFound when missing, InvalidArgument when it is empty
  // (no non-blank line). `name` is how messages refer to the file.
  static StatusOr<TextFile> Open(const std::string& path, idx_t max_line_bytes);

  // Advances to the next non-blank line (terminator and a trailing '\r' removed).
  // Returns false at the end. An over-long line sets *error (and is consumed).
  bool Next(std::string_view* line, Status* error);

  const std::string& path() const { return path_; }
  idx_t line_number() const { return line_number_; }

  // "path:line: what".
  Status LineError(const std::string& what) const;
  // "path:line: field N (name): what"; `field` is 0-based, printed 1-based.
  Status FieldError(size_t field, std::string_view name, const std::string& what) const;

 private:
  std::string path_;
  std::string data_;
  size_t pos_ = 0;
  idx_t line_number_ = 0;
  idx_t max_line_bytes_ = 0;
};

// Splits on a single-character delimiter (no quoting).
void SplitDelimited(std::string_view line, char delimiter, std::vector<std::string_view>* fields);

// Splits one RFC 4180 CSV record (quoted fields with "" escapes; no embedded
// newlines). Returns InvalidArgument text (without location) on a bad quote.
Status SplitCsv(std::string_view line, std::vector<std::string>* fields);

// Decodes raw bytes to UTF-8 under `encoding` (kAuto: UTF-8 when valid, else
// latin-1). Only kUtf8 can fail (invalid UTF-8).
Status DecodeText(std::string_view raw, Encoding encoding, std::string* out);

// True when `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

// Checked field access for delimited records; errors name file, line and field.
class FieldReader {
 public:
  FieldReader(const TextFile& file, std::span<const std::string_view> fields, Encoding encoding)
      : file_(file), fields_(fields), encoding_(encoding) {}

  // InvalidArgument "expected N fields separated by 'D', found M".
  Status ExpectCount(size_t n, char delimiter) const;
  StatusOr<int64_t> Int(size_t i, std::string_view name) const;
  StatusOr<double> Number(size_t i, std::string_view name) const;
  // Decoded text; `required` makes an empty field an error.
  StatusOr<std::string> Text(size_t i, std::string_view name, bool required = false) const;
  std::string_view Raw(size_t i) const { return fields_[i]; }
  size_t size() const { return fields_.size(); }

 private:
  const TextFile& file_;
  std::span<const std::string_view> fields_;
  Encoding encoding_;
};

// Parses a whole decimal integer / finite number; false when `text` is not one.
bool ParseInt(std::string_view text, int64_t* out);
bool ParseNumber(std::string_view text, double* out);

// Days since 1970-01-01 of a proleptic Gregorian date (no range checks).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// Collects bad lines according to OnError.
class ErrorSink {
 public:
  ErrorSink(OnError mode, ImportReport* report) : mode_(mode), report_(report) {}
  // kFail: returns `error` (the caller propagates it). kSkip: counts the line,
  // keeps the first few messages, returns OK (the caller skips the line).
  Status Skip(Status error);

 private:
  OnError mode_;
  ImportReport* report_;
};

// Runs `fn(line)` on each remaining line of `file`; a failing line (or an
// over-long one) goes to `sink`. REQUIRES: `fn` changes nothing when it fails.
template <typename Fn>
Status ForEachLine(TextFile& file, ErrorSink& sink, ImportReport& report, Fn&& fn) {
  std::string_view line;
  Status error;
  while (file.Next(&line, &error)) {
    ++report.lines_read;
    Status st = error.ok() ? fn(line) : error;
    if (!st.ok()) ENCORE_RETURN_IF_ERROR(sink.Skip(std::move(st)));
  }
  return Status::Ok();
}

// Reads the header line and checks it equals `expected` (InvalidArgument otherwise).
Status ExpectHeader(TextFile& file, std::string_view expected);

// `dir/name`.
std::string JoinPath(const std::string& dir, const std::string& name);
// True when `path` names an existing regular file.
bool FileExists(const std::string& path);

}  // namespace encore
