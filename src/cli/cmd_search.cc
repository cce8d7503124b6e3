// encore search --db PATH "QUERY" [--user ID] [-n 10] [--json] [--vectors FILE] [--no-embeddings]
//
// Intent search (content/text/search.h): the query is parsed into genre, kind
// and language filters and mood expansions, items are ranked by BM25 plus
// word-embedding similarity, and a known user's history personalises the order.
// Without --vectors, fastText vectors are trained on the catalogue at start-up
// (a few seconds on 10k items).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "content/text/search.h"
#include "store/dataset.h"

namespace encore::cli {
namespace {

struct SearchArgs {
  std::string db;
  std::string query;
  std::string user;
  std::string vectors;
  int n = 10;
  bool json = false;
  bool no_embeddings = false;
  RunContext run;
};

Status RunSearch(const SearchArgs& args) {
  // Bad queries fail before the store is read and vectors are trained.
  ENCORE_RETURN_IF_ERROR(text::ValidateQuery(args.query));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDatasetWithMedia(*store, DatasetOptions{}, /*with_tags=*/true));
  if (data.items.empty()) return FailedPrecondition("the store " + args.db + " has no items; import a catalogue first");
  std::vector<ItemIdx> history;
  if (!args.user.empty()) {
    StatusOr<UserIdx> found = store->FindUser(args.user);
    if (!found.ok()) {
      return InvalidArgument("--user: " + found.status().message() + " (external user ids, as imported)");
    }
    const UserIdx user = *found;
    if (user < data.interactions.n_users()) {
      const auto row = data.interactions.Row(user);
      const auto weights = data.interactions.RowWeights(user);
      for (size_t k = 0; k < row.size(); ++k) if (weights[k] > 0) history.push_back(row[k]);
    }
  }
  text::SearchOptions options;
  options.use_embeddings = !args.no_embeddings;
  options.vectors_path = args.vectors;
  ENCORE_ASSIGN_OR_RETURN(text::SearchEngine engine,
                          text::SearchEngine::Build(data.items, &data.item_deleted, options, args.run));
  text::ParsedQuery parsed;
  ENCORE_ASSIGN_OR_RETURN(std::vector<text::SearchHit> hits, engine.Search(args.query, history, args.n, &parsed));
  if (args.json) {
    nlohmann::json out;
    out["query"] = args.query;
    out["filters"] = {{"genres", parsed.genres},
                      {"kind", parsed.kind ? std::string(ItemKindName(*parsed.kind)) : ""},
                      {"language", parsed.language},
                      {"moods", parsed.moods}};
    out["personalised"] = !history.empty();
    out["items"] = nlohmann::json::array();
    for (const text::SearchHit& hit : hits) {
      const Item& item = data.items[hit.item];
      out["items"].push_back({{"id", data.item_ids[hit.item]}, {"title", item.title}, {"genres", item.genres}, {"tags", item.tags},
                              {"score", hit.score}, {"bm25", hit.bm25}, {"embedding", hit.embedding},
                              {"profile", hit.profile}});
    }
    // Titles come from user data: replace invalid UTF-8 rather than throw.
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return Status::Ok();
  }
  std::string filters;
  for (const std::string& g : parsed.genres) filters += " genre=" + g;
  if (parsed.kind) filters += " kind=" + std::string(ItemKindName(*parsed.kind));
  if (!parsed.language.empty()) filters += " language=" + parsed.language;
  for (const std::string& m : parsed.moods) filters += " mood=" + m;
  std::printf("Search \"%s\"%s%s:\n", args.query.c_str(), filters.empty() ? "" : " [", filters.empty() ? "" : (filters + " ]").c_str());
  for (size_t rank = 0; rank < hits.size(); ++rank) {
    const text::SearchHit& hit = hits[rank];
    std::printf("%3zu. %-10s %-60s %.4f\n", rank + 1, data.item_ids[hit.item].c_str(), data.items[hit.item].title.c_str(),
                hit.score);
  }
  return Status::Ok();
}

}  // namespace

void AddSearchCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand("search", "free-text search with intent filters (genre, kind, language, mood)");
  cmd->add_option("query", args->query, "what to look for, e.g. \"calm piano for studying\"")->required();
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_option("--user", args->user, "external user id: personalise with her history");
  cmd->add_option("-n", args->n, "number of items")->check(CLI::Range(1, 10000))->capture_default_str();
  cmd->add_option("--vectors", args->vectors, "word vectors in word2vec/GloVe text format (default: train fastText)");
  cmd->add_flag("--no-embeddings", args->no_embeddings, "rank by BM25 (and profile) only");
  cmd->add_flag("--json", args->json, "print JSON");
  AddRunOptions(cmd, &args->run);
  cmd->callback([args, exit_code] {
    args->run.progress = false;
    *exit_code = Report("search", RunSearch(*args));
  });
}

}  // namespace encore::cli
