// Service: everything `encore serve` knows and does, without sockets: the
// catalogue, users' live histories, popularity/trending counters, the current
// model (swapped atomically on reload), and the operations behind each API
// route. The HTTP layer (http_server.h) only parses requests and renders
// results.
//
// Real time: an event is written to the store first (one transaction); once it
// committed, the user's in-memory history, the served list and the counters
// are updated, so the very next request sees it. Users whose history changed
// since the model was trained are scored by folding the history in
// (Recommender::ScoreHistory) when the model can; item neighbours and the
// no-repeat rule react to new events for every model.
//
// Thread-safety: every public method may be called concurrently. Readers never
// block each other; writers hold short exclusive locks after the store commit.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/records.h"
#include "core/status.h"
#include "core/weighting.h"
#include "models/recommender.h"
#include "rank/catalog.h"
#include "rank/neighbours.h"
#include "rank/recommend.h"
#include "rank/text_search.h"
#include "retrieve/vector_index.h"
#include "serve/metrics.h"
#include "store/store.h"

namespace encore::serve {

struct ServiceOptions {
  std::string model_path;            // model file loaded at start and by reload without a path
  WeightingOptions weighting;        // must match training for folded-in histories to make sense
  idx_t max_n = 1000;                // largest n (and offset + n) a request may ask for
  idx_t max_batch = 10000;           // most items/users/events in one write request
  float diversity = 0.2f;            // default MMR diversity (0 = relevance only)
  double trending_half_life_hours = 24;  // decay of the trending counters
  idx_t ann_min_items = 20000;       // use the HNSW index for CF when the model has vectors and at least this many items
  NeighbourOptions neighbours;       // item-to-item co-occurrence neighbours
  FusionOptions fusion;
  int threads = 2;                   // for building neighbours and indexes

  Status Validate() const;
};

// The model in service. Immutable once published; replaced whole on reload.
struct ModelBundle {
  std::shared_ptr<const Recommender> model;
  std::string path;
  int64_t version = 0;                   // 1, 2, ... per successful (re)load
  int64_t loaded_at = 0;                 // unix seconds
  bool folds_in = false;                 // ScoreHistory works (real-time updates of known users, new users)
  std::vector<float> item_vectors;       // [n_items, dim] when the model has them
  std::unique_ptr<VectorIndex> index;    // over item_vectors, when used
};

// One user's in-memory state.
struct UserState {
  std::string id;
  bool deleted = false;
  bool changed = false;            // events arrived since the model was loaded
  std::vector<ItemIdx> items;      // history in time order (latest last), one entry per item
  std::vector<float> weights;      // aggregated weights (core/weighting.h)
  std::vector<int64_t> times;      // latest event time per entry
  std::vector<ItemIdx> served;     // written-back impressions
};

struct RecommendOutput {
  RecommendResult result;
  bool known_user = false;
  std::shared_ptr<const ModelBundle> model;
};

class Service {
 public:
  // Loads the catalogue, users and events from `store` and the model from
  // options.model_path (FailedPrecondition when it does not fit the store).
  static StatusOr<std::unique_ptr<Service>> Open(std::unique_ptr<Store> store, const ServiceOptions& options);

  const ServiceOptions& options() const { return options_; }
  Metrics& metrics() { return metrics_; }
  std::shared_ptr<const ModelBundle> model() const;

  // --- catalogue and users (single and bulk; upserts by external id) ---
  StatusOr<WriteResult> PutItems(std::vector<Item> items);
  // With "analysis" (video::AnalysisDigest) when `encore analyze --db` stored one.
  StatusOr<nlohmann::json> GetItem(const std::string& id) const;
  // The stored media analysis of an item: its digest (tags, transcript
  // excerpt, summary, key, tempo, shots), or with `full` the whole stored
  // JSON (docs/media.md). NotFound for an unknown item or one not analysed.
  StatusOr<nlohmann::json> GetItemAnalysis(const std::string& id, bool full) const;
  Status DeleteItem(const std::string& id);
  // Live items, paged, optionally filtered; total in "total".
  nlohmann::json ListItems(idx_t offset, idx_t limit, const ItemFilter& filter, const std::string& query) const;
  StatusOr<WriteResult> PutUsers(std::vector<User> users);
  // Attributes and the latest `history_limit` history entries, newest first.
  StatusOr<nlohmann::json> GetUser(const std::string& id, idx_t history_limit) const;
  Status DeleteUser(const std::string& id);
  nlohmann::json ListUsers(idx_t offset, idx_t limit) const;

  // --- events: acknowledged (OK) only after the store committed them ---
  StatusOr<WriteResult> AddEvents(std::vector<Event> events);

  // --- recommendations ---
  // Unknown users get popular/fresh items with result.fallback = true.
  StatusOr<RecommendOutput> Recommend(const std::string& user, const RecommendRequest& request);
  // Records `items` as served to `user` (impression events), so they are not repeated.
  Status WriteBack(const std::string& user, const std::vector<ItemIdx>& items);
  // An anonymous session known by its recent items (external ids, time order).
  StatusOr<RecommendOutput> RecommendSession(const std::vector<std::string>& items, const RecommendRequest& request);
  StatusOr<std::vector<ScoredItem>> Similar(const std::string& item, idx_t n, const ItemFilter& filter);
  // by_trending: decayed recent counts instead of all-time counts.
  std::vector<ScoredItem> Popular(idx_t n, const ItemFilter& filter, bool by_trending);
  std::vector<ScoredItem> Latest(idx_t n, const ItemFilter& filter);
  // BM25 over the catalogue; with a user, re-ranked by the user's CF scores.
  StatusOr<std::vector<ScoredItem>> Search(const std::string& query, const std::string& user, idx_t n,
                                           const ItemFilter& filter, bool* personalised);

  // --- admin ---
  // Loads `path` (empty = options.model_path) and swaps it in; requests in
  // flight keep the model they started with.
  StatusOr<std::shared_ptr<const ModelBundle>> ReloadModel(const std::string& path);

  // Parses filter query values (comma-separated) into an ItemFilter; unknown
  // kinds are InvalidArgument, unknown exclude ids are ignored.
  StatusOr<ItemFilter> MakeFilter(const std::string& kinds, const std::string& genres, const std::string& languages,
                                  const std::string& exclude) const;

  // Renders items (by index) as JSON objects with the catalogue fields the
  // dashboard and clients need.
  nlohmann::json ItemSummary(ItemIdx item) const;
  nlohmann::json RenderRanked(const RecommendResult& result) const;
  nlohmann::json RenderScored(const std::vector<ScoredItem>& items) const;

  nlohmann::json Stats() const;
  // Extra Prometheus lines: model version, catalogue and user gauges.
  std::string PrometheusGauges() const;

 private:
  Service(std::unique_ptr<Store> store, ServiceOptions options);
  Status LoadAll();
  StatusOr<std::shared_ptr<const ModelBundle>> BuildBundle(const std::string& path, int64_t version) const;
  // Item co-occurrence neighbours over the users' current histories (store + live events).
  StatusOr<std::shared_ptr<const ItemNeighbours>> BuildNeighbours() const;
  // Per item, the words of its stored media analysis for the search index ("" when none).
  StatusOr<std::vector<std::string>> MediaText() const;
  // REQUIRES: users_mu_ held exclusively.
  UserState& UserSlot(UserIdx idx, const std::string& id);
  void ApplyEvent(UserState& user, ItemIdx item, const Event& event);
  void CountEvent(ItemIdx item, float old_weight, float new_weight, int64_t timestamp);
  std::shared_ptr<const std::vector<ScoredItem>> PopularList(bool by_trending);
  std::shared_ptr<const std::vector<ScoredItem>> FreshList();
  std::shared_ptr<const TextIndex> Text();
  StatusOr<RecommendOutput> RecommendFor(UserIdx model_user, std::vector<ItemIdx> history, std::vector<float> weights,
                                         std::vector<ItemIdx> served, const RecommendRequest& request);

  std::unique_ptr<Store> store_;
  ServiceOptions options_;
  Metrics metrics_;

  mutable std::mutex model_mu_;
  std::shared_ptr<const ModelBundle> model_;
  std::atomic<int64_t> model_versions_{0};
  std::shared_ptr<const ItemNeighbours> neighbours_;  // guarded by model_mu_

  mutable std::shared_mutex catalog_mu_;
  Catalog catalog_;
  std::vector<std::string> media_text_;  // by item index, for search; guarded by catalog_mu_

  mutable std::shared_mutex users_mu_;
  std::vector<UserState> users_;  // by store index
  std::unordered_map<std::string, UserIdx> user_index_;

  mutable std::mutex counters_mu_;
  std::vector<float> popularity_;  // positive users per item
  std::vector<double> trending_;   // sum of 2^((t - trending_ref_) / half-life)
  int64_t trending_ref_ = 0;
  bool popular_dirty_ = true;
  std::shared_ptr<const std::vector<ScoredItem>> popular_cache_, trending_cache_;
  uint64_t fresh_version_ = ~0ull;
  std::shared_ptr<const std::vector<ScoredItem>> fresh_cache_;
  std::shared_ptr<const TextIndex> text_;
};

}  // namespace encore::serve
