// encore import --format FORMAT --db PATH INPUT [--on-error fail|skip] [--encoding auto|utf-8|latin-1]
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/progress.h"
#include "ingest/importer.h"
#include "store/store.h"

namespace encore::cli {
namespace {

struct ImportArgs {
  std::string format;
  std::string db;
  std::string input;
  std::string on_error = "fail";
  std::string encoding = "auto";
};

std::string FormatHelp() {
  std::string out;
  for (std::string_view f : ImportFormats()) out += (out.empty() ? "" : "|") + std::string(f);
  return out;
}

Status RunImport(const ImportArgs& args) {
  ImportOptions options;
  options.format = args.format;
  ENCORE_ASSIGN_OR_RETURN(options.on_error, ParseOnError(args.on_error));
  ENCORE_ASSIGN_OR_RETURN(options.encoding, ParseEncoding(args.encoding));
  options.progress = StderrIsTerminal();
  // Parse first: a bad format or input must not leave an empty store behind.
  bool known = false;
  for (std::string_view f : ImportFormats()) known = known || f == options.format;
  if (!known) return InvalidArgument("unknown format '" + options.format + "' (expected one of: " + FormatHelp() + ")");
  auto start = std::chrono::steady_clock::now();
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(ImportReport report, Import(*store, args.input, options));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const WriteResult& w = report.written;
  std::printf("imported %s from %s into %s in %.2f s\n", args.format.c_str(), args.input.c_str(), args.db.c_str(), secs);
  std::printf("  items:   %lld written\n", static_cast<long long>(w.items_written));
  std::printf("  users:   %lld written\n", static_cast<long long>(w.users_written));
  std::printf("  events:  %lld new, %lld duplicate\n", static_cast<long long>(w.events_written),
              static_cast<long long>(w.events_duplicate));
  std::printf("  links:   %lld new\n", static_cast<long long>(w.links_written));
  std::printf("  skipped: %lld lines\n", static_cast<long long>(report.lines_skipped));
  for (const std::string& reason : report.skip_reasons) std::printf("    skipped %s\n", reason.c_str());
  if (report.lines_skipped > static_cast<idx_t>(report.skip_reasons.size())) {
    std::printf("    ... and %lld more\n",
                static_cast<long long>(report.lines_skipped - static_cast<idx_t>(report.skip_reasons.size())));
  }
  for (const std::string& note : report.notes) std::printf("  note: %s\n", note.c_str());
  return Status::Ok();
}

}  // namespace

void AddImportCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand("import", "import a dataset (folder or file) into a store");
  cmd->add_option("--format", args->format, FormatHelp() + " (see docs/import-formats.md)")->required();
  cmd->add_option("--db", args->db, "store path (SQLite file, created when missing)")->required();
  cmd->add_option("input", args->input, "dataset folder or file")->required();
  cmd->add_option("--on-error", args->on_error,
                  "fail: a bad line imports nothing (default); skip: import the rest and report skipped lines");
  cmd->add_option("--encoding", args->encoding, "text encoding: auto (default), utf-8 or latin-1");
  cmd->footer("Exit codes: 0 ok, 1 failure (missing file, I/O), 2 invalid arguments or malformed input.");
  cmd->callback([args, exit_code] { *exit_code = Report("import", RunImport(*args)); });
}

}  // namespace encore::cli
