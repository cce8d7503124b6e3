#include "cli/commands.h"

namespace encore::cli {

void AddAllCommands(CLI::App& app, int* exit_code) {
  AddImportCommand(app, exit_code);
  AddStatsCommand(app, exit_code);
  AddDemoDataCommand(app, exit_code);
  AddModelsCommand(app, exit_code);
  AddTrainCommand(app, exit_code);
  AddRecommendCommand(app, exit_code);
  AddSearchCommand(app, exit_code);
  AddEvalCommand(app, exit_code);
  AddTuneCommand(app, exit_code);
  AddAnalyzeCommand(app, exit_code);
  AddServeCommand(app, exit_code);
}

}  // namespace encore::cli
