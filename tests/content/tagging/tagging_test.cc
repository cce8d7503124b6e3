#include <gtest/gtest.h>

#include "content/tagging/auto_tagger.h"
#include "content/tagging/labelled_data.h"
#include "content/text/item_text.h"

namespace encore::tagging {
namespace {

std::vector<std::vector<std::string>> Tokens(const std::vector<Item>& items) {
  auto tokenizer = text::Tokenizer::Create();
  EXPECT_TRUE(tokenizer.ok());
  text::ItemTextOptions options;
  options.genre_weight = 0;  // labels must not leak into the text
  options.tag_weight = 0;
  std::vector<std::vector<std::string>> tokens;
  for (const Item& item : items) tokens.push_back(text::ItemTerms(item, *tokenizer, options));
  return tokens;
}

TEST(LinearTagger, LearnsSeparableLabels) {
  // Feature 0 -> label 0, feature 1 -> label 1, feature 2 -> both.
  std::vector<text::SparseVector> x = {{{0}, {1}}, {{1}, {1}}, {{2}, {1}}};
  std::vector<std::vector<int32_t>> y = {{0}, {1}, {0, 1}};
  LinearTagger tagger({.epochs = 200, .learning_rate = 0.5, .l2 = 0});
  ASSERT_TRUE(tagger.Fit(x, 3, y, 2, RunContext{}).ok());
  std::vector<float> p(2);
  tagger.Predict(x[0], p);
  EXPECT_GT(p[0], 0.8f);
  EXPECT_LT(p[1], 0.2f);
  tagger.Predict(x[2], p);
  EXPECT_GT(p[0], 0.8f);
  EXPECT_GT(p[1], 0.8f);
  EXPECT_FALSE(tagger.Fit(x, 3, y, 1, RunContext{}).ok());  // label id out of range
}

TEST(LabelPropagation, NeighboursVoteAndKnownRowsStayClamped) {
  // Users 0,1 consume items 0,1,2; users 2,3 consume items 3,4. Item 2 and 4 unknown.
  std::vector<Interaction> t = {{0, 0, 1, 0}, {0, 1, 1, 0}, {0, 2, 1, 0}, {1, 0, 1, 0}, {1, 2, 1, 0},
                                {2, 3, 1, 0}, {2, 4, 1, 0}, {3, 3, 1, 0}, {3, 4, 1, 0}};
  auto graph = BuildCoConsumptionGraph(Interactions::FromTriplets(4, 5, t), {}, RunContext{});
  ASSERT_TRUE(graph.ok());
  std::vector<float> seeds = {1, 0, 1, 0, 0, 0, 0, 1, 0, 0};  // items 0,1 label 0; item 3 label 1
  std::vector<bool> known = {true, true, false, true, false};
  auto f = PropagateLabels(*graph, seeds, 2, known, {});
  ASSERT_TRUE(f.ok());
  EXPECT_GT((*f)[2 * 2 + 0], (*f)[2 * 2 + 1]);
  EXPECT_GT((*f)[4 * 2 + 1], (*f)[4 * 2 + 0]);
  EXPECT_EQ((*f)[0], 1.0f);
  EXPECT_FALSE(PropagateLabels(*graph, seeds, 3, known, {}).ok());
}

TEST(AutoTagger, FillsHiddenMl100kGenresBetterThanChance) {
  auto data = testdata::LoadMl100k();
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const auto tokens = Tokens(data->items);
  const std::vector<bool> hidden = testdata::HideShare(data->labels, 0.2, 7);
  std::vector<bool> known(hidden.size());
  for (size_t i = 0; i < hidden.size(); ++i) known[i] = !hidden[i];
  AutoTagInput input{&tokens, &data->labels, static_cast<int32_t>(data->label_names.size()), &known, &data->user_items};
  RunContext ctx;
  ctx.threads = 2;
  auto scores = PredictLabels(input, {}, ctx);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  const int32_t n = input.n_labels;
  const auto graph = EvaluateLabels(scores->graph, n, data->labels, hidden, 5, 0.5f);
  const auto text = EvaluateLabels(scores->text, n, data->labels, hidden, 5, 0.5f);
  const auto combined = EvaluateLabels(scores->combined, n, data->labels, hidden, 5, 0.5f);
  EXPECT_GT(graph.items, 300);
  // "Drama" for everything scores micro-F1 ~0.3 on these labels.
  EXPECT_GT(graph.micro_f1, 0.40);
  EXPECT_GT(text.micro_f1, 0.25);
  EXPECT_GE(combined.micro_f1, graph.micro_f1 - 0.02);
}

TEST(AutoTagger, PropagatesLastfmTagsThroughListeners) {
  auto data = testdata::LoadLastfm(200);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const auto tokens = Tokens(data->items);
  const std::vector<bool> hidden = testdata::HideShare(data->labels, 0.2, 7);
  std::vector<bool> known(hidden.size());
  for (size_t i = 0; i < hidden.size(); ++i) known[i] = !hidden[i];
  AutoTagInput input{&tokens, &data->labels, static_cast<int32_t>(data->label_names.size()), &known, &data->user_items};
  AutoTagOptions options;
  options.linear.epochs = 5;
  RunContext ctx;
  ctx.threads = 2;
  auto scores = PredictLabels(input, options, ctx);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  const auto graph = EvaluateLabels(scores->graph, input.n_labels, data->labels, hidden, 5, 0.5f);
  const auto text = EvaluateLabels(scores->text, input.n_labels, data->labels, hidden, 5, 0.5f);
  EXPECT_GT(graph.items, 1000);
  // Artist names say little; listeners say a lot.
  EXPECT_GT(graph.precision_at_k, 0.25);
  EXPECT_GT(graph.precision_at_k, text.precision_at_k);
}

TEST(EvaluateLabels, MatchesHandComputedValues) {
  // Two items, three labels. Item 0 truth {0}, item 1 truth {1, 2}.
  std::vector<float> scores = {0.9f, 0.5f, 0.1f, 0.2f, 0.8f, 0.1f};
  std::vector<std::vector<int32_t>> truth = {{0}, {1, 2}};
  auto m = EvaluateLabels(scores, 3, truth, {true, true}, 1, 0.5f);
  EXPECT_EQ(m.items, 2);
  EXPECT_DOUBLE_EQ(m.precision_at_k, 1.0);
  EXPECT_DOUBLE_EQ(m.recall_at_k, (1.0 + 0.5) / 2);
  // Sets: item 0 {0, 1} (0.5 >= 0.45), item 1 {1}: tp 2, fp 1, fn 1 -> micro 4 / 6.
  EXPECT_NEAR(m.micro_f1, 4.0 / 6.0, 1e-9);
  // label 0: 1, label 1: 2/3, label 2: 0.
  EXPECT_NEAR(m.macro_f1, (1 + 2.0 / 3.0 + 0) / 3, 1e-9);
}

}  // namespace
}  // namespace encore::tagging
