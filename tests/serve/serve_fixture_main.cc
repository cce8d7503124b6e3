// encore_serve_fixture DIR: writes DIR/store.db (the serving test catalogue),
// DIR/model.bin (iALS trained on it) and DIR/report/report.md, for tests that
// start `encore serve` as a process (the dashboard browser test).
#include <cstdio>
#include <fstream>

#include "serve_test_util.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::filesystem::create_directories(dir + "/report");
  encore::Status s = encore::serve_test::BuildFixture(dir + "/store.db", "ials", {{"factors", "8"}, {"epochs", "8"}},
                                                      dir + "/model.bin");
  if (!s.ok()) {
    std::fprintf(stderr, "encore_serve_fixture: %s\n", s.ToString().c_str());
    return 1;
  }
  std::ofstream(dir + "/report/report.md") << "# Evaluation report (fixture)\n\n| model | ndcg@10 |\n|---|---|\n| ials | 0.42 |\n";
  std::printf("%s/store.db %s/model.bin\n", dir.c_str(), dir.c_str());
  return 0;
}
