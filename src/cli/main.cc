// encore: the command-line entry point. Each subcommand lives in cmd_<verb>.cc.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"encore: audio/video recommendation engine"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "encore 0.1.0");
  int exit_code = encore::cli::kExitOk;
  encore::cli::AddAllCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : encore::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "encore: error: %s\n", e.what());
    return encore::cli::kExitFailure;
  }
  return exit_code;
}
