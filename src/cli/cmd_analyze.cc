// encore analyze [--json] FILE...
// encore analyze --db PATH [--jobs N] [--force] [--json]
//
// Media understanding (docs/media.md) for files, or for every item of a store
// that has a media path; store results are kept per item under
// video::kAnalysisKey with video::kAnalysisVersion, so each item is analysed
// once until the analysis changes (or --force).
#include <cstdio>
#include <filesystem>
#include <mutex>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "content/video/analyzer.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "store/store.h"

namespace encore::cli {
namespace {

struct AnalyzeArgs {
  std::vector<std::string> files;
  std::string db;
  int jobs = 1;
  bool json = false;
  bool force = false;
  bool no_speech = false;
  bool no_ocr = false;
  double max_seconds = 900;
  bool progress = true;
};

video::AnalyzerOptions MakeOptions(const AnalyzeArgs& args) {
  video::AnalyzerOptions options;
  options.transcribe = !args.no_speech;
  options.read_text = !args.no_ocr;
  options.max_seconds = args.max_seconds;
  return options;
}

// One analyzer per worker (each owns a PocketSphinx decoder and a Tesseract engine).
class AnalyzerPool {
 public:
  AnalyzerPool(int workers, video::AnalyzerOptions options) : analyzers_(static_cast<size_t>(workers)), options_(std::move(options)) {}
  StatusOr<video::MediaAnalyzer*> Get(int worker) {
    auto& slot = analyzers_[static_cast<size_t>(worker)];
    if (!slot) {
      ENCORE_ASSIGN_OR_RETURN(slot, video::MediaAnalyzer::Create(options_));
    }
    return slot.get();
  }

 private:
  std::vector<std::unique_ptr<video::MediaAnalyzer>> analyzers_;
  video::AnalyzerOptions options_;
};

// Relative media paths in a store are relative to the store's directory when
// they do not exist relative to the working directory.
std::string ResolveMedia(const std::string& media, const std::string& db) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(media);
  if (p.is_absolute() || fs::exists(p, ec)) return media;
  fs::path alt = fs::path(db).parent_path() / p;
  return fs::exists(alt, ec) ? alt.string() : media;
}

Status RunFiles(const AnalyzeArgs& args, int* failures) {
  const auto n = static_cast<idx_t>(args.files.size());
  std::vector<std::optional<video::MediaAnalysis>> results(args.files.size());
  std::vector<Status> errors(args.files.size());
  AnalyzerPool pool(args.jobs, MakeOptions(args));
  // Engines missing (no speech model, no OCR data) fail everything: report once.
  ENCORE_RETURN_IF_ERROR(pool.Get(0).status());
  Progress progress("analyze", n, args.progress && n > 1);
  ENCORE_RETURN_IF_ERROR(ParallelFor(n, args.jobs, [&](idx_t begin, idx_t end, int worker) -> Status {
    ENCORE_ASSIGN_OR_RETURN(video::MediaAnalyzer* analyzer, pool.Get(worker));
    for (idx_t i = begin; i < end; ++i) {
      auto r = analyzer->Analyze(args.files[static_cast<size_t>(i)]);
      if (r.ok()) {
        results[static_cast<size_t>(i)] = std::move(*r);
      } else {
        errors[static_cast<size_t>(i)] = r.status();
      }
      progress.Advance();
    }
    return Status::Ok();
  }, 1));
  progress.Finish();
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < args.files.size(); ++i) {
    if (!errors[i].ok()) {
      ++*failures;
      std::fprintf(stderr, "encore analyze: error: %s\n", errors[i].message().c_str());
      if (args.json) out.push_back({{"path", args.files[i]}, {"error", errors[i].message()}});
      continue;
    }
    if (args.json) {
      out.push_back(video::ToJson(*results[i]));
    } else {
      std::fputs(video::ToText(*results[i]).c_str(), stdout);
    }
  }
  if (args.json) std::printf("%s\n", (args.files.size() == 1 ? out[0] : out).dump(2).c_str());
  return Status::Ok();
}

Status RunStore(const AnalyzeArgs& args, int* failures) {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  std::vector<bool> deleted;
  ENCORE_ASSIGN_OR_RETURN(std::vector<Item> items, store->AllItems(&deleted));
  std::vector<const Item*> todo;
  idx_t with_media = 0, up_to_date = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (deleted[i] || items[i].media.empty()) continue;
    ++with_media;
    int version = 0;
    if (!args.force && store->GetItemData(items[i].id, video::kAnalysisKey, &version).ok() &&
        version == video::kAnalysisVersion) {
      ++up_to_date;
      continue;
    }
    todo.push_back(&items[i]);
  }
  AnalyzerPool pool(args.jobs, MakeOptions(args));
  if (!todo.empty()) ENCORE_RETURN_IF_ERROR(pool.Get(0).status());
  std::mutex mu;
  std::vector<std::string> errors;
  double media_s = 0, cpu_s = 0;
  Progress progress("analyze", static_cast<idx_t>(todo.size()), args.progress);
  ENCORE_RETURN_IF_ERROR(ParallelFor(static_cast<idx_t>(todo.size()), args.jobs, [&](idx_t begin, idx_t end, int worker) -> Status {
    ENCORE_ASSIGN_OR_RETURN(video::MediaAnalyzer* analyzer, pool.Get(worker));
    for (idx_t i = begin; i < end; ++i) {
      const Item& item = *todo[static_cast<size_t>(i)];
      auto r = analyzer->Analyze(ResolveMedia(item.media, args.db));
      Status s = r.ok() ? store->PutItemData(item.id, video::kAnalysisKey, video::kAnalysisVersion,
                                             video::ToJson(*r).dump())
                        : r.status();
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!s.ok()) {
          errors.push_back("item " + item.id + ": " + s.message());
        } else {
          media_s += r->audio ? r->audio->duration_s : r->info.duration_s;
          cpu_s += r->analysis_cpu_s;
        }
      }
      progress.Advance();
    }
    return Status::Ok();
  }, 1));
  progress.Finish();
  for (const std::string& e : errors) std::fprintf(stderr, "encore analyze: error: %s\n", e.c_str());
  *failures = static_cast<int>(errors.size());
  const idx_t analysed = static_cast<idx_t>(todo.size()) - static_cast<idx_t>(errors.size());
  if (args.json) {
    nlohmann::json j = {{"items_with_media", with_media}, {"analysed", analysed}, {"up_to_date", up_to_date},
                        {"failed", errors.size()}, {"media_seconds", media_s}, {"cpu_seconds", cpu_s}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%lld items with media: analysed %lld, already up to date %lld, failed %zu",
                static_cast<long long>(with_media), static_cast<long long>(analysed),
                static_cast<long long>(up_to_date), errors.size());
    if (cpu_s > 0) std::printf(" (%.1f s of media in %.1f CPU s, %.1fx)", media_s, cpu_s, media_s / cpu_s);
    std::printf("\n");
  }
  return Status::Ok();
}

Status RunAnalyze(const AnalyzeArgs& args, int* failures) {
  if (args.jobs < 1) return InvalidArgument("--jobs must be >= 1");
  if (!(args.max_seconds > 0)) return InvalidArgument("--max-seconds must be > 0");
  if (args.db.empty() == args.files.empty()) return InvalidArgument("give either FILE... or --db PATH");
  return args.db.empty() ? RunFiles(args, failures) : RunStore(args, failures);
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "look inside media: tempo, key, speech transcript, shots, on-screen text, tags (docs/media.md)");
  cmd->add_option("files", args->files, "media files to analyse (any container/codec FFmpeg reads)");
  cmd->add_option("--db", args->db, "analyse every item of this store that has a media path and store the results");
  cmd->add_option("--jobs", args->jobs, "files analysed in parallel")->capture_default_str();
  cmd->add_option("--max-seconds", args->max_seconds, "analyse at most this much of each file")->capture_default_str();
  cmd->add_flag("--json", args->json, "print JSON instead of text");
  cmd->add_flag("--force", args->force, "with --db: re-analyse items whose stored analysis is current");
  cmd->add_flag("--no-speech", args->no_speech, "skip speech-to-text");
  cmd->add_flag("--no-ocr", args->no_ocr, "skip on-screen text recognition");
  cmd->callback([args, exit_code] {
    int failures = 0;
    Status s = RunAnalyze(*args, &failures);
    *exit_code = Report("analyze", s);
    // Files named on the command line that failed make the command fail; a
    // store batch goes on and reports its failures without failing.
    if (s.ok() && failures > 0 && args->db.empty()) *exit_code = kExitFailure;
  });
}

}  // namespace encore::cli
