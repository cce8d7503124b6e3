// encore demo-data [--out DIR] [--db PATH] [--users N] [--items N] [--plays N] [--seed S]
//                  [--media DIR [--media-items N] [--media-seconds S]]
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/progress.h"
#include "ingest/demo_data.h"
#include "ingest/demo_media.h"
#include "ingest/generic.h"
#include "store/store.h"

namespace encore::cli {
namespace {

struct DemoDataArgs {
  std::string out;
  std::string db;
  DemoDataOptions options;
  DemoMediaOptions media;
};

Status RunDemoData(const DemoDataArgs& args) {
  if (args.out.empty() && args.db.empty()) {
    return InvalidArgument("give --out DIR (write items.jsonl, users.jsonl, events.jsonl) and/or --db PATH (import)");
  }
  ENCORE_ASSIGN_OR_RETURN(WriteBatch batch, GenerateDemoData(args.options));
  if (!args.media.dir.empty()) {
    ENCORE_RETURN_IF_ERROR(args.media.Validate());
    ENCORE_RETURN_IF_ERROR(CheckDemoMediaTools());
    Progress progress("media", std::min<idx_t>(args.media.n_items, static_cast<idx_t>(batch.items.size())),
                      StderrIsTerminal());
    ENCORE_ASSIGN_OR_RETURN(int made, GenerateDemoMedia(args.media, &batch, &progress));
    progress.Finish();
    std::printf("rendered %d media files into %s (analyse them with: encore analyze --db STORE)\n", made,
                args.media.dir.c_str());
  }
  if (!args.out.empty()) {
    ENCORE_RETURN_IF_ERROR(WriteGenericJsonl(batch, args.out));
    std::printf("wrote %zu items, %zu users, %zu events to %s (format: jsonl)\n", batch.items.size(),
                batch.users.size(), batch.events.size(), args.out.c_str());
  }
  if (!args.db.empty()) {
    ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
    Progress progress("demo-data", static_cast<idx_t>(batch.events.size()), StderrIsTerminal());
    batch.progress = &progress;
    ENCORE_ASSIGN_OR_RETURN(WriteResult w, store->Write(batch));
    progress.Finish();
    std::printf("imported into %s: %lld items, %lld users, %lld new events (%lld duplicate)\n", args.db.c_str(),
                static_cast<long long>(w.items_written), static_cast<long long>(w.users_written),
                static_cast<long long>(w.events_written), static_cast<long long>(w.events_duplicate));
  }
  return Status::Ok();
}

}  // namespace

void AddDemoDataCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DemoDataArgs>();
  CLI::App* cmd = app.add_subcommand("demo-data", "generate a deterministic demo catalogue with users and plays");
  cmd->add_option("--out", args->out, "folder to write items.jsonl, users.jsonl, events.jsonl into");
  cmd->add_option("--db", args->db, "store to import the demo data into (SQLite file)");
  cmd->add_option("--users", args->options.n_users, "number of users")->capture_default_str();
  cmd->add_option("--items", args->options.n_items, "number of items")->capture_default_str();
  cmd->add_option("--plays", args->options.n_plays, "number of play events")->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "random seed (same seed, same data)")->capture_default_str();
  cmd->add_option("--media", args->media.dir,
                  "also render short media files (flite, sox, ffmpeg) for a few items into this folder and "
                  "set their media paths");
  cmd->add_option("--media-items", args->media.n_items, "with --media: how many items get a file")->capture_default_str();
  cmd->add_option("--media-seconds", args->media.seconds, "with --media: length of each music clip and video")
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = Report("demo-data", RunDemoData(*args)); });
}

}  // namespace encore::cli
