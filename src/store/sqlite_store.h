// SqliteStore: the embedded default Store, one SQLite file.
//
// Durability: WAL journal with synchronous=NORMAL. A Write() that returned OK
// survives a crash (kill -9) of the process; after a power loss or OS crash the
// last few transactions may be lost, but the database stays consistent.
//
// Schema: a `schema_version` table records the migrations applied; Open()
// applies the missing ones in order and refuses files written by a newer
// encore (FailedPrecondition) or files that are not encore databases
// (DataLoss / FailedPrecondition), naming the file.
//
// Thread-safety: every method may be called from several threads; calls are
// serialised by one mutex (SQLite connection plus in-memory id maps).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace encore {

struct SqliteStoreOptions {
  // Page cache size in MiB (SQLite `cache_size`); larger speeds up big imports.
  int cache_mib = 64;
  // Open an existing database only (NotFound when the file does not exist).
  bool must_exist = false;
};

// The schema version this build writes (the number of migrations it knows).
int SqliteSchemaVersion();

// Opens (creating and migrating as needed) the SQLite store at `path`.
StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                 const SqliteStoreOptions& options = {});

}  // namespace encore
