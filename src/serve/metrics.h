// Request metrics for /metrics (Prometheus text exposition format 0.0.4) and
// the dashboard: per-route request counts by status class and latency
// histograms, events ingested, model version.
//
// Thread-safety: Observe/AddEvents are lock-free (atomics) and may be called
// from every serving thread; routes are registered before serving starts.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace encore::serve {

// Upper bounds of the latency histogram buckets, in seconds (then +Inf).
inline constexpr std::array<double, 12> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                           0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

class Metrics {
 public:
  // Returns the route's id for Observe. REQUIRES: called before serving starts.
  int AddRoute(const std::string& method, const std::string& pattern);
  void Observe(int route, int http_status, double seconds);
  void AddEvents(int64_t n) { events_ingested_.fetch_add(n, std::memory_order_relaxed); }
  int64_t events_ingested() const { return events_ingested_.load(std::memory_order_relaxed); }

  // Extra lines (gauges) are appended by the caller, e.g. the model version.
  std::string Prometheus() const;
  // Totals and per-route figures (count, errors, p50/p90/p99 estimated from the
  // histogram) for the dashboard.
  nlohmann::json Summary() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::atomic<int64_t> count_2xx{0}, count_4xx{0}, count_5xx{0};
    std::array<std::atomic<int64_t>, kLatencyBuckets.size() + 1> buckets{};
    std::atomic<int64_t> sum_ns{0};
  };
  std::deque<Route> routes_;  // deque: stable addresses, atomics never move
  std::atomic<int64_t> events_ingested_{0};
};

}  // namespace encore::serve
