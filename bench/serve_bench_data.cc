// encore_serve_bench_data --out DIR [--items 10000] [--users 20000] [--events 500000] [--factors 64]
// Writes DIR/store.db (a synthetic catalogue: 20 genres, Zipf item popularity,
// users who mostly stay in two genres) and DIR/model.bin (iALS trained on it)
// for bench/serve_load.sh. Deterministic (fixed seed).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "models/recommender.h"
#include "store/dataset.h"
#include "store/store.h"

namespace encore {
namespace {

struct Args {
  std::string out;
  idx_t items = 10000;
  idx_t users = 20000;
  idx_t events = 500000;
  int factors = 64;
};

constexpr int kGenres = 20;
constexpr uint64_t kSeed = 7;

std::string Id(std::string prefix, idx_t n) { return prefix.append(std::to_string(n)); }

Status Run(const Args& args) {
  std::filesystem::create_directories(args.out);
  const std::string db = args.out + "/store.db";
  std::filesystem::remove(db);
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(db));
  std::mt19937_64 rng(kSeed);
  const char* kinds[] = {"movie", "episode", "clip", "track", "podcast"};
  const char* languages[] = {"en", "fr", "de", "es", "ja"};
  WriteBatch catalogue;
  std::vector<std::vector<idx_t>> by_genre(kGenres);
  for (idx_t i = 0; i < args.items; ++i) {
    Item item;
    item.id = Id("i", i);
    item.kind = *ParseItemKind(kinds[i % 5]);
    const int genre = static_cast<int>(rng() % kGenres);
    by_genre[genre].push_back(i);
    item.title = Id("Title ", i);
    item.description = Id("synthetic item in genre ", genre);
    item.language = languages[rng() % 5];
    item.genres = {Id("genre", genre)};
    item.tags = {Id("tag", static_cast<idx_t>(rng() % 200))};
    item.created_at = 1600000000 + static_cast<int64_t>(i) * 600;
    catalogue.items.push_back(std::move(item));
  }
  for (idx_t u = 0; u < args.users; ++u) catalogue.users.push_back(User{Id("u", u), {}});
  ENCORE_RETURN_IF_ERROR(store->Write(catalogue).status());

  // Zipf(1) popularity within each genre: rank r drawn with weight 1/(r+1).
  std::vector<std::vector<double>> cdf(kGenres);
  for (int g = 0; g < kGenres; ++g) {
    double sum = 0;
    for (size_t r = 0; r < by_genre[g].size(); ++r) cdf[g].push_back(sum += 1.0 / static_cast<double>(r + 1));
    for (double& c : cdf[g]) c /= sum;
  }
  std::uniform_real_distribution<double> unit(0, 1);
  WriteBatch events;
  const idx_t per_user = std::max<idx_t>(1, args.events / std::max<idx_t>(1, args.users));
  for (idx_t u = 0; u < args.users; ++u) {
    const int g1 = static_cast<int>(rng() % kGenres), g2 = static_cast<int>(rng() % kGenres);
    for (idx_t k = 0; k < per_user; ++k) {
      const double x = unit(rng);
      const int g = x < 0.6 ? g1 : x < 0.9 ? g2 : static_cast<int>(rng() % kGenres);
      if (by_genre[g].empty()) continue;
      const size_t r = static_cast<size_t>(std::lower_bound(cdf[g].begin(), cdf[g].end(), unit(rng)) - cdf[g].begin());
      Event e;
      e.user = Id("u", u);
      e.item = Id("i", by_genre[g][std::min(r, by_genre[g].size() - 1)]);
      e.type = EventType::kPlay;
      e.value = 1.0;
      e.timestamp = 1700000000 + u * 100 + k;
      events.events.push_back(std::move(e));
    }
    if (events.events.size() >= 100000 || u + 1 == args.users) {
      ENCORE_RETURN_IF_ERROR(store->Write(events).status());
      events.events.clear();
    }
  }
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDataset(*store));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model,
                          CreateModel("ials", {{"factors", std::to_string(args.factors)}, {"epochs", "6"}}));
  TrainContext ctx;
  ctx.run.threads = 2;
  ctx.run.progress = false;
  const auto start = std::chrono::steady_clock::now();
  ENCORE_RETURN_IF_ERROR(model->Fit(ctx, data.interactions));
  ENCORE_RETURN_IF_ERROR(SaveModel(*model, args.out + "/model.bin"));
  std::printf("%lld items, %lld users, %lld interactions; ials %d factors trained in %.1f s -> %s\n",
              static_cast<long long>(data.interactions.n_items()), static_cast<long long>(data.interactions.n_users()),
              static_cast<long long>(data.interactions.nnz()), args.factors,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), args.out.c_str());
  return Status::Ok();
}

}  // namespace
}  // namespace encore

int main(int argc, char** argv) {
  encore::Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const char* v = argv[i + 1];
    if (key == "--out") args.out = v;
    else if (key == "--items") args.items = std::atoll(v);
    else if (key == "--users") args.users = std::atoll(v);
    else if (key == "--events") args.events = std::atoll(v);
    else if (key == "--factors") args.factors = std::atoi(v);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (args.out.empty() || args.items < 1 || args.users < 1 || args.factors < 1) {
    std::fprintf(stderr, "usage: %s --out DIR [--items N] [--users N] [--events N] [--factors F]\n", argv[0]);
    return 2;
  }
  encore::Status s = encore::Run(args);
  if (!s.ok()) {
    std::fprintf(stderr, "encore_serve_bench_data: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
