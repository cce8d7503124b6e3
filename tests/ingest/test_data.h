// Helpers for importer tests: the shared real datasets and small files in temp dirs.
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "store/test_util.h"

namespace encore::testing {

// The folder of a real dataset under ENCORE_DATA_DIR, or "" with a test failure
// explaining what is missing (datasets are required, never skipped).
inline std::string RequireDataset(const std::string& name) {
  const char* root = std::getenv("ENCORE_DATA_DIR");
  if (root == nullptr || *root == '\0') {
    ADD_FAILURE() << "ENCORE_DATA_DIR is not set: point it at the shared datasets folder "
                     "(e.g. ENCORE_DATA_DIR=../shared/datasets) to run the importer tests on " << name;
    return {};
  }
  std::string dir = std::string(root) + "/" + name;
  std::ifstream probe(dir + "/SOURCE.md");
  if (!probe) {
    ADD_FAILURE() << "dataset " << name << " not found at " << dir << " (ENCORE_DATA_DIR=" << root << ")";
    return {};
  }
  return dir;
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace encore::testing
