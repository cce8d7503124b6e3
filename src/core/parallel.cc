#include "core/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace encore {

int HardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

Status ParallelFor(idx_t n, int threads, const RangeFn& fn, idx_t grain) {
  if (n <= 0) return Status::Ok();
  threads = std::max(1, threads);
  if (grain <= 0) grain = std::max<idx_t>(1, n / (static_cast<idx_t>(threads) * 8));
  std::atomic<idx_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error;

  auto worker = [&](int worker_id) {
    while (!failed.load(std::memory_order_relaxed)) {
      idx_t begin = next.fetch_add(grain);
      if (begin >= n) break;
      idx_t end = std::min(n, begin + grain);
      Status s;
      try {
        s = fn(begin, end, worker_id);
      } catch (const std::exception& e) {
        s = Internal(std::string("exception in parallel task: ") + e.what());
      } catch (...) {
        s = Internal("unknown exception in parallel task");
      }
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = s;
        failed = true;
      }
    }
  };
  int used = static_cast<int>(std::min<idx_t>(threads, (n + grain - 1) / grain));
  if (used == 1) {
    worker(0);
    return first_error;
  }
  std::vector<std::thread> pool;
  pool.reserve(used - 1);
  for (int t = 1; t < used; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  return first_error;
}

}  // namespace encore
