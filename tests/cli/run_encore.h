// Runs the encore binary under test (ENCORE_BIN, set by encore_add_cli_test)
// through /bin/sh, for the CLI end-to-end tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace encore::testing {

struct RunResult {
  int exit_code = -1;  // -1: not started or killed by a signal
  std::string out;     // stdout, with stderr unless discarded
};

enum class Stderr { kMerge, kDiscard };

// `args` is shell text: quote what the shell must not split. `redirect` is
// appended to the command line (e.g. " 2>FILE").
inline RunResult RunEncoreRedirected(const std::string& args, const std::string& redirect) {
  const std::string cmd = std::string(ENCORE_BIN) + " " + args + redirect;
  RunResult result;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline RunResult RunEncore(const std::string& args, Stderr err = Stderr::kMerge) {
  return RunEncoreRedirected(args, err == Stderr::kMerge ? " 2>&1" : " 2>/dev/null");
}

}  // namespace encore::testing
