// Sequence-model speed study (docs/benchmarks.md, "Sequence models"):
//  1. serving: single-request ScoreHistory latency with L=200 on a 10,000-item
//     catalogue on one thread, and batched throughput (ScoreHistories);
//  2. training: seconds per epoch on ml-100k at the reference configuration
//     (L=200, 2 blocks, hidden 50, dropout 0.2, batch 128, lr 0.001), trained
//     on all but each user's last two items as in leave-one-out.
// Accuracy is measured by `encore eval`, not here.
//
// Usage: encore_sequence_bench [--data DIR] [--model sasrec|gru4rec] [--epochs N]
//          [--threads T] [--requests R] [--param key=value ...] [--skip-serving] [--skip-training]
//   DIR defaults to $ENCORE_DATA_DIR/ml-100k.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/sequence_recommender.h"

namespace encore {
namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

struct Args {
  std::string data;
  std::string model = "sasrec";
  int epochs = 5;
  int threads = 2;
  int requests = 300;
  bool serving = true;
  bool training = true;
  ModelParams params;  // --param key=value overrides for the training run
};

std::unique_ptr<Recommender> Create(const std::string& name, const ModelParams& params) {
  auto model = CreateModel(name, params);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", model.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(model).value();
}

int Serving(const Args& args) {
  constexpr int kItems = 10000;
  constexpr int kUsers = 2000;
  constexpr int kLength = 201;
  // Random walks with a preferred successor give the network something to fit;
  // only the latency matters here. Sampled softmax keeps the set-up fit short.
  std::mt19937_64 rng(1);
  std::vector<Interaction> triplets;
  for (int user_idx = 0; user_idx < kUsers; ++user_idx) {
    std::vector<bool> used(kItems, false);
    int item = static_cast<int>(rng() % kItems);
    for (int step = 0; step < kLength; ++step) {
      while (used[item]) item = static_cast<int>(rng() % kItems);
      used[item] = true;
      triplets.push_back({user_idx, item, 1.0f, step});
      item = (rng() % 4 == 0) ? static_cast<int>(rng() % kItems) : (item + 1) % kItems;
    }
  }
  Interactions train = Interactions::FromTriplets(kUsers, kItems, triplets);
  auto model = Create(args.model, {{"epochs", "1"}, {"loss", "sampled"}, {"max_len", "200"}});
  TrainContext ctx;
  ctx.run.threads = 1;  // also leaves torch on one thread for the latency runs
  ctx.run.progress = false;
  if (Status s = model->Fit(ctx, train); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  const auto& seq_model = static_cast<const SequenceRecommender&>(*model);
  std::vector<float> scores(kItems);
  std::vector<double> latencies_ms;
  for (int request = 0; request < args.requests; ++request) {
    auto history = seq_model.UserSequence(request % kUsers).subspan(0, 200);
    const auto start = Clock::now();
    if (Status s = model->ScoreHistory(history, {}, scores); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("serving %s: L=200, %d items, 1 thread: single request median %.3f ms, p90 %.3f ms, p99 %.3f ms (%d requests)\n",
              args.model.c_str(), kItems, Median(latencies_ms), latencies_ms[latencies_ms.size() * 9 / 10],
              latencies_ms[latencies_ms.size() * 99 / 100], args.requests);
  for (int batch : {16, 64, 256}) {
    std::vector<std::vector<ItemIdx>> histories;
    for (int i = 0; i < batch; ++i) {
      auto h = seq_model.UserSequence(i % kUsers).subspan(0, 200);
      histories.emplace_back(h.begin(), h.end());
    }
    std::vector<float> batch_scores(static_cast<size_t>(batch) * kItems);
    std::vector<double> per_request_ms;
    for (int rep = 0; rep < 5; ++rep) {
      const auto start = Clock::now();
      if (Status s = seq_model.ScoreHistories(histories, batch_scores); !s.ok()) {
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        return 1;
      }
      per_request_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() / batch);
    }
    const double ms = Median(per_request_ms);
    std::printf("serving %s: batch %d, 1 thread: %.3f ms per request, %.0f requests/s\n", args.model.c_str(), batch,
                ms, 1000.0 / ms);
  }
  return 0;
}

int Training(const Args& args) {
  // ml-100k u.data: user item rating unix-time, tab-separated; ids from 1.
  std::ifstream in(args.data + "/u.data");
  if (!in) {
    std::fprintf(stderr, "cannot read %s/u.data (set ENCORE_DATA_DIR or pass --data DIR)\n", args.data.c_str());
    return 1;
  }
  std::map<int, std::vector<std::pair<int64_t, int>>> by_user;
  int max_item = 0;
  int user = 0, item = 0, rating = 0;
  int64_t time = 0;
  while (in >> user >> item >> rating >> time) {
    by_user[user - 1].emplace_back(time, item - 1);
    max_item = std::max(max_item, item);
  }
  std::vector<Interaction> train, validation;
  for (auto& [user_idx, events] : by_user) {
    std::sort(events.begin(), events.end());
    for (size_t k = 0; k + 2 < events.size(); ++k) train.push_back({user_idx, events[k].second, 1.0f, events[k].first});
    if (events.size() >= 2) {
      const auto& e = events[events.size() - 2];
      validation.push_back({user_idx, e.second, 1.0f, e.first});
    }
  }
  const int n_users = static_cast<int>(by_user.size());
  Interactions train_m = Interactions::FromTriplets(n_users, max_item, train);
  Interactions val_m = Interactions::FromTriplets(n_users, max_item, validation);
  ModelParams params = {{"epochs", std::to_string(args.epochs)}, {"patience", "1000"}};
  for (const auto& [k, v] : args.params) params[k] = v;
  if (args.model == "sasrec") {
    params.insert({{"max_len", "200"}, {"blocks", "2"}, {"hidden", "50"}, {"dropout", "0.2"},
                   {"batch_size", "128"}, {"lr", "0.001"}});
  }
  auto model = Create(args.model, params);
  TrainContext ctx;
  ctx.run.threads = args.threads;
  ctx.run.progress = false;
  ctx.validation = &val_m;
  if (Status s = model->Fit(ctx, train_m); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  const auto& report = static_cast<const SequenceRecommender&>(*model).train_report();
  std::vector<double> train_s, cpu_s, eval_s;
  for (const SequenceEpoch& e : report.epochs) {
    train_s.push_back(e.train_seconds);
    cpu_s.push_back(e.train_cpu_seconds);
    eval_s.push_back(e.eval_seconds);
    std::printf("  epoch %d: loss %.4f, train %.2f s wall / %.2f s CPU, validation %.2f s, val NDCG@10 %.4f\n",
                e.epoch, e.loss, e.train_seconds, e.train_cpu_seconds, e.eval_seconds, e.val_ndcg);
  }
  std::printf("training %s on ml-100k (%d users, %d items, %zu train interactions), %d threads: "
              "median %.2f s/epoch wall, %.2f s/epoch CPU (+ %.2f s validation), %d epochs in %.1f s\n",
              args.model.c_str(), n_users, max_item, train.size(), args.threads, Median(train_s), Median(cpu_s),
              Median(eval_s), static_cast<int>(report.epochs.size()), report.total_seconds);
  return 0;
}

}  // namespace
}  // namespace encore

int main(int argc, char** argv) {
  encore::Args args;
  if (const char* dir = std::getenv("ENCORE_DATA_DIR")) args.data = std::string(dir) + "/ml-100k";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data") args.data = next();
    else if (a == "--model") args.model = next();
    else if (a == "--epochs") args.epochs = std::atoi(next().c_str());
    else if (a == "--threads") args.threads = std::atoi(next().c_str());
    else if (a == "--requests") args.requests = std::atoi(next().c_str());
    else if (a == "--skip-serving") args.serving = false;
    else if (a == "--param") {
      const std::string kv = next();
      const auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--param wants key=value, got %s\n", kv.c_str());
        return 2;
      }
      args.params[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    else if (a == "--skip-training") args.training = false;
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (args.serving && encore::Serving(args) != 0) return 1;
  if (args.training && encore::Training(args) != 0) return 1;
  return 0;
}
