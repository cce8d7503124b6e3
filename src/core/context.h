// Runtime resources that travel with a call instead of living in globals.
#pragma once

#include <cstdint>

namespace encore {

struct RunContext {
  int threads = 2;          // worker threads for ParallelFor and BLAS
  uint64_t seed = 42;       // every random choice derives from this
  bool progress = true;     // show progress bars (only drawn on a terminal)
  bool verbose = false;     // extra log lines
};

}  // namespace encore
