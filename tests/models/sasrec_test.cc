#include "models/sasrec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "core/binary_io.h"
#include "models/sequence_test_util.h"
#include "models/sequence_trainer.h"

namespace encore {
namespace {

using testing::MakeSuccessorData;
using testing::MustCreate;
using testing::OneThread;
using testing::SmallParams;

SequenceOptions NetOptions() {
  SequenceOptions o;
  o.arch = SequenceArch::kSasrec;
  o.max_len = 10;
  o.hidden = 16;
  o.blocks = 2;
  o.heads = 2;
  return o;
}

TEST(Sasrec, EncoderShapes) {
  torch::manual_seed(1);
  seq::ItemFeatures none;
  none.offsets.assign(21, 0);
  auto net = seq::MakeSequenceNet(NetOptions(), 20, none);
  torch::Tensor table = net->ItemTable();
  EXPECT_EQ(table.sizes(), (std::vector<int64_t>{21, 16}));
  EXPECT_EQ(table[0].abs().sum().item<float>(), 0.0f) << "padding row must be zero";
  torch::Tensor ids = torch::randint(1, 21, {3, 7}, torch::kInt64);
  torch::Tensor h = net->Encode(ids, table);
  EXPECT_EQ(h.sizes(), (std::vector<int64_t>{3, 7, 16}));
  EXPECT_EQ(seq::SequenceNet::Logits(h, table).sizes(), (std::vector<int64_t>{3, 7, 20}));
}

TEST(Sasrec, NoAttentionToFuturePositionsAndPaddingIgnored) {
  torch::manual_seed(2);
  seq::ItemFeatures none;
  none.offsets.assign(21, 0);
  auto net = seq::MakeSequenceNet(NetOptions(), 20, none);
  testing::ExpectCausalAndPaddingInvariant(*net);
}

TEST(Sasrec, PackLastTokensKeepsTheLatestItemsLeftAligned) {
  torch::Tensor ids = seq::PackLastTokens({{1, 2, 3, 4, 5}, {7}}, 3);
  EXPECT_TRUE(torch::equal(ids, torch::tensor({{3, 4, 5}, {7, 0, 0}}, torch::kInt64)));
}

TEST(Sasrec, ChunkedFullSoftmaxMatchesTorchCrossEntropy) {
  torch::manual_seed(3);
  // 3000 items: several row chunks, so chunk boundaries are exercised.
  torch::Tensor h = torch::randn({2000, 8}, torch::requires_grad());
  torch::Tensor items = torch::randn({3000, 8}, torch::requires_grad());
  torch::Tensor targets = torch::randint(0, 3000, {2000}, torch::kInt64);
  torch::Tensor ours = seq::FullSoftmaxCrossEntropy(h, items, targets);
  auto our_grads = torch::autograd::grad({ours}, {h, items});
  torch::Tensor ref = torch::nn::functional::cross_entropy(torch::mm(h, items.t()), targets);
  auto ref_grads = torch::autograd::grad({ref}, {h, items});
  EXPECT_NEAR(ours.item<float>(), ref.item<float>(), 1e-4);
  EXPECT_TRUE(torch::allclose(our_grads[0], ref_grads[0], 1e-4, 1e-7));
  EXPECT_TRUE(torch::allclose(our_grads[1], ref_grads[1], 1e-4, 1e-7));
}

TEST(Sasrec, LossDecreasesAndLearnsTheSuccessorTask) { testing::ExpectLearnsSuccessorTask("sasrec"); }

TEST(Sasrec, WithoutValidationHoldsOutTheLastItemButServesTheWholeSequence) {
  auto data = MakeSuccessorData(60, 30, 12);
  auto model = MustCreate("sasrec", SmallParams());
  ASSERT_NE(model, nullptr);
  ASSERT_TRUE(model->Fit(OneThread(), data.train).ok());
  const auto& seq_model = static_cast<const SequenceRecommender&>(*model);
  EXPECT_GT(seq_model.train_report().best_val_ndcg, 0.9);
  EXPECT_EQ(seq_model.UserSequence(4).size(), 11u);
  auto none = MustCreate("sasrec", SmallParams({{"holdout", "none"}, {"epochs", "3"}}));
  ASSERT_TRUE(none->Fit(OneThread(), data.train).ok());
  const auto& report = static_cast<const SequenceRecommender&>(*none).train_report();
  EXPECT_EQ(report.epochs.size(), 3u);
  EXPECT_EQ(report.best_epoch, 3);
  EXPECT_LT(report.best_val_ndcg, 0.0);
}

TEST(Sasrec, SaveLoadRoundTripKeepsScores) { testing::ExpectSaveLoadRoundTrip("sasrec"); }

TEST(Sasrec, DeterministicWithASeed) { testing::ExpectDeterministicWithSeed("sasrec"); }

TEST(Sasrec, BeamSearchGeneratesTheContinuationWithoutRepeats) {
  auto data = MakeSuccessorData(60, 30, 12);
  auto model = MustCreate("sasrec", SmallParams({{"decode", "beam"}, {"slate", "5"}, {"beam_width", "3"}}));
  ASSERT_NE(model, nullptr);
  ASSERT_TRUE(model->Fit(OneThread(), data.train).ok());
  auto& seq_model = static_cast<SequenceRecommender&>(*model);
  std::vector<ItemIdx> history = {10, 11, 12};
  std::vector<SlateItem> slate;
  ASSERT_TRUE(seq_model.GenerateSlate(history, 5, 3, &slate).ok());
  ASSERT_EQ(slate.size(), 5u);
  std::set<ItemIdx> seen(history.begin(), history.end());
  for (const SlateItem& s : slate) {
    EXPECT_TRUE(seen.insert(s.item).second) << "item " << s.item << " repeated";
    EXPECT_LE(s.log_prob, 0.0f);
  }
  EXPECT_EQ(slate[0].item, 13);
  EXPECT_EQ(slate[1].item, 14);
  // decode=beam: the top of the scores is the generated slate, in order.
  std::vector<float> scores(30);
  ASSERT_TRUE(model->ScoreHistory(history, {}, scores).ok());
  std::vector<ItemIdx> order(30);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](ItemIdx a, ItemIdx b) { return scores[a] > scores[b]; });
  for (size_t rank = 0; rank < slate.size(); ++rank) EXPECT_EQ(order[rank], slate[rank].item);
}

TEST(Sasrec, ItemFeaturesEnterTheItemTable) {
  auto data = MakeSuccessorData(20, 25, 8);
  std::vector<Item> items(25);
  for (int item_idx = 0; item_idx < 25; ++item_idx) {
    items[item_idx].genres = {item_idx % 2 == 0 ? "Drama" : "Comedy", "Film"};
  }
  auto model = MustCreate("sasrec", SmallParams({{"epochs", "2"}, {"features", "genres"}}));
  ASSERT_NE(model, nullptr);
  TrainContext ctx = OneThread();
  ctx.items = &items;
  ASSERT_TRUE(model->Fit(ctx, data.train).ok());
  BinaryWriter out;
  ASSERT_TRUE(model->SaveBody(out).ok());
  auto copy = MustCreate("sasrec", model->Params());
  BinaryReader in(out.buffer());
  ASSERT_TRUE(copy->LoadBody(in).ok());
  std::vector<float> a(25), b(25);
  ASSERT_TRUE(model->ScoreAll(1, a).ok());
  ASSERT_TRUE(copy->ScoreAll(1, b).ok());
  EXPECT_EQ(a, b);
  // The same model without features has a different (smaller) file.
  auto plain = MustCreate("sasrec", SmallParams({{"epochs", "2"}}));
  ASSERT_TRUE(plain->Fit(OneThread(), data.train).ok());
  BinaryWriter plain_out;
  ASSERT_TRUE(plain->SaveBody(plain_out).ok());
  EXPECT_LT(plain_out.buffer().size(), out.buffer().size());
}

TEST(Sasrec, ReportsErrorsAsStatus) {
  EXPECT_EQ(CreateModel("sasrec", {{"hidden", "50"}, {"heads", "3"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateModel("sasrec", {{"loss", "bce"}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateModel("sasrec", {{"layers", "2"}}).status().code(), StatusCode::kInvalidArgument);
  auto model = MustCreate("sasrec", SmallParams({{"epochs", "1"}}));
  std::vector<float> scores(25);
  EXPECT_EQ(model->ScoreAll(0, scores).code(), StatusCode::kFailedPrecondition);
  auto data = MakeSuccessorData(20, 25, 8);
  ASSERT_TRUE(model->Fit(OneThread(), data.train).ok());
  EXPECT_EQ(model->ScoreAll(20, scores).code(), StatusCode::kInvalidArgument);
  std::vector<ItemIdx> bad = {3, 25};
  EXPECT_EQ(model->ScoreHistory(bad, {}, scores).code(), StatusCode::kInvalidArgument);
  std::vector<float> short_scores(3);
  EXPECT_EQ(model->ScoreAll(0, short_scores).code(), StatusCode::kInvalidArgument);
  // An empty history falls back to popularity instead of failing.
  EXPECT_TRUE(model->ScoreHistory({}, {}, scores).ok());
  // A corrupt body is DataLoss, not a crash.
  BinaryWriter out;
  ASSERT_TRUE(model->SaveBody(out).ok());
  std::vector<char> bytes = out.buffer();
  bytes.resize(bytes.size() - 100);
  auto copy = MustCreate("sasrec", model->Params());
  BinaryReader in(bytes);
  EXPECT_EQ(copy->LoadBody(in).code(), StatusCode::kDataLoss);
  // Mismatched validation matrix.
  Interactions wrong = Interactions::FromTriplets(3, 3, {});
  TrainContext ctx = OneThread();
  ctx.validation = &wrong;
  EXPECT_EQ(model->Fit(ctx, data.train).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore
