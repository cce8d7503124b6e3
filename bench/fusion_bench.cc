// Cold-start accuracy of the multimodal fusion model (content/fusion) against
// text only, on a store whose items have stored media analyses (docs/benchmarks.md,
// "Multimodal fusion"). Usage:
//   encore_fusion_bench --db STORE [--seed 42] [--epochs 30] [--threads 2]
// Protocol: eval's `new-items` (20% of the active items held out of training,
// test users rank only the held-out test items). Models:
//   content            the TF-IDF content model (models/content.h): text only, the existing cold-start model
//   fusion:text        the fusion model trained with the text modality only
//   fusion:audio+visual  media only (stored analyses)
//   fusion:text+audio+visual
//   fusion:all         + collaborative (iALS item factors; missing for the held-out items)
// A fusion variant scores an item by the inner product of its fused vector with
// the user's profile, the weighted mean of the fused vectors of her training items.
#include <time.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "content/fusion/fusion_model.h"
#include "content/fusion/media_inputs.h"
#include "content/video/analyzer.h"
#include "eval/evaluator.h"
#include "eval/splitters.h"
#include "models/content.h"
#include "store/dataset.h"
#include "store/store.h"

namespace {

using namespace encore;
using fusion::Modality;

constexpr int kTextDim = 128;  // random projection of the TF-IDF item vectors

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

// A standard normal value determined by (term, dim): the projection matrix is never stored.
float Gaussian(uint64_t term, uint64_t dim) {
  auto mix = [](uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  const uint64_t a = mix(term * 0x100000001B3ull + dim), b = mix(a);
  const double u1 = (static_cast<double>(a >> 11) + 1) * 0x1.0p-53, u2 = static_cast<double>(b >> 11) * 0x1.0p-53;
  return static_cast<float>(std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
}

// Scores items by <fused vector, weighted mean of the user's training items' vectors>.
class VectorProfileModel : public Recommender {
 public:
  VectorProfileModel(std::vector<float> vectors, int dim) : vectors_(std::move(vectors)), dim_(dim) {}
  std::string Name() const override { return "fusion-vectors"; }
  ModelParams Params() const override { return {}; }
  Status Fit(const TrainContext&, const Interactions& train) override {
    train_ = &train;
    return Status::Ok();
  }
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override {
    std::vector<float> profile(static_cast<size_t>(dim_), 0.0f);
    auto row = train_->Row(user);
    auto w = train_->RowWeights(user);
    for (size_t k = 0; k < row.size(); ++k) {
      const float* v = vectors_.data() + static_cast<size_t>(row[k]) * static_cast<size_t>(dim_);
      for (int d = 0; d < dim_; ++d) profile[static_cast<size_t>(d)] += w[k] * v[d];
    }
    for (size_t j = 0; j < items.size(); ++j) {
      const float* v = vectors_.data() + static_cast<size_t>(items[j]) * static_cast<size_t>(dim_);
      float s = 0;
      for (int d = 0; d < dim_; ++d) s += profile[static_cast<size_t>(d)] * v[d];
      scores[j] = s;
    }
    return Status::Ok();
  }
  idx_t n_users() const override { return train_->n_users(); }
  idx_t n_items() const override { return static_cast<idx_t>(vectors_.size()) / dim_; }
  Status SaveBody(BinaryWriter&) const override { return Unimplemented("bench model"); }
  Status LoadBody(BinaryReader&) override { return Unimplemented("bench model"); }

 private:
  std::vector<float> vectors_;
  int dim_;
  const Interactions* train_ = nullptr;
};

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
  int epochs = 30, threads = 2;
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
    } else {
      std::fprintf(stderr, "usage: encore_fusion_bench --db STORE [--seed S] [--epochs N] [--threads T]\n");
      return 2;
    }
  }
  if (db.empty()) {
    std::fprintf(stderr, "usage: encore_fusion_bench --db STORE [--seed S] [--epochs N] [--threads T]\n");
    return 2;
  }
  auto store = OpenExistingStore(db);
  Check(store.status());
  auto data = LoadDataset(**store);
  Check(data.status());
  const idx_t n_items = static_cast<idx_t>(data->item_ids.size());

  // Audio and visual inputs from the stored analyses.
  fusion::ModalityInputs inputs(n_items);
  std::vector<float> audio(static_cast<size_t>(n_items) * fusion::kAudioInputDim, 0.0f);
  std::vector<float> visual(static_cast<size_t>(n_items) * fusion::kVisualInputDim, 0.0f);
  std::vector<uint8_t> has_audio(static_cast<size_t>(n_items), 0), has_visual(static_cast<size_t>(n_items), 0);
  std::vector<float> row;
  idx_t analysed = 0;
  for (idx_t i = 0; i < n_items; ++i) {
    auto stored = (*store)->GetItemData(data->item_ids[static_cast<size_t>(i)], video::kAnalysisKey);
    if (!stored.ok()) continue;
    nlohmann::json j = nlohmann::json::parse(*stored, nullptr, false);
    ++analysed;
    if (fusion::AudioInput(j, &row)) {
      has_audio[static_cast<size_t>(i)] = 1;
      std::copy(row.begin(), row.end(), audio.begin() + i * fusion::kAudioInputDim);
    }
    if (fusion::VisualInput(j, &row)) {
      has_visual[static_cast<size_t>(i)] = 1;
      std::copy(row.begin(), row.end(), visual.begin() + i * fusion::kVisualInputDim);
    }
  }
  idx_t n_audio = 0, n_visual = 0;
  for (idx_t i = 0; i < n_items; ++i) {
    n_audio += has_audio[static_cast<size_t>(i)];
    n_visual += has_visual[static_cast<size_t>(i)];
  }
  std::printf("%lld items, %lld with a stored analysis (%lld with audio, %lld with video)\n",
              static_cast<long long>(n_items), static_cast<long long>(analysed), static_cast<long long>(n_audio),
              static_cast<long long>(n_visual));

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
  TrainContext ctx;
  ctx.run = run;
  ctx.items = &data->items;
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

  // Text: the content model (TF-IDF), evaluated itself and projected for fusion.
  ContentModel content(ContentOptions{});
  double t0 = CpuNow();
  Check(content.Fit(ctx, split->fit));
  record("content (TF-IDF, text only)", content, CpuNow() - t0);
  std::vector<float> text(static_cast<size_t>(n_items) * kTextDim, 0.0f);
  std::vector<uint8_t> has_text(static_cast<size_t>(n_items), 0);
  for (idx_t i = 0; i < n_items; ++i) {
    text::SparseVector v = content.ItemVector(static_cast<ItemIdx>(i));
    if (v.size() == 0) continue;
    has_text[static_cast<size_t>(i)] = 1;
    float* out = text.data() + i * kTextDim;
    for (size_t k = 0; k < v.size(); ++k) {
      for (int d = 0; d < kTextDim; ++d) out[d] += v.values[k] * Gaussian(static_cast<uint64_t>(v.ids[k]), static_cast<uint64_t>(d));
    }
  }

  // Collaborative: iALS item factors of the training items only.
  auto ials = CreateModel("ials", {{"factors", "32"}});
  Check(ials.status());
  Check((*ials)->Fit(ctx, split->fit));
  std::vector<float> factors;
  int factor_dim = 0;
  Check((*ials)->ItemVectors(&factors, &factor_dim));
  std::vector<uint8_t> has_collab(static_cast<size_t>(n_items), 0);
  {
    Interactions by_item = split->fit.Transposed();
    for (idx_t i = 0; i < n_items && i < by_item.n_rows(); ++i) has_collab[static_cast<size_t>(i)] = by_item.RowSize(i) > 0;
  }
  factors.resize(static_cast<size_t>(n_items) * static_cast<size_t>(factor_dim), 0.0f);

  struct Variant {
    std::string label;
    bool text, audio, visual, collab;
  };
  const Variant variants[] = {{"fusion: text", true, false, false, false},
                              {"fusion: audio+visual", false, true, true, false},
                              {"fusion: text+audio+visual", true, true, true, false},
                              {"fusion: all (+collaborative)", true, true, true, true}};
  fusion::FusionOptions options;
  options.epochs = epochs;
  for (const Variant& v : variants) {
    fusion::ModalityInputs in(n_items);
    if (v.text) in.Set(Modality::kText, kTextDim, text, has_text);
    if (v.audio) in.Set(Modality::kAudio, fusion::kAudioInputDim, audio, has_audio);
    if (v.visual) in.Set(Modality::kVisual, fusion::kVisualInputDim, visual, has_visual);
    if (v.collab) in.Set(Modality::kCollaborative, factor_dim, factors, has_collab);
    auto model = fusion::FusionModel::Create(in.dims, options, seed);
    Check(model.status());
    t0 = CpuNow();
    std::vector<double> loss;
    Check((*model)->Fit(in, split->fit, run, &loss));
    const double fit_cpu = CpuNow() - t0;
    std::vector<float> vectors, attention;
    Check((*model)->Embed(in, &vectors, &attention));
    VectorProfileModel scorer(vectors, (*model)->dim());
    Check(scorer.Fit(ctx, split->fit));
    std::printf("  loss %.3f -> %.3f over %d epochs\n", loss.empty() ? 0.0 : loss.front(), loss.empty() ? 0.0 : loss.back(), epochs);
    record(v.label, scorer, fit_cpu);
    std::vector<double> mean(fusion::kModalities, 0);
    for (idx_t i = 0; i < n_items; ++i) {
      if (!split->test_candidates[static_cast<size_t>(i)]) continue;
      for (int m = 0; m < fusion::kModalities; ++m) mean[static_cast<size_t>(m)] += attention[static_cast<size_t>(i) * fusion::kModalities + static_cast<size_t>(m)] / static_cast<double>(candidates);
    }
    rows.back().attention = mean;
  }
  Print(rows);
  return 0;
}
