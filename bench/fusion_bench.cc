// Cold-start accuracy of the `fusion` model (models/fusion.h) against text only,
// on a store whose items have stored media analyses (docs/benchmarks.md,
// "Multimodal fusion"). Usage:
//   encore_fusion_bench --db STORE [--seed 42] [--epochs 20] [--threads 2] [--param KEY=VALUE ...]
// (--param: a fusion parameter for every fusion row, docs/media.md)
// Protocol: eval's `new-items` (20% of the active items held out of training,
// test users rank only the held-out test items). Models:
//   content                        the TF-IDF content model (models/content.h), text only
//   fusion modalities=text         the fusion model with the text input only
//   fusion modalities=audio,visual media only (stored analyses)
//   fusion modalities=text,audio,visual   (what modalities=auto picks on this store)
//   fusion + collaborative          iALS item factors too (missing for the held-out items)
//   ensemble content + fusion       both cold-start scorers, per-user z-scored and summed
// The same figures come from `encore eval --protocol new-items --models content,fusion
// --param fusion.modalities=...`; this bench adds fit CPU time and the mean attention.
#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "eval/evaluator.h"
#include "eval/splitters.h"
#include "models/content.h"
#include "models/fusion.h"
#include "store/dataset.h"
#include "store/store.h"

namespace {

using namespace encore;
double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "fusion_bench: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

struct Row {
  std::string label;
  double recall = 0, ndcg = 0, fit_cpu_s = 0;
  std::vector<double> attention;  // mean attention per modality over the test items (fusion only)
};

void Print(const std::vector<Row>& rows) {
  std::printf("\n| model | Recall@10 | NDCG@10 | fit CPU s | mean attention on test items (text/audio/visual/collab) |\n|---|---|---|---|---|\n");
  for (const Row& r : rows) {
    std::string attn = "-";
    if (!r.attention.empty()) {
      char buf[96];
      std::snprintf(buf, sizeof(buf), "%.2f / %.2f / %.2f / %.2f", r.attention[0], r.attention[1], r.attention[2],
                    r.attention[3]);
      attn = buf;
    }
    std::printf("| %s | %.4f | %.4f | %.1f | %s |\n", r.label.c_str(), r.recall, r.ndcg, r.fit_cpu_s, attn.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  uint64_t seed = 42;
  int epochs = 20, threads = 2;
  ModelParams fusion_params;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "fusion_bench: %s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--db")) {
      db = next();
    } else if (!std::strcmp(argv[i], "--seed")) {
      seed = std::stoull(next());
    } else if (!std::strcmp(argv[i], "--epochs")) {
      epochs = std::stoi(next());
    } else if (!std::strcmp(argv[i], "--threads")) {
      threads = std::stoi(next());
    } else if (!std::strcmp(argv[i], "--param")) {
      auto parsed = ParseParams({next()});
      Check(parsed.status());
      fusion_params.insert(parsed->begin(), parsed->end());
    } else {
      std::fprintf(stderr, "usage: encore_fusion_bench --db STORE [--seed S] [--epochs N] [--threads T] [--param KEY=VALUE]\n");
      return 2;
    }
  }
  if (db.empty()) {
    std::fprintf(stderr, "usage: encore_fusion_bench --db STORE [--seed S] [--epochs N] [--threads T] [--param KEY=VALUE]\n");
    return 2;
  }
  auto store = OpenExistingStore(db);
  Check(store.status());
  auto data = LoadDataset(**store);
  Check(data.status());
  const idx_t n_items = static_cast<idx_t>(data->item_ids.size());

  idx_t analysed = 0;
  for (const std::string& a : data->item_analyses) analysed += a.empty() ? 0 : 1;
  std::printf("%lld items, %lld with a stored analysis\n", static_cast<long long>(n_items),
              static_cast<long long>(analysed));

  ProtocolOptions protocol;
  protocol.protocol = "new-items";
  protocol.seed = seed;
  auto split = MakeSplit(*data, protocol);
  Check(split.status());
  idx_t candidates = 0;
  for (bool c : split->test_candidates) candidates += c ? 1 : 0;
  std::printf("new-items split (seed %llu): %lld fit pairs, %lld test pairs, %lld candidate new items\n",
              static_cast<unsigned long long>(seed), static_cast<long long>(split->fit.nnz()),
              static_cast<long long>(split->test.nnz()), static_cast<long long>(candidates));

  RunContext run;
  run.threads = threads;
  run.seed = seed;
  run.progress = false;
  const TrainContext ctx = MakeTrainContext(&*data, run);
  EvalOptions eval;
  eval.ks = {10};
  eval.curves = false;
  RankingTask task;
  task.history = &split->fit;
  task.targets = &split->test;
  task.candidates = &split->test_candidates;
  std::vector<Row> rows;
  auto record = [&](const std::string& label, const Recommender& model, double fit_cpu) {
    auto e = EvaluateRanking(model, task, eval, run);
    Check(e.status());
    rows.push_back({label, e->metrics.at("recall@10"), e->metrics.at("ndcg@10"), fit_cpu, {}});
    std::printf("%-28s Recall@10 %.4f  NDCG@10 %.4f  (fit %.1f CPU s, %zu test users)\n", label.c_str(),
                rows.back().recall, rows.back().ndcg, fit_cpu, e->users.size());
    std::fflush(stdout);
  };

  // Text only: the content model (TF-IDF), the cold-start model before fusion.
  ContentModel content(ContentOptions{});
  double t0 = CpuNow();
  Check(content.Fit(ctx, split->fit));
  record("content (TF-IDF, text only)", content, CpuNow() - t0);

  const char* variants[][2] = {{"fusion: text", "text"},
                               {"fusion: audio+visual", "audio,visual"},
                               {"fusion: text+audio+visual", "text,audio,visual"},
                               {"fusion: all (+collaborative)", "text,audio,visual,collaborative"}};
  for (const auto& [label, modalities] : variants) {
    ModelParams params = fusion_params;
    params["modalities"] = modalities;
    params["epochs"] = std::to_string(epochs);
    auto model = CreateModel("fusion", params);
    Check(model.status());
    t0 = CpuNow();
    Check((*model)->Fit(ctx, split->fit));
    record(label, **model, CpuNow() - t0);
    const std::vector<float>& attention = dynamic_cast<const FusionRecommender&>(**model).attention();
    std::vector<double> mean(fusion::kModalities, 0);
    for (idx_t i = 0; i < n_items; ++i) {
      if (!split->test_candidates[static_cast<size_t>(i)]) continue;
      for (int m = 0; m < fusion::kModalities; ++m) {
        mean[static_cast<size_t>(m)] += attention[static_cast<size_t>(i) * fusion::kModalities + static_cast<size_t>(m)] /
                                        static_cast<double>(candidates);
      }
    }
    rows.back().attention = mean;
  }
  // Exact term matching and the fused vectors together: the two cold-start scorers, z-scored and summed.
  ModelParams blend = {{"models", "content,fusion"}, {"fusion.epochs", std::to_string(epochs)}};
  for (const auto& [key, value] : fusion_params) blend["fusion." + key] = value;
  auto ensemble = CreateModel("ensemble", blend);
  Check(ensemble.status());
  t0 = CpuNow();
  Check((*ensemble)->Fit(ctx, split->fit));
  record("ensemble: content + fusion (auto)", **ensemble, CpuNow() - t0);
  Print(rows);
  return 0;
}
