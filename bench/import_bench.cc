// Import speed: writes synthetic events into a fresh SQLite store through the
// real Store::Write path (id mapping, validation, dedupe, one transaction per
// batch) and prints events/s.
//
//   encore_import_bench [--events N] [--users N] [--items N] [--batch N] [--db PATH]
//
// Defaults: 1,000,000 play events over 20,000 users x 10,000 items, in one batch
// (as `encore import` does), into a temp file that is removed afterwards.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "store/sqlite_store.h"

namespace {

// User + system CPU seconds of this process so far: on a shared, busy machine
// the wall clock measures the neighbours too, CPU time measures the import.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

struct BenchArgs {
  long long events = 1'000'000;
  long long users = 20'000;
  long long items = 10'000;
  long long batch = 0;  // 0 = everything in one batch
  std::string db;
};

bool ParseArgs(int argc, char** argv, BenchArgs* args) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) return false;
    std::string value = argv[++i];
    if (flag == "--db") { args->db = value; continue; }
    char* end = nullptr;
    long long v = std::strtoll(value.c_str(), &end, 10);
    if (*end != '\0' || v < 0) return false;
    if (flag == "--events") args->events = v;
    else if (flag == "--users") args->users = v;
    else if (flag == "--items") args->items = v;
    else if (flag == "--batch") args->batch = v;
    else return false;
  }
  return args->users > 0 && args->items > 0;
}

}  // namespace

int main(int argc, char** argv) {
  BenchArgs args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr, "usage: encore_import_bench [--events N] [--users N] [--items N] [--batch N] [--db PATH]\n");
    return 2;
  }
  bool temp_db = args.db.empty();
  if (temp_db) {
    args.db = (std::filesystem::temp_directory_path() /
               ("encore_import_bench_" + std::to_string(::getpid()) + ".db")).string();
  }
  auto opened = encore::OpenStore(args.db);
  if (!opened.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", args.db.c_str(), opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<encore::Store> store = std::move(opened).value();

  encore::WriteBatch catalogue;
  for (long long i = 0; i < args.items; ++i) {
    encore::Item item;
    item.id = "item" + std::to_string(i);
    item.kind = encore::ItemKind::kClip;
    item.title = "Item " + std::to_string(i);
    catalogue.items.push_back(std::move(item));
  }
  if (auto r = store->Write(catalogue); !r.ok()) {
    std::fprintf(stderr, "writing items failed: %s\n", r.status().ToString().c_str());
    return 1;
  }

  // Popular items are drawn more often (a skewed catalogue, like real data).
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<long long> pick_user(0, args.users - 1);
  std::exponential_distribution<double> pick_rank(8.0);
  std::uniform_real_distribution<double> ratio(0.0, 1.0);
  std::vector<encore::Event> events;
  events.reserve(static_cast<size_t>(args.events));
  for (long long i = 0; i < args.events; ++i) {
    encore::Event e;
    e.user = "user" + std::to_string(pick_user(rng));
    auto rank = static_cast<long long>(pick_rank(rng) * static_cast<double>(args.items)) % args.items;
    e.item = "item" + std::to_string(rank);
    e.type = encore::EventType::kPlay;
    e.value = ratio(rng);
    e.timestamp = 1'600'000'000 + i;
    events.push_back(std::move(e));
  }

  long long batch_size = args.batch > 0 ? args.batch : args.events;
  long long written = 0, duplicates = 0;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  for (long long begin = 0; begin < args.events; begin += batch_size) {
    long long end = std::min(args.events, begin + batch_size);
    encore::WriteBatch batch;
    batch.events.assign(std::make_move_iterator(events.begin() + begin), std::make_move_iterator(events.begin() + end));
    auto r = store->Write(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "write failed: %s\n", r.status().ToString().c_str());
      return 1;
    }
    written += r->events_written;
    duplicates += r->events_duplicate;
  }
  store.reset();  // closing checkpoints the WAL into the database: part of the cost
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = CpuSeconds() - cpu_start;
  if (temp_db) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(args.db + suffix, ec);
  }
  std::printf("events %lld (new %lld, duplicate %lld), users %lld, items %lld, batch %lld: "
              "wall %.3f s = %.0f events/s; cpu %.3f s = %.0f events/s per core\n",
              args.events, written, duplicates, args.users, args.items, batch_size, secs,
              static_cast<double>(args.events) / secs, cpu, static_cast<double>(args.events) / cpu);
  return 0;
}
