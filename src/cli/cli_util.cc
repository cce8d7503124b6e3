#include "cli/cli_util.h"

#include <cstdio>

#include "content/video/analysis_digest.h"
#include "core/parallel.h"
#include "core/progress.h"

namespace encore::cli {

StatusOr<Dataset> LoadDatasetWithMedia(const Store& store, const DatasetOptions& options, bool with_tags) {
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDataset(store, options));
  video::AnalysisTextOptions text_options;
  text_options.tags = with_tags;
  video::AddAnalysesToItems(data.item_analyses, &data.items, text_options);
  return data;
}

int Report(const std::string& command, const Status& status) {
  if (status.ok()) return kExitOk;
  std::fprintf(stderr, "encore %s: error: %s\n", command.c_str(), status.message().c_str());
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
}

void AddRunOptions(CLI::App* cmd, RunContext* ctx) {
  ctx->threads = HardwareThreads();
  ctx->progress = StderrIsTerminal();
  cmd->add_option("--threads", ctx->threads, "worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--seed", ctx->seed, "random seed (default 42)");
  cmd->add_flag("--verbose", ctx->verbose, "log a line per training epoch (models that train in epochs)");
}

}  // namespace encore::cli

#include <fstream>

#include <nlohmann/json.hpp>

namespace encore::cli {

StatusOr<std::map<std::string, std::string>> ReadParamsFile(const std::string& path,
                                                            const std::string& model) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open parameters file " + path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(path + ": not valid JSON: " + e.what());
  }
  if (!j.is_object() || !j.contains("params") || !j["params"].is_object()) {
    return InvalidArgument(path + ": expected an object with a \"params\" object");
  }
  if (j.contains("model") && j["model"].is_string() && j["model"].get<std::string>() != model) {
    return InvalidArgument(path + ": parameters are for model '" + j["model"].get<std::string>() +
                           "', not '" + model + "'");
  }
  std::map<std::string, std::string> params;
  for (auto& [k, v] : j["params"].items()) {
    if (v.is_string()) params[k] = v.get<std::string>();
    else if (v.is_number() || v.is_boolean()) params[k] = v.dump();
    else return InvalidArgument(path + ": parameter '" + k + "' must be a string, number or boolean");
  }
  return params;
}

}  // namespace encore::cli
