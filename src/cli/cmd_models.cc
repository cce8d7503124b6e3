// encore models [--json] [--params]: the registered models, the names that
// train/eval/tune/ensemble accept, with a one-line summary and optionally
// every parameter's default.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "models/registry.h"

namespace encore::cli {
namespace {

struct ModelsArgs {
  bool json = false;
  bool params = false;
};

Status RunModels(const ModelsArgs& args) {
  nlohmann::json out = nlohmann::json::array();
  for (const ModelEntry& entry : ModelRegistry()) {
    ModelParams defaults;
    if (args.params) {
      auto model = entry.create({});
      if (!model.ok()) return model.status().WithContext("model " + entry.name);
      defaults = (*model)->Params();
    }
    if (args.json) {
      nlohmann::json m = {{"name", entry.name}, {"summary", entry.summary}};
      if (args.params) m["defaults"] = defaults;
      out.push_back(std::move(m));
      continue;
    }
    std::printf("%-11s %s\n", entry.name.c_str(), entry.summary.c_str());
    for (const auto& [key, value] : defaults) std::printf("            %s=%s\n", key.c_str(), value.c_str());
  }
  if (args.json) std::printf("%s\n", out.dump(2).c_str());
  return Status::Ok();
}

}  // namespace

void AddModelsCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ModelsArgs>();
  CLI::App* cmd = app.add_subcommand("models", "list the registered models (names for train, eval, tune)");
  cmd->add_flag("--json", args->json, "print a JSON array instead of text");
  cmd->add_flag("--params", args->params, "also list every parameter with its default");
  cmd->callback([args, exit_code] { *exit_code = Report("models", RunModels(*args)); });
}

}  // namespace encore::cli
