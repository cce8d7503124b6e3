#include "train/hyper_search.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "eval/evaluator.h"
#include "eval/splitters.h"

namespace encore {
namespace {

// 60 users in two taste groups: noise items 0..9 (3 random ones per user), group A
// items 10..24, group B items 25..39 (10 random ones of the user's group each).
// Ties in a ranking go to lower indices, so a model that cannot score the group's
// items ranks noise first.
Split TwoGroupSplit(uint64_t seed = 7) {
  std::vector<Interaction> pairs;
  SplitRng rng(seed);
  for (UserIdx user = 0; user < 60; ++user) {
    const ItemIdx first = user % 2 == 0 ? 10 : 25;
    std::vector<ItemIdx> group(15), noise(10);
    for (int k = 0; k < 15; ++k) group[k] = first + k;
    for (int k = 0; k < 10; ++k) noise[k] = k;
    rng.Shuffle(group);
    rng.Shuffle(noise);
    for (int k = 0; k < 10; ++k) pairs.push_back({user, group[k], 1.0f, 0});
    for (int k = 0; k < 3; ++k) pairs.push_back({user, noise[k], 1.0f, 0});
  }
  ProtocolOptions protocol;
  protocol.protocol = "random-ratio";
  protocol.seed = seed;
  auto split = SplitPairs(60, 40, pairs, protocol);
  EXPECT_TRUE(split.ok()) << split.status().ToString();
  return std::move(split).value();
}

RunContext QuietRun() {
  RunContext run;
  run.threads = 1;
  run.progress = false;
  return run;
}

// iALS with no epoch keeps its random initial factors (a random ranking); five
// epochs learn the two groups.
const ModelParams kSmallIals = {{"factors", "8"}};
SearchSpace EpochsSpace() {
  return {"ials", {{"epochs", ParamScale::kChoice, 0, 0, {"0", "5"}}}};
}

// Any fast model for the option checks.
SearchSpace NeighboursSpace() {
  return {"itemknn", {{"neighbours", ParamScale::kChoice, 0, 0, {"1", "40"}}}};
}

double ValidationValue(const Split& split, const std::string& epochs) {
  EvalOptions eval;
  eval.curves = false;
  ModelParams params = kSmallIals;
  params["epochs"] = epochs;
  ModelSpec spec{"ials", params, ""};
  auto e = FitAndEvaluate(split, SplitPart::kValid, spec, nullptr, eval, QuietRun());
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e->metrics.at("ndcg@10");
}

TEST(HyperSearch, RandomSearchPicksTheClearlyBetterSetting) {
  const Split split = TwoGroupSplit();
  const double bad = ValidationValue(split, "0"), good = ValidationValue(split, "5");
  ASSERT_GT(good, bad + 0.1);  // the two settings are obviously different

  SearchOptions options;
  options.model = "ials";
  options.fixed = kSmallIals;
  options.budget = 6;
  options.try_defaults = false;
  auto result = RunHyperSearch(split, nullptr, options, EpochsSpace(), QuietRun());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->trials.size(), 6u);
  bool saw_bad = false;
  for (const Trial& t : result->trials) saw_bad |= t.params.at("epochs") == "0";
  ASSERT_TRUE(saw_bad) << "the seed should draw both settings";
  EXPECT_EQ(result->best_params.at("epochs"), "5");
  EXPECT_EQ(result->best_params.count("reg"), 1u);  // written in full
  EXPECT_NEAR(result->best_value, good, 1e-12);
  EXPECT_EQ(result->metric, "ndcg@10");
}

TEST(HyperSearch, FirstTrialIsTheDefaultsAndFixedParamsAreKept) {
  const Split split = TwoGroupSplit();
  SearchOptions options;
  options.model = "itemknn";
  options.budget = 3;
  options.fixed = {{"shrink", "0"}};
  auto result = RunHyperSearch(split, nullptr, options, NeighboursSpace(), QuietRun());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->trials.size(), 3u);
  EXPECT_EQ(result->trials[0].params, (ModelParams{{"shrink", "0"}}));  // the defaults
  for (const Trial& t : result->trials) EXPECT_EQ(t.params.at("shrink"), "0");
}

TEST(HyperSearch, SuccessiveHalvingKeepsAThirdPerRung) {
  const Split split = TwoGroupSplit();
  SearchOptions options;
  options.model = "ials";
  options.fixed = kSmallIals;
  options.budget = 9;
  options.strategy = "halving";
  options.try_defaults = false;
  // epochs is searched, so the resource is the share of validation users.
  auto result = RunHyperSearch(split, nullptr, options, EpochsSpace(), QuietRun());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // 9 configurations on rung 0, 3 on rung 1, 1 on rung 2 at full resource.
  ASSERT_EQ(result->trials.size(), 13u);
  EXPECT_EQ(result->trials.back().rung, 2);
  EXPECT_DOUBLE_EQ(result->trials.back().resource, 1.0);
  EXPECT_EQ(result->best_params.at("epochs"), "5");
}

TEST(HyperSearch, HalvingOnEpochsRunsAFactorModel) {
  const Split split = TwoGroupSplit();
  SearchOptions options;
  options.model = "ials";
  options.budget = 3;
  options.strategy = "halving";
  options.fixed = {{"factors", "4"}, {"epochs", "3"}};
  SearchSpace space{"ials", {{"reg", ParamScale::kLog, 1e-3, 1e-1, {}}}};
  auto result = RunHyperSearch(split, nullptr, options, space, QuietRun());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->trials.size(), 4u);
  EXPECT_GT(result->best_value, 0.0);
}

TEST(HyperSearch, SameSeedSameResult) {
  const Split split = TwoGroupSplit();
  SearchOptions options;
  options.model = "rp3beta";
  options.budget = 4;
  auto space = DefaultSearchSpace("rp3beta");
  ASSERT_TRUE(space.ok());
  auto a = RunHyperSearch(split, nullptr, options, *space, QuietRun());
  auto b = RunHyperSearch(split, nullptr, options, *space, QuietRun());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->best_params, b->best_params);
  EXPECT_EQ(a->best_value, b->best_value);
}

TEST(HyperSearch, BadOptionsAreInvalidArgument) {
  const Split split = TwoGroupSplit();
  auto run = [&](SearchOptions options) {
    return RunHyperSearch(split, nullptr, options, NeighboursSpace(), QuietRun()).status().code();
  };
  SearchOptions base;
  base.model = "itemknn";
  SearchOptions o = base;
  o.budget = 0;
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  o = base;
  o.budget = -3;
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  o = base;
  o.metric = "ndgc@10";
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  o = base;
  o.metric = "coverage@10";  // not an accuracy metric
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  o = base;
  o.strategy = "grid";
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  o = base;
  o.eta = 1;
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  o = base;
  o.fixed = {{"no_such_param", "1"}};
  EXPECT_EQ(run(o), StatusCode::kInvalidArgument);
  EXPECT_EQ(DefaultSearchSpace("no-such-model").status().code(), StatusCode::kInvalidArgument);
}

TEST(HyperSearch, NoValidationPairsIsFailedPrecondition) {
  Split split = TwoGroupSplit();
  split.valid = Interactions::FromTriplets(split.valid.n_users(), split.valid.n_items(), {});
  SearchOptions options;
  options.model = "itemknn";
  EXPECT_EQ(RunHyperSearch(split, nullptr, options, NeighboursSpace(), QuietRun()).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(HyperSearch, JsonIsAParamsFile) {
  SearchResult r;
  r.model = "ease";
  r.metric = "ndcg@10";
  r.strategy = "random";
  r.best_params = {{"lambda", "412"}, {"form", "auto"}, {"binary", "true"}, {"reg", "0.5"}};
  r.best_value = 0.5;
  const auto j = nlohmann::json::parse(SearchResultJson(r, "stratified", 42));
  EXPECT_EQ(j["model"], "ease");
  EXPECT_EQ(j["params"]["lambda"], 412);
  EXPECT_EQ(j["params"]["form"], "auto");
  EXPECT_EQ(j["params"]["binary"], true);
  EXPECT_DOUBLE_EQ(j["params"]["reg"].get<double>(), 0.5);
  EXPECT_EQ(j["metric"], "ndcg@10");
  EXPECT_DOUBLE_EQ(j["value"].get<double>(), 0.5);
}

TEST(HyperSearch, EverySearchSpaceCreatesValidModels) {
  for (const std::string& model : SearchableModels()) {
    auto space = DefaultSearchSpace(model);
    ASSERT_TRUE(space.ok());
    for (const ParamRange& p : space->params) {
      const bool integer = p.scale == ParamScale::kLinearInt || p.scale == ParamScale::kLogInt;
      auto text = [&](double v) { return integer ? std::to_string(static_cast<long long>(v)) : std::to_string(v); };
      const std::vector<std::string> values =
          p.scale == ParamScale::kChoice ? p.choices : std::vector<std::string>{text(p.lo), text(p.hi)};
      for (const std::string& v : values) {
        EXPECT_TRUE(CreateModel(model, {{p.key, v}}).ok()) << model << " " << p.key << "=" << v;
      }
    }
  }
}

}  // namespace
}  // namespace encore
