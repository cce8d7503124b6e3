// encore train --db PATH --model NAME [--param key=value ...] [--params-file F] --out MODEL_FILE
#include <chrono>
#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "eval/evaluator.h"
#include "models/recommender.h"
#include "store/dataset.h"

namespace encore::cli {
namespace {

struct TrainArgs {
  std::string db;
  std::string model = "popularity";
  std::vector<std::string> params;
  std::string params_file;
  std::vector<std::string> weights;
  std::string out;
  RunContext run;
};

Status RunTrain(const TrainArgs& args) {
  ENCORE_ASSIGN_OR_RETURN(ModelParams params, ParseParams(args.params));
  if (!args.params_file.empty()) {
    ENCORE_ASSIGN_OR_RETURN(ModelParams from_file, ReadParamsFile(args.params_file, args.model));
    // Explicit --param values win over the file.
    for (auto& [k, v] : from_file) params.emplace(k, v);
  }
  DatasetOptions data_options;
  for (const std::string& kv : args.weights) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return InvalidArgument("--weight '" + kv + "' is not key=value");
    ENCORE_RETURN_IF_ERROR(data_options.weighting.Set(kv.substr(0, eq), kv.substr(eq + 1)));
  }
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateModel(args.model, params));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDatasetWithMedia(*store, data_options));
  if (data.interactions.nnz() == 0) {
    return FailedPrecondition("the store " + args.db + " has no usable interactions to train on (import data first)");
  }
  TrainContext ctx = MakeTrainContext(&data, args.run);
  auto start = std::chrono::steady_clock::now();
  ENCORE_RETURN_IF_ERROR(model->Fit(ctx, data.interactions));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ENCORE_RETURN_IF_ERROR(SaveModel(*model, args.out));
  std::printf("trained %s on %lld users x %lld items (%lld interactions) in %.2f s -> %s\n",
              args.model.c_str(), static_cast<long long>(data.interactions.n_users()),
              static_cast<long long>(data.interactions.n_items()),
              static_cast<long long>(data.interactions.nnz()), secs, args.out.c_str());
  return Status::Ok();
}

}  // namespace

void AddTrainCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "train a model on the store's interactions and save it");
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_option("--model", args->model, "model name (see `encore models`)")->capture_default_str();
  cmd->add_option("--param", args->params, "model parameter key=value (repeatable)");
  cmd->add_option("--params-file", args->params_file, "JSON file of tuned parameters (from `encore tune`)");
  cmd->add_option("--weight", args->weights, "event weighting key=value (repeatable, see docs/data-model.md)");
  cmd->add_option("--out", args->out, "where to write the model file")->required();
  AddRunOptions(cmd, &args->run);
  cmd->callback([args, exit_code] { *exit_code = Report("train", RunTrain(*args)); });
}

}  // namespace encore::cli
