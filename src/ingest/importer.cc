#include "ingest/importer.h"

#include <filesystem>

#include "core/progress.h"
#include "ingest/generic.h"
#include "ingest/lastfm.h"
#include "ingest/movielens.h"

namespace encore {
namespace {

constexpr std::string_view kMl100k = "movielens-100k";
constexpr std::string_view kMlLatest = "movielens-latest";
constexpr std::string_view kLastfm = "lastfm-2k";
constexpr std::string_view kCsv = "csv";
constexpr std::string_view kJsonl = "jsonl";

std::string FormatList() {
  std::string out;
  for (std::string_view f : ImportFormats()) out += (out.empty() ? "" : ", ") + std::string(f);
  return out;
}

}  // namespace

std::vector<std::string_view> ImportFormats() { return {kMl100k, kMlLatest, kLastfm, kCsv, kJsonl}; }

StatusOr<ParsedImport> ParseImport(const std::string& input, const ImportOptions& options, const Store* store) {
  const std::string& format = options.format;
  bool known = false;
  for (std::string_view f : ImportFormats()) known = known || f == format;
  if (!known) return InvalidArgument("unknown format '" + format + "' (expected one of: " + FormatList() + ")");
  if (options.max_line_bytes <= 0) return InvalidArgument("max_line_bytes must be positive");
  std::error_code ec;
  if (input.empty() || !std::filesystem::exists(input, ec)) {
    return NotFound((input.empty() ? std::string("(empty path)") : input) + ": no such file or folder");
  }
  ParsedImport parsed;
  if (format == kCsv || format == kJsonl) {
    ENCORE_RETURN_IF_ERROR(ParseGeneric(input, format == kCsv ? GenericFormat::kCsv : GenericFormat::kJsonl,
                                        options, store, &parsed));
  } else {
    std::string dir = input;
    if (!std::filesystem::is_directory(input, ec)) {
      dir = std::filesystem::path(input).parent_path().string();
      if (dir.empty()) dir = ".";
    }
    if (format == kMl100k) ENCORE_RETURN_IF_ERROR(ParseMovieLens100k(dir, options, &parsed));
    else if (format == kMlLatest) ENCORE_RETURN_IF_ERROR(ParseMovieLensLatest(dir, options, &parsed));
    else ENCORE_RETURN_IF_ERROR(ParseLastfm2k(dir, options, &parsed));
  }
  ImportReport& report = parsed.report;
  report.items = static_cast<idx_t>(parsed.batch.items.size());
  report.users = static_cast<idx_t>(parsed.batch.users.size());
  report.events = static_cast<idx_t>(parsed.batch.events.size());
  report.links = static_cast<idx_t>(parsed.batch.links.size());
  return parsed;
}

StatusOr<ImportReport> Import(Store& store, const std::string& input, const ImportOptions& options) {
  ENCORE_ASSIGN_OR_RETURN(ParsedImport parsed, ParseImport(input, options, &store));
  Progress progress("import", static_cast<idx_t>(parsed.batch.events.size()), options.progress);
  parsed.batch.progress = &progress;
  auto written = store.Write(parsed.batch);
  progress.Finish();
  if (!written.ok()) return written.status().WithContext("importing " + input);
  parsed.report.written = *written;
  return std::move(parsed.report);
}

}  // namespace encore
