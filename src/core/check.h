// ENCORE_CHECK: for programmer errors only (broken invariants). User input must
// never reach one; expected failures return Status.
#pragma once

#include <cstdio>
#include <cstdlib>

#define ENCORE_CHECK(cond)                                                       \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "encore: internal check failed at %s:%d: %s\n",       \
                   __FILE__, __LINE__, #cond);                                   \
      std::abort();                                                              \
    }                                                                            \
  } while (0)
