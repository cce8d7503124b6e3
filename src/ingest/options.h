// Options and report shared by every importer (`encore import`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "store/store.h"

namespace encore {

// How text fields are decoded into UTF-8.
enum class Encoding : int {
  kAuto = 0,    // the format's default: latin-1 for movielens-100k; otherwise each field
                // is taken as UTF-8 when valid, else as latin-1 (Last.fm mixes both)
  kUtf8 = 1,    // strict UTF-8: invalid bytes are an error naming the line
  kLatin1 = 2,  // ISO-8859-1, converted to UTF-8
};

enum class OnError : int {
  kFail = 0,  // the first bad line fails the import and nothing is written
  kSkip = 1,  // bad lines are skipped and counted; the rest is imported
};

// "auto" | "utf-8" (also "utf8") | "latin-1" (also "latin1", "iso-8859-1").
StatusOr<Encoding> ParseEncoding(std::string_view name);
// "fail" | "skip".
StatusOr<OnError> ParseOnError(std::string_view name);

struct ImportOptions {
  std::string format;                   // one of ImportFormats()
  OnError on_error = OnError::kFail;    // what a bad line does
  Encoding encoding = Encoding::kAuto;  // how text fields are decoded
  idx_t max_line_bytes = idx_t{1} << 20;  // longer lines are rejected (1 MiB)
  bool progress = false;                // progress bar on stderr (terminal only)
};

// What an import read and wrote.
struct ImportReport {
  idx_t lines_read = 0;      // data lines read (headers and blank lines excluded)
  idx_t lines_skipped = 0;   // bad lines skipped (OnError::kSkip only)
  std::vector<std::string> skip_reasons;  // the first few skipped lines' errors
  std::vector<std::string> notes;         // remarks about the data (e.g. ignored references)
  idx_t items = 0;           // records parsed
  idx_t users = 0;
  idx_t events = 0;
  idx_t links = 0;
  WriteResult written;       // what the store wrote (new vs duplicate events...)
};

// A parsed import: the batch to write (in one transaction) and the report so far.
struct ParsedImport {
  WriteBatch batch;
  ImportReport report;
};

// How many skipped-line errors an ImportReport keeps.
inline constexpr size_t kMaxSkipReasons = 5;

}  // namespace encore
