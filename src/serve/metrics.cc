#include "serve/metrics.h"

#include <cstdio>

namespace encore::serve {

int Metrics::AddRoute(const std::string& method, const std::string& pattern) {
  Route& r = routes_.emplace_back();
  r.method = method;
  r.pattern = pattern;
  return static_cast<int>(routes_.size() - 1);
}

void Metrics::Observe(int route, int http_status, double seconds) {
  if (route < 0 || static_cast<size_t>(route) >= routes_.size()) return;
  Route& r = routes_[static_cast<size_t>(route)];
  if (http_status >= 500) {
    r.count_5xx.fetch_add(1, std::memory_order_relaxed);
  } else if (http_status >= 400) {
    r.count_4xx.fetch_add(1, std::memory_order_relaxed);
  } else {
    r.count_2xx.fetch_add(1, std::memory_order_relaxed);
  }
  size_t b = 0;
  while (b < kLatencyBuckets.size() && seconds > kLatencyBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.sum_ns.fetch_add(static_cast<int64_t>(seconds * 1e9), std::memory_order_relaxed);
}

std::string Metrics::Prometheus() const {
  std::string out;
  char line[512];
  out += "# HELP encore_http_requests_total HTTP requests by route and status class.\n";
  out += "# TYPE encore_http_requests_total counter\n";
  for (const Route& r : routes_) {
    const std::pair<const char*, int64_t> classes[] = {
        {"2xx", r.count_2xx.load()}, {"4xx", r.count_4xx.load()}, {"5xx", r.count_5xx.load()}};
    for (const auto& [cls, n] : classes) {
      std::snprintf(line, sizeof(line), "encore_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %lld\n",
                    r.method.c_str(), r.pattern.c_str(), cls, static_cast<long long>(n));
      out += line;
    }
  }
  out += "# HELP encore_http_request_duration_seconds HTTP request latency by route.\n";
  out += "# TYPE encore_http_request_duration_seconds histogram\n";
  for (const Route& r : routes_) {
    int64_t cumulative = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cumulative += r.buckets[b].load();
      char le[32];
      if (b < kLatencyBuckets.size()) {
        std::snprintf(le, sizeof(le), "%g", kLatencyBuckets[b]);
      } else {
        std::snprintf(le, sizeof(le), "+Inf");
      }
      std::snprintf(line, sizeof(line),
                    "encore_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%s\"} %lld\n",
                    r.method.c_str(), r.pattern.c_str(), le, static_cast<long long>(cumulative));
      out += line;
    }
    std::snprintf(line, sizeof(line), "encore_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.9f\n",
                  r.method.c_str(), r.pattern.c_str(), static_cast<double>(r.sum_ns.load()) * 1e-9);
    out += line;
    std::snprintf(line, sizeof(line), "encore_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %lld\n",
                  r.method.c_str(), r.pattern.c_str(), static_cast<long long>(cumulative));
    out += line;
  }
  out += "# HELP encore_events_ingested_total Events acknowledged by POST /api/events.\n";
  out += "# TYPE encore_events_ingested_total counter\n";
  out += "encore_events_ingested_total " + std::to_string(events_ingested()) + "\n";
  return out;
}

namespace {

// Latency quantile estimated from cumulative histogram counts (upper bucket bound).
double Quantile(const std::array<int64_t, kLatencyBuckets.size() + 1>& counts, int64_t total, double q) {
  if (total == 0) return 0;
  const auto target = static_cast<int64_t>(q * static_cast<double>(total) + 0.5);
  int64_t cumulative = 0;
  for (size_t b = 0; b < counts.size(); ++b) {
    cumulative += counts[b];
    if (cumulative >= target) return b < kLatencyBuckets.size() ? kLatencyBuckets[b] : kLatencyBuckets.back() * 2;
  }
  return kLatencyBuckets.back() * 2;
}

}  // namespace

nlohmann::json Metrics::Summary() const {
  nlohmann::json routes = nlohmann::json::array();
  int64_t total = 0, errors = 0;
  double total_seconds = 0;
  for (const Route& r : routes_) {
    std::array<int64_t, kLatencyBuckets.size() + 1> counts{};
    int64_t n = 0;
    for (size_t b = 0; b < counts.size(); ++b) {
      counts[b] = r.buckets[b].load();
      n += counts[b];
    }
    if (n == 0) continue;
    const int64_t err = r.count_4xx.load() + r.count_5xx.load();
    const double seconds = static_cast<double>(r.sum_ns.load()) * 1e-9;
    total += n;
    errors += err;
    total_seconds += seconds;
    routes.push_back({{"method", r.method},
                      {"route", r.pattern},
                      {"requests", n},
                      {"errors", err},
                      {"mean_ms", 1e3 * seconds / static_cast<double>(n)},
                      {"p50_ms_le", 1e3 * Quantile(counts, n, 0.50)},
                      {"p90_ms_le", 1e3 * Quantile(counts, n, 0.90)},
                      {"p99_ms_le", 1e3 * Quantile(counts, n, 0.99)}});
  }
  return {{"requests", total},
          {"errors", errors},
          {"mean_ms", total > 0 ? 1e3 * total_seconds / static_cast<double>(total) : 0.0},
          {"events_ingested", events_ingested()},
          {"routes", routes}};
}

}  // namespace encore::serve
