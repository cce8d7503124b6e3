// The generic import formats `csv` and `jsonl` (schema in docs/import-formats.md)
// and a writer for `jsonl` (used by `encore demo-data`).
//
// INPUT is a folder holding any of items.EXT, users.EXT, events.EXT and
// links.EXT (EXT = csv, or jsonl/json), or a single file: items.* and users.*
// name themselves, any other file name is read as events.
#pragma once

#include <string>

#include "ingest/options.h"
#include "store/store.h"

namespace encore {

enum class GenericFormat : int { kCsv = 0, kJsonl = 1 };

// Parses `input`. Events must name items found in the input's items file or
// already in `store`; with `store == nullptr` unknown items are created bare.
Status ParseGeneric(const std::string& input, GenericFormat format, const ImportOptions& options,
                    const Store* store, ParsedImport* out);

// Writes `batch` as items.jsonl, users.jsonl, events.jsonl (and links.jsonl when
// it has links) into `dir`, creating it. Files are overwritten.
Status WriteGenericJsonl(const WriteBatch& batch, const std::string& dir);

}  // namespace encore
