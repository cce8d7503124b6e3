// One way to run loops in parallel: ParallelFor splits [0, n) into contiguous
// chunks over `threads` workers and returns the first error any chunk reported.
// Exceptions thrown by `fn` are caught and converted into Status::Internal.
#pragma once

#include <functional>

#include "core/status.h"
#include "core/types.h"

namespace encore {

// fn(begin, end, worker) processes indices [begin, end); worker is in [0, threads).
// Chunks are handed out dynamically in pieces of `grain` indices (0 = automatic).
using RangeFn = std::function<Status(idx_t begin, idx_t end, int worker)>;
Status ParallelFor(idx_t n, int threads, const RangeFn& fn, idx_t grain = 0);

// Number of hardware threads (at least 1).
int HardwareThreads();

}  // namespace encore
