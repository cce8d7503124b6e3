// encore recommend --db PATH --model MODEL_FILE --user ID [-n 10] [--json]
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "models/recommender.h"
#include "retrieve/topk.h"
#include "store/dataset.h"

namespace encore::cli {
namespace {

struct RecommendArgs {
  std::string db;
  std::string model_path;
  std::string user;
  int n = 10;
  bool json = false;
  bool include_seen = false;
};

Status RunRecommend(const RecommendArgs& args) {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, LoadModel(args.model_path));
  DatasetOptions data_options;
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDataset(*store, data_options));
  if (model->n_items() > static_cast<idx_t>(data.item_ids.size())) {
    return FailedPrecondition("model " + args.model_path + " knows " + std::to_string(model->n_items()) +
                              " items but the store has " + std::to_string(data.item_ids.size()) +
                              ": was it trained on another store?");
  }
  auto found = store->FindUser(args.user);
  if (!found.ok() && found.status().code() != StatusCode::kNotFound) return found.status();
  const bool known = found.ok();
  const UserIdx user = known ? *found : kNoUser;

  std::vector<float> scores(model->n_items());
  std::span<const ItemIdx> history;
  std::span<const float> weights;
  if (known) {
    history = data.interactions.Row(user);
    weights = data.interactions.RowWeights(user);
  }
  bool fallback = false;
  if (known && user < model->n_users()) {
    ENCORE_RETURN_IF_ERROR(model->ScoreAll(user, scores));
  } else {
    Status s = model->ScoreHistory(history, weights, scores);
    if (s.code() == StatusCode::kUnimplemented) {
      return FailedPrecondition("user '" + args.user + "' is not in the model's training data and model '" +
                                model->Name() + "' cannot score new users; retrain or use popularity");
    }
    ENCORE_RETURN_IF_ERROR(s);
    fallback = !known;
  }
  std::vector<bool> excluded(model->n_items(), false);
  for (size_t i = 0; i < data.item_deleted.size() && i < excluded.size(); ++i) excluded[i] = data.item_deleted[i];
  if (!args.include_seen) {
    for (ItemIdx item : history) if (item < model->n_items()) excluded[item] = true;
  }
  std::vector<char> mask(excluded.begin(), excluded.end());
  auto top = TopK(scores, args.n, std::span<const bool>(reinterpret_cast<const bool*>(mask.data()), mask.size()));

  if (args.json) {
    nlohmann::json out;
    out["user"] = args.user;
    out["model"] = model->Name();
    out["known_user"] = known;
    out["fallback"] = fallback;
    out["items"] = nlohmann::json::array();
    for (const ScoredItem& s : top) {
      out["items"].push_back({{"id", data.item_ids[s.item]},
                              {"title", data.items.empty() ? "" : data.items[s.item].title},
                              {"score", s.score}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return Status::Ok();
  }
  std::printf("Top %zu for user %s (model %s%s):\n", top.size(), args.user.c_str(), model->Name().c_str(),
              known ? "" : ", unknown user: fallback");
  for (size_t rank = 0; rank < top.size(); ++rank) {
    const ScoredItem& s = top[rank];
    std::printf("%3zu. %-10s %-50s %.4f\n", rank + 1, data.item_ids[s.item].c_str(),
                data.items.empty() ? "" : data.items[s.item].title.c_str(), s.score);
  }
  return Status::Ok();
}

}  // namespace

void AddRecommendCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RecommendArgs>();
  CLI::App* cmd = app.add_subcommand("recommend", "top-N recommendations for one user");
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_option("--model", args->model_path, "model file from `encore train`")->required();
  cmd->add_option("--user", args->user, "external user id")->required();
  cmd->add_option("-n", args->n, "number of items")->check(CLI::Range(1, 10000))->capture_default_str();
  cmd->add_flag("--json", args->json, "print JSON");
  cmd->add_flag("--include-seen", args->include_seen, "do not hide items the user already consumed");
  cmd->callback([args, exit_code] { *exit_code = Report("recommend", RunRecommend(*args)); });
}

}  // namespace encore::cli
