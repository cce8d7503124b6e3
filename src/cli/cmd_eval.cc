// encore eval --db PATH --protocol NAME [--filter 'rating>=4' ...] [--ratios 0.8,0.1,0.1]
//             --models m1,m2 [--param model.key=value ...] [--params-file model=FILE ...]
//             [--k 10,20] [--seed N] [--json] [--out DIR] [--dump-split DIR]
// Splits the store's interactions with the protocol, trains every model on the
// training part, ranks all unseen candidate items for every test user and prints
// one table (or JSON). The library behind it is RunEvaluation (eval/evaluator.h).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/strings.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "models/recommender.h"
#include "store/dataset.h"

namespace encore::cli {
namespace {

struct EvalArgs {
  std::string db;
  std::string protocol;
  std::vector<std::string> filters;
  std::string ratios;
  std::string cut;
  std::string models;
  std::vector<std::string> params;
  std::vector<std::string> params_files;
  std::vector<std::string> weights;
  std::string ks = "10";
  std::string metrics;
  std::string compare;
  int bootstrap = 1000;
  bool include_valid = false;
  bool json = false;
  std::string out;
  std::string dump_split;
  RunContext run;
};


StatusOr<std::vector<double>> ParseRatios(const std::string& text) {
  std::vector<double> out;
  for (const std::string& part : SplitList(text)) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
      return InvalidArgument("--ratios '" + text + "': '" + part + "' is not a number (e.g. --ratios 0.8,0.1,0.1)");
    }
    out.push_back(v);
  }
  return out;
}

StatusOr<std::vector<int>> ParseKs(const std::string& text) {
  std::vector<int> out;
  for (const std::string& part : SplitList(text)) {
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || errno == ERANGE) {
      return InvalidArgument("--k '" + text + "': '" + part + "' is not an integer (e.g. --k 10,20)");
    }
    if (v <= 0 || v > 100000) return InvalidArgument("--k: every K must be in [1, 100000], got " + part);
    out.push_back(static_cast<int>(v));
  }
  return out;
}

std::string CommandLine(const EvalArgs& a) {
  std::string c = "encore eval --db " + a.db + " --protocol " + a.protocol;
  for (const std::string& f : a.filters) c += " --filter " + f;
  if (!a.ratios.empty()) c += " --ratios " + a.ratios;
  if (!a.cut.empty()) c += " --cut " + a.cut;
  c += " --models " + a.models;
  for (const std::string& p : a.params) c += " --param " + p;
  for (const std::string& p : a.params_files) c += " --params-file " + p;
  for (const std::string& w : a.weights) c += " --weight " + w;
  c += " --k " + a.ks + " --seed " + std::to_string(a.run.seed) + " --threads " + std::to_string(a.run.threads);
  if (a.include_valid) c += " --include-valid";
  return c;
}

Status RunEval(const EvalArgs& args) {
  // Everything the user typed is checked before the store is opened.
  ProtocolOptions protocol;
  protocol.protocol = args.protocol;
  protocol.seed = args.run.seed;
  for (const std::string& f : args.filters) ENCORE_RETURN_IF_ERROR(protocol.AddFilter(f));
  if (!args.ratios.empty()) {
    ENCORE_ASSIGN_OR_RETURN(protocol.ratios, ParseRatios(args.ratios));
  }
  if (!args.cut.empty()) {
    char* end = nullptr;
    const long long t = std::strtoll(args.cut.c_str(), &end, 10);
    if (*end != '\0') return InvalidArgument("--cut '" + args.cut + "' is not a unix timestamp in seconds");
    protocol.cut_timestamp = t;
  }
  DatasetOptions data_options;
  for (const std::string& kv : args.weights) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return InvalidArgument("--weight '" + kv + "' is not key=value");
    ENCORE_RETURN_IF_ERROR(data_options.weighting.Set(kv.substr(0, eq), kv.substr(eq + 1)));
  }
  protocol.weighting = data_options.weighting;
  ENCORE_RETURN_IF_ERROR(protocol.Validate());

  EvalOptions options;
  ENCORE_ASSIGN_OR_RETURN(options.ks, ParseKs(args.ks));
  options.exclude_valid = !args.include_valid;
  options.bootstrap_samples = args.bootstrap;
  if (!args.compare.empty()) options.compare_metrics = SplitList(args.compare);
  ENCORE_RETURN_IF_ERROR(options.Validate());

  std::vector<ModelSpec> specs;
  for (const std::string& name : SplitList(args.models)) {
    if (name.empty()) return InvalidArgument("--models '" + args.models + "' has an empty entry");
    specs.push_back({name, {}, ""});
  }
  auto find_spec = [&](const std::string& model, const std::string& flag) -> StatusOr<ModelSpec*> {
    for (ModelSpec& s : specs) {
      if (s.name == model) return &s;
    }
    return InvalidArgument(flag + " names model '" + model + "', which is not in --models " + args.models);
  };
  for (const std::string& p : args.params) {  // model.key=value
    const auto dot = p.find('.'), eq = p.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot > eq || dot == 0) {
      return InvalidArgument("--param '" + p + "' must be model.key=value (e.g. --param itemknn.neighbors=100)");
    }
    ENCORE_ASSIGN_OR_RETURN(ModelSpec * spec, find_spec(p.substr(0, dot), "--param"));
    spec->params[p.substr(dot + 1, eq - dot - 1)] = p.substr(eq + 1);
  }
  for (const std::string& pf : args.params_files) {  // model=FILE; explicit --param values win
    const auto eq = pf.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("--params-file '" + pf + "' must be model=FILE (the JSON written by `encore tune`)");
    }
    const std::string model = pf.substr(0, eq);
    ENCORE_ASSIGN_OR_RETURN(ModelSpec * spec, find_spec(model, "--params-file"));
    ENCORE_ASSIGN_OR_RETURN(ModelParams from_file, ReadParamsFile(pf.substr(eq + 1), model));
    for (auto& [k, v] : from_file) spec->params.emplace(k, v);
  }
  for (const ModelSpec& s : specs) ENCORE_RETURN_IF_ERROR(CreateModel(s.name, s.params).status());
  const std::vector<std::string> columns =
      args.metrics.empty() ? DefaultReportColumns(options.ks) : SplitList(args.metrics);
  for (const std::string& c : columns) ENCORE_RETURN_IF_ERROR(ParseMetric(c).status());

  // The rating filter reads raw events (see ProtocolOptions::min_rating).
  data_options.keep_events = protocol.min_rating.has_value();
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDatasetWithMedia(*store, data_options));
  if (data.interactions.nnz() == 0) {
    return FailedPrecondition("the store " + args.db + " has no usable interactions (import data first)");
  }
  Split split;
  auto report = RunEvaluation(data, protocol, specs, options, args.run, args.dump_split.empty() ? nullptr : &split);
  if (!report.ok()) {
    // An empty test set is the user's protocol choice, not a failure of the data.
    if (report.status().code() == StatusCode::kFailedPrecondition &&
        report.status().message().find("empty test set") != std::string::npos) {
      return InvalidArgument(report.status().message());
    }
    return report.status();
  }
  ENCORE_RETURN_IF_ERROR(CheckReportColumns(*report, columns));
  const std::string command = CommandLine(args);
  if (!args.dump_split.empty()) ENCORE_RETURN_IF_ERROR(DumpSplit(split, options.exclude_valid, args.dump_split));
  if (!args.out.empty()) ENCORE_RETURN_IF_ERROR(WriteReportDir(*report, columns, command, args.out));

  if (args.json) {
    std::fputs(ReportJson(*report, command).c_str(), stdout);
    return Status::Ok();
  }
  std::printf("protocol %s (ratios %s, seed %llu), filters: %s; %lld train / %lld valid / %lld test pairs, "
              "%lld test users, %lld candidate items\n\n",
              report->protocol.c_str(), args.ratios.empty() ? "default" : args.ratios.c_str(),
              static_cast<unsigned long long>(report->seed), report->filters.c_str(),
              static_cast<long long>(report->train_pairs), static_cast<long long>(report->valid_pairs),
              static_cast<long long>(report->test_pairs), static_cast<long long>(report->test_users),
              static_cast<long long>(report->candidate_items));
  std::fputs(FormatTable(*report, columns).c_str(), stdout);
  if (!report->comparisons.empty()) std::printf("\n%s", FormatComparisons(*report).c_str());
  if (!args.out.empty()) std::printf("\nreport written to %s/report.md\n", args.out.c_str());
  return Status::Ok();
}

}  // namespace

void AddEvalCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "train models on a protocol's split and compare them on held-out data");
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_option("--protocol", args->protocol,
                  "random-ratio | stratified | leave-one-out | temporal | new-items (docs/metrics.md)")
      ->required();
  cmd->add_option("--filter", args->filters,
                  "filter before splitting (repeatable): 'rating>=R' (quoted) or min-rating=R, 'weight>=W' or min-weight=W, "
                  "kcore=K, user-core=K, item-core=K");
  cmd->add_option("--ratios", args->ratios, "train,valid,test ratios summing to 1 (default per protocol)");
  cmd->add_option("--cut", args->cut, "temporal protocol: test = events at or after this unix time");
  cmd->add_option("--models", args->models, "comma-separated model names (see `encore models`)")->required();
  cmd->add_option("--param", args->params, "model parameter model.key=value (repeatable)");
  cmd->add_option("--params-file", args->params_files, "tuned parameters model=FILE (from `encore tune`, repeatable)");
  cmd->add_option("--weight", args->weights, "event weighting key=value (repeatable, see docs/data-model.md)");
  cmd->add_option("--k", args->ks, "comma-separated cut-offs (default 10)");
  cmd->add_option("--metrics", args->metrics, "table columns, e.g. ndcg@10,recall@10,auc (default: a standard set)");
  cmd->add_option("--compare", args->compare, "metrics for paired tests (default: ndcg@K and recall@K)");
  cmd->add_option("--bootstrap", args->bootstrap, "bootstrap resamples for confidence intervals (0 = off)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_flag("--include-valid", args->include_valid,
                "rank the user's validation items too when the model is fitted on train only");
  cmd->add_flag("--json", args->json, "print the report as JSON instead of a table");
  cmd->add_option("--out", args->out, "write report.md, report.json and SVG plots into this directory");
  cmd->add_option("--dump-split", args->dump_split, "write the split as TSV files into this directory");
  AddRunOptions(cmd, &args->run);
  cmd->callback([args, exit_code] { *exit_code = Report("eval", RunEval(*args)); });
}

}  // namespace encore::cli
