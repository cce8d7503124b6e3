// encore tune --db PATH --model NAME --protocol NAME [--filter ...] [--ratios a,b,c]
//             [--budget N] [--metric ndcg@10] [--strategy random|halving] [--eta 3]
//             [--param key=value ...] [--weight key=value ...] --out PARAMS.json
// Splits the store's interactions with the protocol (as `encore eval` does, same
// seed => same split) and searches the model's parameters on the validation part
// only; the test part is never looked at. Writes the best parameters as JSON
// that `encore train --params-file` and `encore eval --params-file` read.
// The library behind it is RunHyperSearch (train/hyper_search.h).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "eval/splitters.h"
#include "models/recommender.h"
#include "store/dataset.h"
#include "train/hyper_search.h"

namespace encore::cli {
namespace {

struct TuneArgs {
  std::string db;
  std::string model;
  std::string protocol;
  std::vector<std::string> filters;
  std::vector<double> ratios;
  std::vector<std::string> params;
  std::vector<std::string> weights;
  SearchOptions search;
  std::string out;
  bool quiet = false;
  RunContext run;
};

Status RunTune(TuneArgs& args) {
  // Everything the user typed is checked before the store is opened.
  ProtocolOptions protocol;
  protocol.protocol = args.protocol;
  protocol.seed = args.run.seed;
  protocol.ratios = args.ratios;
  for (const std::string& f : args.filters) ENCORE_RETURN_IF_ERROR(protocol.AddFilter(f));
  DatasetOptions data_options;
  for (const std::string& kv : args.weights) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) return InvalidArgument("--weight '" + kv + "' is not key=value");
    ENCORE_RETURN_IF_ERROR(data_options.weighting.Set(kv.substr(0, eq), kv.substr(eq + 1)));
  }
  protocol.weighting = data_options.weighting;
  ENCORE_RETURN_IF_ERROR(protocol.Validate());

  args.search.model = args.model;
  ENCORE_ASSIGN_OR_RETURN(args.search.fixed, ParseParams(args.params));
  ENCORE_RETURN_IF_ERROR(args.search.Validate());
  ENCORE_ASSIGN_OR_RETURN(SearchSpace space, DefaultSearchSpace(args.model));
  ENCORE_RETURN_IF_ERROR(CreateModel(args.model, args.search.fixed).status());
  {  // Fail on an --out in a missing directory now, not after the search.
    const std::filesystem::path parent = std::filesystem::path(args.out).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return InvalidArgument("--out " + args.out + ": directory " + parent.string() + " does not exist");
    }
  }

  data_options.keep_events = protocol.min_rating.has_value();
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDatasetWithMedia(*store, data_options));
  if (data.interactions.nnz() == 0) {
    return FailedPrecondition("the store " + args.db + " has no usable interactions (import data first)");
  }
  ENCORE_ASSIGN_OR_RETURN(Split split, MakeSplit(data, protocol));

  const bool quiet = args.quiet;
  auto on_trial = [quiet](const Trial& t, int done, int total) {
    if (quiet) return;
    std::string params;
    for (const auto& [k, v] : t.params) params += (params.empty() ? "" : " ") + k + "=" + v;
    std::fprintf(stderr, "[%d/%d] rung %d (resource %.3g) %.4f  fit %.2fs  %s\n", done, total, t.rung, t.resource,
                 t.value, t.fit_seconds, params.empty() ? "(defaults)" : params.c_str());
  };
  ENCORE_ASSIGN_OR_RETURN(SearchResult result,
                          RunHyperSearch(split, &data, args.search, space, args.run, on_trial));

  std::ofstream out(args.out, std::ios::trunc);
  out << SearchResultJson(result, protocol.protocol, args.run.seed);
  out.close();
  if (!out) return IoError("failed writing " + args.out);
  std::string params;
  for (const auto& [k, v] : result.best_params) params += (params.empty() ? "" : " ") + k + "=" + v;
  std::printf("best %s on validation: %.4f with %s\nwritten to %s\n", result.metric.c_str(), result.best_value,
              params.empty() ? "the defaults" : params.c_str(), args.out.c_str());
  return Status::Ok();
}

}  // namespace

void AddTuneCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TuneArgs>();
  CLI::App* cmd = app.add_subcommand("tune", "search a model's parameters on a protocol's validation split");
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_option("--model", args->model, "model name (see `encore models`)")->required();
  cmd->add_option("--protocol", args->protocol, "random-ratio | stratified | leave-one-out (needs a validation part)")
      ->required();
  cmd->add_option("--filter", args->filters, "filter before splitting, as in `encore eval` (repeatable)");
  cmd->add_option("--ratios", args->ratios, "train,valid,test ratios summing to 1 (default per protocol)")
      ->delimiter(',');
  cmd->add_option("--param", args->params, "fixed model parameter key=value, not searched (repeatable)");
  cmd->add_option("--weight", args->weights, "event weighting key=value (repeatable, see docs/data-model.md)");
  cmd->add_option("--budget", args->search.budget, "configurations to try (random) or start (halving), default 20");
  cmd->add_option("--metric", args->search.metric, "validation metric to maximise (default ndcg@10)");
  cmd->add_option("--strategy", args->search.strategy, "random | halving (successive halving), default random");
  cmd->add_option("--eta", args->search.eta, "halving: keep 1/eta of the configurations per rung (default 3)");
  cmd->add_option("--out", args->out, "JSON file for the best parameters (read by train/eval --params-file)")
      ->required();
  cmd->add_flag("--quiet", args->quiet, "do not print one line per trial on stderr");
  AddRunOptions(cmd, &args->run);
  cmd->callback([args, exit_code] { *exit_code = Report("tune", RunTune(*args)); });
}

}  // namespace encore::cli
