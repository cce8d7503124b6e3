// The list of subcommands. Each Add*Command is defined in its cmd_<verb>.cc.
#pragma once

#include <CLI/CLI.hpp>

namespace encore::cli {

void AddModelsCommand(CLI::App& app, int* exit_code);     // cmd_models.cc
void AddTrainCommand(CLI::App& app, int* exit_code);      // cmd_train.cc
void AddRecommendCommand(CLI::App& app, int* exit_code);  // cmd_recommend.cc
void AddSearchCommand(CLI::App& app, int* exit_code);     // cmd_search.cc
void AddImportCommand(CLI::App& app, int* exit_code);     // cmd_import.cc
void AddStatsCommand(CLI::App& app, int* exit_code);      // cmd_stats.cc
void AddDemoDataCommand(CLI::App& app, int* exit_code);   // cmd_demo_data.cc
void AddEvalCommand(CLI::App& app, int* exit_code);       // cmd_eval.cc
void AddTuneCommand(CLI::App& app, int* exit_code);       // cmd_tune.cc
void AddAnalyzeCommand(CLI::App& app, int* exit_code);    // cmd_analyze.cc
void AddServeCommand(CLI::App& app, int* exit_code);      // cmd_serve.cc

// Calls every Add*Command above, in the order shown by `encore --help`.
void AddAllCommands(CLI::App& app, int* exit_code);

}  // namespace encore::cli
