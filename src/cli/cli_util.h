// Shared plumbing for subcommands: error reporting, exit codes, common options.
#pragma once

#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "core/context.h"
#include "core/status.h"
#include "store/dataset.h"

namespace encore::cli {

// Exit codes (documented in docs/cli.md):
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the operation failed (I/O, data, model...)
inline constexpr int kExitUsage = 2;    // bad command line or invalid argument values

// Prints "encore <command>: error: <message>" on stderr; returns the exit code.
int Report(const std::string& command, const Status& status);

// Adds --threads and --seed to `cmd`, bound to `ctx`.
void AddRunOptions(CLI::App* cmd, RunContext* ctx);


}  // namespace encore::cli

namespace encore::cli {

// LoadDataset, with each item's stored media analysis (`encore analyze`) added to
// its text: keywords, summary, on-screen text and transcript, and with
// `with_tags` the analysis tags (video::AddAnalysesToItems). What train, eval,
// tune (no tags) and search (tags) read.
StatusOr<Dataset> LoadDatasetWithMedia(const Store& store, const DatasetOptions& options, bool with_tags = false);

// Reads a tuned-parameters JSON file ({"model": NAME, "params": {key: value}})
// written by `encore tune`; rejects files for another model.
StatusOr<std::map<std::string, std::string>> ReadParamsFile(const std::string& path,
                                                            const std::string& model);

}  // namespace encore::cli
