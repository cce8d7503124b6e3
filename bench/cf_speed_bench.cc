// Speed of the collaborative-filtering trainers on a synthetic matrix shaped like
// MovieLens-20M: 138,000 users x 27,000 items x 20,000,000 distinct pairs, item
// popularity Zipf(1), user activity log-normal (sigma 1.2), fixed seed. Reports
// seconds per epoch and peak memory (VmHWM) for ials and bpr at 64 and 128
// factors, and EASE fit time on a 9.7k-item matrix (ml-latest-small's shape).
//
//   encore_cf_speed_bench [--threads 2] [--runs 3] [--epochs 3] [--only ials|bpr|ease] [--factors K]
//   (--factors: only that factor count; default 64 and 128)
//
// Per epoch = (Fit with E epochs - Fit with 0 epochs) / E, so set-up (transpose,
// initialisation) is reported apart. Each figure is the median of --runs runs.
// Peak memory: VmHWM is reset (/proc/self/clear_refs, "5") after generating the
// data and read after each configuration, so it includes the matrix itself.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <random>
#include <sys/resource.h>
#include <string>
#include <vector>

#include "core/interactions.h"
#include "core/parallel.h"
#include "models/recommender.h"

namespace encore {
namespace {

struct Shape {
  idx_t users;
  idx_t items;
  idx_t pairs;
};

constexpr Shape kMl20m = {138000, 27000, 20000000};
constexpr Shape kMlLatestSmall = {610, 9742, 100836};
constexpr double kZipfExponent = 1.0;
constexpr double kActivitySigma = 1.2;
constexpr uint64_t kSeed = 20240601;

// Distinct items per user: log-normal activity scaled to exactly `shape.pairs`,
// each user between 1 and half the catalogue.
std::vector<idx_t> UserDegrees(const Shape& shape, std::mt19937_64& rng) {
  std::lognormal_distribution<double> activity(0.0, kActivitySigma);
  std::vector<double> raw(shape.users);
  for (double& r : raw) r = activity(rng);
  const idx_t cap = shape.items / 2;
  double scale = static_cast<double>(shape.pairs) / std::accumulate(raw.begin(), raw.end(), 0.0);
  std::vector<idx_t> degree(shape.users);
  for (int iteration = 0; iteration < 50; ++iteration) {  // capped users give their excess back
    idx_t total = 0;
    for (idx_t u = 0; u < shape.users; ++u) {
      degree[u] = std::clamp<idx_t>(std::llround(raw[u] * scale), 1, cap);
      total += degree[u];
    }
    if (total == shape.pairs) break;
    scale *= static_cast<double>(shape.pairs) / static_cast<double>(total);
  }
  idx_t total = std::accumulate(degree.begin(), degree.end(), idx_t{0});
  std::uniform_int_distribution<idx_t> pick(0, shape.users - 1);
  while (total != shape.pairs) {
    idx_t u = pick(rng);
    if (total < shape.pairs && degree[u] < cap) ++degree[u], ++total;
    if (total > shape.pairs && degree[u] > 1) --degree[u], --total;
  }
  return degree;
}

Interactions Generate(const Shape& shape, int threads) {
  std::mt19937_64 rng(kSeed);
  std::vector<idx_t> degree = UserDegrees(shape, rng);
  // Zipf over popularity ranks; ranks map to item ids through a permutation.
  std::vector<double> weight(shape.items), cdf(shape.items);
  for (idx_t r = 0; r < shape.items; ++r) weight[r] = std::pow(static_cast<double>(r + 1), -kZipfExponent);
  std::partial_sum(weight.begin(), weight.end(), cdf.begin());
  for (double& c : cdf) c /= cdf.back();
  std::vector<ItemIdx> item_of_rank(shape.items);
  std::iota(item_of_rank.begin(), item_of_rank.end(), 0);
  std::shuffle(item_of_rank.begin(), item_of_rank.end(), rng);

  std::vector<idx_t> offset(shape.users + 1, 0);
  for (idx_t u = 0; u < shape.users; ++u) offset[u + 1] = offset[u] + degree[u];
  std::vector<Interaction> triplets(shape.pairs);
  std::vector<std::vector<uint32_t>> stamp(threads, std::vector<uint32_t>(shape.items, 0));
  std::vector<std::vector<std::pair<double, idx_t>>> keys(threads);
  Status s = ParallelFor(shape.users, threads, [&](idx_t begin, idx_t end, int worker) {
    std::vector<uint32_t>& seen = stamp[worker];
    for (idx_t u = begin; u < end; ++u) {
      std::mt19937_64 user_rng(kSeed ^ (static_cast<uint64_t>(u) * 0x9E3779B97F4A7C15ull));
      std::uniform_real_distribution<double> u01(0.0, 1.0);
      const uint32_t mark = static_cast<uint32_t>(u + 1);
      idx_t filled = 0;
      Interaction* out = triplets.data() + offset[u];
      if (degree[u] * 16 <= shape.items) {
        // Light users: Zipf draws, repeats rejected.
        while (filled < degree[u]) {
          const idx_t rank = std::lower_bound(cdf.begin(), cdf.end(), u01(user_rng)) - cdf.begin();
          const ItemIdx item = item_of_rank[std::min(rank, shape.items - 1)];
          if (seen[item] == mark) continue;
          seen[item] = mark;
          out[filled++] = {static_cast<UserIdx>(u), item, 1.0f, 0};
        }
      } else {
        // Heavy users: weighted sampling without replacement by exponential keys.
        auto& k = keys[worker];
        k.resize(shape.items);
        for (idx_t r = 0; r < shape.items; ++r) k[r] = {-std::log(1.0 - u01(user_rng)) / weight[r], r};
        std::nth_element(k.begin(), k.begin() + degree[u], k.end());
        for (idx_t n = 0; n < degree[u]; ++n) {
          out[filled++] = {static_cast<UserIdx>(u), item_of_rank[k[n].second], 1.0f, 0};
        }
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "generation failed: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return Interactions::FromTriplets(shape.users, shape.items, triplets);
}

double VmHwmGib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / (1024.0 * 1024.0);  // kB -> GiB
  }
  return -1;
}

void ResetVmHwm() { std::ofstream("/proc/self/clear_refs") << "5"; }

// CPU seconds used by the whole process (all threads): on a shared machine
// wall time measures the neighbours too, CPU time / threads does not.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double FitSeconds(const std::string& model, ModelParams params, const Interactions& train, int threads,
                  double* cpu_seconds = nullptr) {
  auto m = CreateModel(model, params);
  if (!m.ok()) {
    std::fprintf(stderr, "%s\n", m.status().ToString().c_str());
    std::exit(1);
  }
  TrainContext ctx;
  ctx.run.threads = threads;
  ctx.run.progress = false;
  const double cpu_start = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  Status s = (*m)->Fit(ctx, train);
  if (cpu_seconds != nullptr) *cpu_seconds = CpuSeconds() - cpu_start;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", model.c_str(), s.ToString().c_str());
    std::exit(1);
  }
  return seconds;
}

void BenchFactorModel(const std::string& model, int factors, const Interactions& train, int threads, int runs,
                      int epochs) {
  ResetVmHwm();
  std::vector<double> per_epoch, setup, cpu_per_epoch;
  for (int run = 0; run < runs; ++run) {
    ModelParams p = {{"factors", std::to_string(factors)}, {"epochs", "0"}};
    double c0 = 0, c = 0;
    const double t0 = FitSeconds(model, p, train, threads, &c0);
    p["epochs"] = std::to_string(epochs);
    const double t = FitSeconds(model, p, train, threads, &c);
    setup.push_back(t0);
    per_epoch.push_back((t - t0) / epochs);
    cpu_per_epoch.push_back((c - c0) / epochs);
  }
  std::printf("%-5s factors=%-4d threads=%d  %.3f s/epoch (median of %d; runs:", model.c_str(), factors, threads,
              Median(per_epoch), runs);
  for (double v : per_epoch) std::printf(" %.3f", v);
  std::printf(")  cpu %.3f s/epoch  set-up %.2f s  peak %.2f GiB\n", Median(cpu_per_epoch), Median(setup),
              VmHwmGib());
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  int threads = 2, runs = 3, epochs = 3, only_factors = 0;
  std::string only;
  for (int a = 1; a + 1 < argc; a += 2) {
    std::string flag = argv[a];
    if (flag == "--threads") threads = std::atoi(argv[a + 1]);
    else if (flag == "--runs") runs = std::atoi(argv[a + 1]);
    else if (flag == "--epochs") epochs = std::atoi(argv[a + 1]);
    else if (flag == "--only") only = argv[a + 1];
    else if (flag == "--factors") only_factors = std::atoi(argv[a + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--threads N] [--runs N] [--epochs N] [--only ials|bpr|ease] [--factors K]\n",
                   argv[0]);
      return 2;
    }
  }
  if (threads < 1 || runs < 1 || epochs < 1 || only_factors < 0) {
    std::fprintf(stderr, "--threads, --runs, --epochs and --factors must be positive\n");
    return 2;
  }
  if (only.empty() || only == "ials" || only == "bpr") {
    auto start = std::chrono::steady_clock::now();
    Interactions train = Generate(kMl20m, threads);
    std::printf("synthetic ML-20M shape: %lld users x %lld items, %lld pairs (generated in %.1f s)\n",
                static_cast<long long>(train.n_users()), static_cast<long long>(train.n_items()),
                static_cast<long long>(train.nnz()),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::fflush(stdout);
    for (const char* model : {"ials", "bpr"}) {
      if (!only.empty() && only != model) continue;
      const std::vector<int> factor_counts =
          only_factors > 0 ? std::vector<int>{only_factors} : std::vector<int>{64, 128};
      for (int factors : factor_counts) BenchFactorModel(model, factors, train, threads, runs, epochs);
    }
  }
  if (only.empty() || only == "ease") {
    Interactions small = Generate(kMlLatestSmall, threads);
    for (const char* form : {"dual", "primal"}) {
      ResetVmHwm();
      std::vector<double> times;
      for (int run = 0; run < runs; ++run) times.push_back(FitSeconds("ease", {{"form", form}}, small, threads));
      std::printf("ease  %lld users x %lld items form=%-6s fit %.2f s (median of %d)  peak %.2f GiB\n",
                  static_cast<long long>(small.n_users()), static_cast<long long>(small.n_items()), form,
                  Median(times), runs, VmHwmGib());
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace encore

int main(int argc, char** argv) { return encore::Main(argc, argv); }
