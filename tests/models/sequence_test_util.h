// Shared fixtures of the sequence-model tests (sasrec_test.cc, gru4rec_test.cc).
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "models/recommender.h"
#include "models/sequence_net.h"
#include "models/sequence_recommender.h"

namespace encore::testing {

// The successor task: every user walks the catalogue in order, item i is
// always followed by item (i + 1) mod n_items, from a user-specific start.
// Every item is about equally popular, so only a model that reads the order can
// predict the next item. The last step of each walk goes to `validation`.
struct SuccessorData {
  Interactions train;
  Interactions validation;
};

inline SuccessorData MakeSuccessorData(int n_users, int n_items, int length) {
  std::vector<Interaction> train, validation;
  for (int user_idx = 0; user_idx < n_users; ++user_idx) {
    const int start = (user_idx * 7) % n_items;
    for (int step = 0; step < length; ++step) {
      Interaction e{user_idx, (start + step) % n_items, 1.0f, 1000 + step};
      (step + 1 == length ? validation : train).push_back(e);
    }
  }
  return {Interactions::FromTriplets(n_users, n_items, train),
          Interactions::FromTriplets(n_users, n_items, validation)};
}

// A small, fast configuration on one thread.
inline ModelParams SmallParams(ModelParams extra = {}) {
  ModelParams p = {{"max_len", "12"}, {"hidden", "32"}, {"dropout", "0.1"}, {"epochs", "40"},
                   {"batch_size", "32"}, {"lr", "0.01"}, {"warmup_steps", "0"}, {"patience", "100"}};
  for (const auto& [k, v] : extra) p[k] = v;
  return p;
}

inline TrainContext OneThread(uint64_t seed = 7) {
  TrainContext ctx;
  ctx.run.threads = 1;
  ctx.run.seed = seed;
  ctx.run.progress = false;
  return ctx;
}

inline std::unique_ptr<Recommender> MustCreate(const std::string& name, const ModelParams& params) {
  auto model = CreateModel(name, params);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return model.ok() ? std::move(model).value() : nullptr;
}

inline ItemIdx ArgMax(const std::vector<float>& scores) {
  return static_cast<ItemIdx>(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

// Runs the encoder in eval mode without gradients: [B, T] tokens -> [B, T, D].
inline torch::Tensor EncodeEval(seq::SequenceNet& net, const torch::Tensor& ids) {
  net.eval();
  torch::NoGradGuard no_grad;
  return net.Encode(ids, net.ItemTable());
}

// Checks the causality and padding contracts of an encoder:
// (1) changing the token at position `changed` leaves positions < changed
//     untouched and moves position `changed`;
// (2) a sequence followed by padding gives the same outputs at its real
//     positions whatever the padding tokens hold, and the same as without padding.
inline void ExpectCausalAndPaddingInvariant(seq::SequenceNet& net) {
  torch::Tensor ids = torch::tensor({{3, 5, 7, 9, 11, 13, 15, 17}}, torch::kInt64);
  torch::Tensor changed_ids = ids.clone();
  const int64_t changed = 5;
  changed_ids[0][changed] = 2;
  torch::Tensor a = EncodeEval(net, ids);
  torch::Tensor b = EncodeEval(net, changed_ids);
  EXPECT_TRUE(torch::equal(a.slice(1, 0, changed), b.slice(1, 0, changed)))
      << "a past position moved when a future item changed";
  EXPECT_FALSE(torch::allclose(a.select(1, changed), b.select(1, changed)))
      << "the changed position did not move";

  const int64_t real = 4;
  torch::Tensor padded = torch::zeros({1, 8}, torch::kInt64);
  padded.slice(1, 0, real).copy_(ids.slice(1, 0, real));
  torch::Tensor junk = padded.clone();
  junk.slice(1, real, 8).copy_(torch::tensor({{19, 1, 4, 8}}, torch::kInt64));
  torch::Tensor p = EncodeEval(net, padded).slice(1, 0, real);
  torch::Tensor j = EncodeEval(net, junk).slice(1, 0, real);
  torch::Tensor alone = EncodeEval(net, ids.slice(1, 0, real));
  EXPECT_TRUE(torch::equal(p, j)) << "padding content changed real positions";
  EXPECT_TRUE(torch::allclose(p, alone, 1e-5, 1e-6)) << "padding length changed real positions";
}

// Trains on the successor task and checks what only a sequence model can do.
inline void ExpectLearnsSuccessorTask(const std::string& name) {
  SuccessorData data = MakeSuccessorData(/*n_users=*/60, /*n_items=*/30, /*length=*/12);
  auto model = MustCreate(name, SmallParams());
  ASSERT_NE(model, nullptr);
  TrainContext ctx = OneThread();
  ctx.validation = &data.validation;
  Status s = model->Fit(ctx, data.train);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const auto& report = static_cast<SequenceRecommender&>(*model).train_report();
  ASSERT_GE(report.epochs.size(), 2u);
  EXPECT_LT(report.epochs.back().loss, 0.5 * report.epochs.front().loss);
  EXPECT_GT(report.best_val_ndcg, 0.9);
  std::vector<float> scores(30);
  for (ItemIdx start : {3, 17, 28}) {
    std::vector<ItemIdx> history = {start, static_cast<ItemIdx>((start + 1) % 30),
                                    static_cast<ItemIdx>((start + 2) % 30)};
    ASSERT_TRUE(model->ScoreHistory(history, {}, scores).ok());
    EXPECT_EQ(ArgMax(scores), (start + 3) % 30) << "after " << start << ", " << start + 1 << ", " << start + 2;
  }
}

// Save/load through the model file keeps every score.
inline void ExpectSaveLoadRoundTrip(const std::string& name) {
  SuccessorData data = MakeSuccessorData(20, 25, 8);
  auto model = MustCreate(name, SmallParams({{"epochs", "3"}}));
  ASSERT_NE(model, nullptr);
  ASSERT_TRUE(model->Fit(OneThread(), data.train).ok());
  const std::string path = ::testing::TempDir() + "/" + name + "_roundtrip.encm";
  ASSERT_TRUE(SaveModel(*model, path).ok());
  auto loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->Name(), name);
  EXPECT_EQ((*loaded)->Params(), model->Params());
  for (UserIdx user_idx : {0, 7, 19}) {
    std::vector<float> a(25), b(25);
    ASSERT_TRUE(model->ScoreAll(user_idx, a).ok());
    ASSERT_TRUE((*loaded)->ScoreAll(user_idx, b).ok());
    EXPECT_EQ(a, b);
  }
  std::vector<float> a(25), b(25);
  std::vector<ItemIdx> history = {4, 5, 6, 7};
  ASSERT_TRUE(model->ScoreHistory(history, {}, a).ok());
  ASSERT_TRUE((*loaded)->ScoreHistory(history, {}, b).ok());
  EXPECT_EQ(a, b);
}

// Same seed, same weights; another seed, other weights.
inline void ExpectDeterministicWithSeed(const std::string& name) {
  SuccessorData data = MakeSuccessorData(20, 25, 8);
  std::vector<std::vector<float>> runs;
  for (uint64_t seed : {11u, 11u, 12u}) {
    auto model = MustCreate(name, SmallParams({{"epochs", "3"}}));
    ASSERT_NE(model, nullptr);
    ASSERT_TRUE(model->Fit(OneThread(seed), data.train).ok());
    std::vector<float> scores(25);
    ASSERT_TRUE(model->ScoreAll(3, scores).ok());
    runs.push_back(scores);
  }
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_NE(runs[0], runs[2]);
}

}  // namespace encore::testing
