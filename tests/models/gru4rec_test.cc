#include "models/gru4rec.h"

#include <gtest/gtest.h>

#include "models/sequence_test_util.h"

namespace encore {
namespace {

SequenceOptions NetOptions() {
  SequenceOptions o;
  o.arch = SequenceArch::kGru4rec;
  o.max_len = 10;
  o.hidden = 16;
  o.blocks = 2;  // GRU layers
  return o;
}

TEST(Gru4rec, EncoderShapes) {
  torch::manual_seed(1);
  seq::ItemFeatures none;
  none.offsets.assign(21, 0);
  auto net = seq::MakeSequenceNet(NetOptions(), 20, none);
  torch::Tensor table = net->ItemTable();
  torch::Tensor h = net->Encode(torch::randint(1, 21, {4, 9}, torch::kInt64), table);
  EXPECT_EQ(h.sizes(), (std::vector<int64_t>{4, 9, 16}));
  EXPECT_EQ(seq::SequenceNet::Logits(h, table).sizes(), (std::vector<int64_t>{4, 9, 20}));
}

TEST(Gru4rec, FutureItemsAndPaddingDoNotMovePastOutputs) {
  torch::manual_seed(2);
  seq::ItemFeatures none;
  none.offsets.assign(21, 0);
  auto net = seq::MakeSequenceNet(NetOptions(), 20, none);
  testing::ExpectCausalAndPaddingInvariant(*net);
}

TEST(Gru4rec, LossDecreasesAndLearnsTheSuccessorTask) { testing::ExpectLearnsSuccessorTask("gru4rec"); }

TEST(Gru4rec, SaveLoadRoundTripKeepsScores) { testing::ExpectSaveLoadRoundTrip("gru4rec"); }

TEST(Gru4rec, DeterministicWithASeed) { testing::ExpectDeterministicWithSeed("gru4rec"); }

TEST(Gru4rec, SampledSoftmaxAlsoLearns) {
  auto data = testing::MakeSuccessorData(60, 30, 12);
  auto model = testing::MustCreate("gru4rec", testing::SmallParams({{"loss", "sampled"}, {"negatives", "8"}}));
  ASSERT_NE(model, nullptr);
  TrainContext ctx = testing::OneThread();
  ctx.validation = &data.validation;
  ASSERT_TRUE(model->Fit(ctx, data.train).ok());
  EXPECT_GT(static_cast<SequenceRecommender&>(*model).train_report().best_val_ndcg, 0.8);
}

TEST(Gru4rec, RejectsSasrecOnlyParameters) {
  EXPECT_EQ(CreateModel("gru4rec", {{"heads", "2"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CreateModel("gru4rec", {{"layers", "2"}}).ok());
}

}  // namespace
}  // namespace encore
