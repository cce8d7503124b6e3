// encore stats --db PATH [--json] [--top N]
#include <algorithm>
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "store/store.h"

namespace encore::cli {
namespace {

struct StatsArgs {
  std::string db;
  bool json = false;
  int top = 10;
};

struct TopItem {
  std::string id;
  std::string title;
  idx_t users = 0;
};

Status RunStats(const StatsArgs& args) {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenExistingStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(StoreStats stats, store->Stats());
  ENCORE_ASSIGN_OR_RETURN(std::vector<EventRow> events, store->ReadEvents());
  ENCORE_ASSIGN_OR_RETURN(std::vector<std::string> item_ids, store->ItemIds());

  // Distinct (user, item) pairs: the matrix's non-zeros and each item's audience.
  std::vector<std::pair<UserIdx, ItemIdx>> pairs;
  pairs.reserve(events.size());
  for (const EventRow& e : events) pairs.emplace_back(e.user, e.item);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<idx_t> audience(item_ids.size(), 0);
  for (auto [user, item] : pairs) {
    if (item >= 0 && static_cast<size_t>(item) < audience.size()) ++audience[item];
  }
  std::vector<ItemIdx> order(item_ids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<ItemIdx>(i);
  size_t n_top = std::min(order.size(), static_cast<size_t>(std::max(args.top, 0)));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_top), order.end(),
                    [&](ItemIdx a, ItemIdx b) { return audience[a] != audience[b] ? audience[a] > audience[b] : a < b; });
  std::vector<TopItem> top;
  for (size_t k = 0; k < n_top && audience[order[k]] > 0; ++k) {
    TopItem t;
    t.id = item_ids[order[k]];
    t.users = audience[order[k]];
    auto item = store->GetItem(t.id);
    if (item.ok()) t.title = item->title;
    top.push_back(std::move(t));
  }
  double cells = static_cast<double>(stats.n_users) * static_cast<double>(stats.n_items);
  double density = cells > 0 ? static_cast<double>(pairs.size()) / cells : 0.0;

  if (args.json) {
    nlohmann::json j;
    j["users"] = stats.n_users;
    j["items"] = stats.n_items;
    j["items_deleted"] = stats.n_items_deleted;
    j["events"] = stats.n_events;
    j["links"] = stats.n_links;
    j["user_item_pairs"] = pairs.size();
    j["density"] = density;
    j["sparsity"] = 1.0 - density;
    j["events_per_type"] = nlohmann::json::object();
    for (auto [type, count] : stats.events_per_type) j["events_per_type"][std::string(EventTypeName(type))] = count;
    j["first_timestamp"] = stats.first_timestamp;
    j["last_timestamp"] = stats.last_timestamp;
    j["top_items"] = nlohmann::json::array();
    for (const TopItem& t : top) j["top_items"].push_back({{"id", t.id}, {"title", t.title}, {"users", t.users}});
    std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return Status::Ok();
  }
  std::printf("store %s\n", args.db.c_str());
  std::printf("  users:  %lld\n", static_cast<long long>(stats.n_users));
  std::printf("  items:  %lld (%lld deleted)\n", static_cast<long long>(stats.n_items),
              static_cast<long long>(stats.n_items_deleted));
  std::printf("  events: %lld\n", static_cast<long long>(stats.n_events));
  for (auto [type, count] : stats.events_per_type) {
    std::printf("    %-12s %lld\n", std::string(EventTypeName(type)).c_str(), static_cast<long long>(count));
  }
  std::printf("  links:  %lld\n", static_cast<long long>(stats.n_links));
  std::printf("  user-item pairs: %zu (sparsity %.4f%%)\n", pairs.size(), 100.0 * (1.0 - density));
  std::printf("  time range: %lld .. %lld (unix seconds)\n", static_cast<long long>(stats.first_timestamp),
              static_cast<long long>(stats.last_timestamp));
  if (!top.empty()) std::printf("  top items by number of users:\n");
  for (size_t k = 0; k < top.size(); ++k) {
    std::printf("    %2zu. %-10s %6lld  %s\n", k + 1, top[k].id.c_str(), static_cast<long long>(top[k].users),
                top[k].title.c_str());
  }
  return Status::Ok();
}

}  // namespace

void AddStatsCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<StatsArgs>();
  CLI::App* cmd = app.add_subcommand("stats", "counts, sparsity, events per type, time range and top items of a store");
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_flag("--json", args->json, "print one JSON object instead of text");
  cmd->add_option("--top", args->top, "how many top items to list")->capture_default_str()->check(CLI::Range(0, 1000));
  cmd->callback([args, exit_code] { *exit_code = Report("stats", RunStats(*args)); });
}

}  // namespace encore::cli
