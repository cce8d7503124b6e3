// `encore import`: parses a dataset in one of the supported formats and writes
// it to a Store in a single transaction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/options.h"
#include "store/store.h"

namespace encore {

// The names accepted as ImportOptions::format, in help order:
// movielens-100k, movielens-latest, lastfm-2k, csv, jsonl.
std::vector<std::string_view> ImportFormats();

// Parses `input` (a folder, or a file: for the dataset formats its folder is
// used) without writing. `store` (may be null) lets generic events refer to
// items already stored. Errors name file, line and field; with
// OnError::kSkip bad lines are counted in the report instead.
StatusOr<ParsedImport> ParseImport(const std::string& input, const ImportOptions& options,
                                   const Store* store);

// ParseImport + one Store::Write: with OnError::kFail any bad line means
// nothing is written. Re-importing the same data adds nothing (events are
// deduplicated, items and users upserted).
StatusOr<ImportReport> Import(Store& store, const std::string& input, const ImportOptions& options);

}  // namespace encore
