#include "serve/service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_set>

#include "content/video/analysis_digest.h"
#include "core/strings.h"
#include "content/video/analyzer.h"
#include "store/dataset.h"

namespace encore::serve {
namespace {

// Lists of popular and fresh items are kept this long; requests filter them.
constexpr idx_t kKeptListLength = 2000;
// Search re-ranks this many BM25 hits per requested result.
constexpr idx_t kSearchPoolFactor = 5;
constexpr idx_t kMinSearchPool = 50;
constexpr float kSearchPersonalWeight = 0.3f;
// Trending counters are rescaled once an exponent exceeds this (keeps doubles finite).
constexpr double kMaxTrendingExponent = 60.0;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A comma list from a query parameter, empty entries dropped ("a,,b" is "a,b").
std::vector<std::string> ListParam(const std::string& s) {
  std::vector<std::string> parts = SplitList(s);
  std::erase(parts, std::string());
  return parts;
}

nlohmann::json ItemJson(const Item& item) {
  return {{"id", item.id},
          {"kind", std::string(ItemKindName(item.kind))},
          {"title", item.title},
          {"description", item.description},
          {"language", item.language},
          {"genres", item.genres},
          {"tags", item.tags},
          {"duration_s", item.duration_s},
          {"media", item.media},
          {"created_at", item.created_at},
          {"attributes", item.attributes}};
}

std::shared_ptr<const std::vector<ScoredItem>> TopOf(const std::vector<float>& scores) {
  auto top = std::make_shared<std::vector<ScoredItem>>(TopK(scores, kKeptListLength));
  return top;
}

}  // namespace

Status ServiceOptions::Validate() const {
  if (max_n < 1 || max_n > 100000) return InvalidArgument("serve: max_n must be in [1, 100000]");
  if (max_batch < 1 || max_batch > 1000000) return InvalidArgument("serve: max_batch must be in [1, 1000000]");
  if (!(diversity >= 0 && diversity <= 1)) return InvalidArgument("serve: diversity must be in [0, 1]");
  if (!(trending_half_life_hours > 0)) return InvalidArgument("serve: trending half-life must be positive");
  if (threads < 1) return InvalidArgument("serve: threads must be >= 1");
  ENCORE_RETURN_IF_ERROR(weighting.Validate());
  ENCORE_RETURN_IF_ERROR(neighbours.Validate());
  return fusion.Validate();
}

Service::Service(std::unique_ptr<Store> store, ServiceOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

StatusOr<std::unique_ptr<Service>> Service::Open(std::unique_ptr<Store> store, const ServiceOptions& options) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  std::unique_ptr<Service> service(new Service(std::move(store), options));
  ENCORE_RETURN_IF_ERROR(service->LoadAll());
  return service;
}

Status Service::LoadAll() {
  DatasetOptions data_options;
  data_options.weighting = options_.weighting;
  data_options.load_analyses = false;  // served per item from the store (/api/items/{id}/analysis)
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDataset(*store_, data_options));
  for (size_t i = 0; i < data.item_ids.size(); ++i) {
    Item item = i < data.items.size() ? data.items[i] : Item{};
    if (item.id.empty()) item.id = data.item_ids[i];
    const bool deleted = i < data.item_deleted.size() && data.item_deleted[i];
    catalog_.Set(static_cast<ItemIdx>(i), std::move(item), deleted);
  }
  const Interactions& m = data.interactions;
  users_.resize(data.user_ids.size());
  std::vector<size_t> order;
  for (size_t u = 0; u < data.user_ids.size(); ++u) {
    UserState& user = users_[u];
    user.id = data.user_ids[u];
    user_index_[user.id] = static_cast<UserIdx>(u);
    if (static_cast<idx_t>(u) >= m.n_users()) continue;
    auto items = m.Row(static_cast<idx_t>(u));
    auto weights = m.RowWeights(static_cast<idx_t>(u));
    auto times = m.RowTimestamps(static_cast<idx_t>(u));
    order.resize(items.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return times[a] < times[b]; });
    for (size_t k : order) {
      user.items.push_back(items[k]);
      user.weights.push_back(weights[k]);
      user.times.push_back(times[k]);
    }
  }
  EventQuery impressions;
  impressions.types = {EventType::kImpression};
  ENCORE_ASSIGN_OR_RETURN(std::vector<EventRow> served, store_->ReadEvents(impressions));
  for (const EventRow& e : served) {
    if (e.user >= 0 && static_cast<size_t>(e.user) < users_.size()) users_[e.user].served.push_back(e.item);
  }
  for (UserState& user : users_) {
    std::sort(user.served.begin(), user.served.end());
    user.served.erase(std::unique(user.served.begin(), user.served.end()), user.served.end());
  }

  popularity_.assign(static_cast<size_t>(catalog_.size()), 0.0f);
  trending_.assign(static_cast<size_t>(catalog_.size()), 0.0);
  for (int64_t t : m.timestamps()) trending_ref_ = std::max(trending_ref_, t);
  const double half_life = options_.trending_half_life_hours * 3600.0;
  for (idx_t u = 0; u < m.n_users(); ++u) {
    auto items = m.Row(u);
    auto weights = m.RowWeights(u);
    auto times = m.RowTimestamps(u);
    for (size_t k = 0; k < items.size(); ++k) {
      if (weights[k] <= 0 || items[k] >= catalog_.size()) continue;
      popularity_[items[k]] += 1.0f;
      trending_[items[k]] += std::exp2(std::max(-kMaxTrendingExponent, static_cast<double>(times[k] - trending_ref_) / half_life));
    }
  }
  ENCORE_ASSIGN_OR_RETURN(neighbours_, BuildNeighbours());
  ENCORE_ASSIGN_OR_RETURN(media_text_, MediaText());
  ENCORE_ASSIGN_OR_RETURN(model_, BuildBundle(options_.model_path, ++model_versions_));
  return Status::Ok();
}

StatusOr<std::vector<std::string>> Service::MediaText() const {
  ENCORE_ASSIGN_OR_RETURN(std::vector<std::string> analyses, store_->AllItemData(kMediaAnalysisKey));
  for (std::string& a : analyses) {
    if (a.empty()) continue;
    video::AnalysisWords words = video::WordsOfAnalysis(nlohmann::json::parse(a, nullptr, /*allow_exceptions=*/false));
    a = std::move(words.text);
    for (const std::string& tag : words.tags) a += "\n" + tag;
  }
  return analyses;
}

StatusOr<std::shared_ptr<const ItemNeighbours>> Service::BuildNeighbours() const {
  std::vector<Interaction> pairs;
  idx_t n_users = 0, n_items = 0;
  {
    std::shared_lock lock(users_mu_);
    n_users = static_cast<idx_t>(users_.size());
    for (size_t u = 0; u < users_.size(); ++u) {
      const UserState& user = users_[u];
      if (user.deleted) continue;
      for (size_t k = 0; k < user.items.size(); ++k) {
        pairs.push_back({static_cast<UserIdx>(u), user.items[k], user.weights[k], user.times[k]});
      }
    }
  }
  {
    std::shared_lock lock(catalog_mu_);
    n_items = catalog_.size();
  }
  std::erase_if(pairs, [&](const Interaction& x) { return x.item < 0 || x.item >= n_items; });
  NeighbourOptions nopt = options_.neighbours;
  nopt.threads = options_.threads;
  ENCORE_ASSIGN_OR_RETURN(ItemNeighbours neighbours,
                          ItemNeighbours::Build(Interactions::FromTriplets(n_users, n_items, pairs), nopt));
  return std::make_shared<const ItemNeighbours>(std::move(neighbours));
}

StatusOr<std::shared_ptr<const ModelBundle>> Service::BuildBundle(const std::string& path, int64_t version) const {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> loaded, LoadModel(path));
  idx_t catalog_size = 0;
  {
    std::shared_lock lock(catalog_mu_);
    catalog_size = catalog_.size();
  }
  if (loaded->n_items() > catalog_size) {
    return FailedPrecondition("model " + path + " knows " + std::to_string(loaded->n_items()) +
                              " items but the store has " + std::to_string(catalog_size) +
                              ": was it trained on another store?");
  }
  auto bundle = std::make_shared<ModelBundle>();
  bundle->path = path;
  bundle->version = version;
  bundle->loaded_at = NowSeconds();
  if (loaded->n_items() > 0) {
    // A model that can fold in a one-item history can serve new and changed users.
    std::vector<float> probe(static_cast<size_t>(loaded->n_items()));
    const ItemIdx item = 0;
    const float weight = 1.0f;
    bundle->folds_in = loaded->ScoreHistory({&item, 1}, {&weight, 1}, probe).ok();
  }
  int dim = 0;
  std::vector<float> vectors;
  if (loaded->ItemVectors(&vectors, &dim).ok() && dim > 0 &&
      static_cast<idx_t>(vectors.size()) == loaded->n_items() * dim) {
    if (loaded->n_items() >= options_.ann_min_items) {
      HnswOptions hopt;
      hopt.threads = options_.threads;
      ENCORE_ASSIGN_OR_RETURN(bundle->index, BuildHnswIndex(vectors, dim, hopt));
    } else {
      ENCORE_ASSIGN_OR_RETURN(bundle->index, BuildExactIndex(vectors, dim));
    }
    bundle->item_vectors = std::move(vectors);
  }
  bundle->model = std::move(loaded);
  return std::shared_ptr<const ModelBundle>(std::move(bundle));
}

std::shared_ptr<const ModelBundle> Service::model() const {
  std::lock_guard lock(model_mu_);
  return model_;
}

StatusOr<std::shared_ptr<const ModelBundle>> Service::ReloadModel(const std::string& path) {
  const std::string& p = path.empty() ? options_.model_path : path;
  ENCORE_ASSIGN_OR_RETURN(auto bundle, BuildBundle(p, model_versions_.load() + 1));
  // Co-occurrence neighbours are rebuilt with it, from every event seen so far
  // (the store's and those that arrived over HTTP since the start).
  ENCORE_ASSIGN_OR_RETURN(auto neighbours, BuildNeighbours());
  // And search sees the media analyses stored since (`encore analyze --db`).
  ENCORE_ASSIGN_OR_RETURN(std::vector<std::string> media_text, MediaText());
  {
    std::lock_guard lock(model_mu_);
    model_versions_ = bundle->version;
    model_ = bundle;
    neighbours_ = std::move(neighbours);
  }
  {
    std::unique_lock catalog_lock(catalog_mu_);
    std::lock_guard lock(counters_mu_);
    media_text_ = std::move(media_text);
    text_.reset();
  }
  // Histories changed before the reload are part of no training run either:
  // keep folding them in. Nothing else to reset.
  return bundle;
}

// ---------------------------------------------------------------- catalogue

StatusOr<WriteResult> Service::PutItems(std::vector<Item> items) {
  if (static_cast<idx_t>(items.size()) > options_.max_batch) {
    return ResourceExhausted(std::to_string(items.size()) + " items in one request; the limit is " +
                             std::to_string(options_.max_batch));
  }
  // An item created through the API without a date is new now; an update
  // without one keeps the date it had.
  const int64_t now = NowSeconds();
  {
    std::shared_lock lock(catalog_mu_);
    for (Item& item : items) {
      if (item.created_at != 0) continue;
      auto known = catalog_.Find(item.id);
      item.created_at = known ? catalog_.item(*known).created_at : now;
    }
  }
  WriteBatch batch;
  batch.items = items;
  ENCORE_ASSIGN_OR_RETURN(WriteResult written, store_->Write(batch));
  std::vector<ItemIdx> idx(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ENCORE_ASSIGN_OR_RETURN(idx[i], store_->FindItem(items[i].id));
  }
  std::unique_lock lock(catalog_mu_);
  for (size_t i = 0; i < items.size(); ++i) catalog_.Set(idx[i], std::move(items[i]), false);
  return written;
}

StatusOr<nlohmann::json> Service::GetItem(const std::string& id) const {
  std::shared_lock lock(catalog_mu_);
  auto idx = catalog_.Find(id);
  if (!idx || catalog_.at(*idx).deleted) return NotFound("unknown item '" + id + "'");
  nlohmann::json out = ItemJson(catalog_.item(*idx));
  {
    std::lock_guard counters(counters_mu_);
    if (static_cast<size_t>(*idx) < popularity_.size()) out["popularity"] = popularity_[*idx];
  }
  if (!out["media"].get<std::string>().empty()) {
    auto analysis = GetItemAnalysis(id, false);
    if (analysis.ok()) out["analysis"] = std::move(*analysis);
  }
  return out;
}

StatusOr<nlohmann::json> Service::GetItemAnalysis(const std::string& id, bool full) const {
  {
    std::shared_lock lock(catalog_mu_);
    auto idx = catalog_.Find(id);
    if (!idx || catalog_.at(*idx).deleted) return NotFound("unknown item '" + id + "'");
  }
  auto stored = store_->GetItemData(id, video::kAnalysisKey);
  if (stored.status().code() == StatusCode::kNotFound) {
    return NotFound("item '" + id + "' has no media analysis (run `encore analyze --db` on the store)");
  }
  ENCORE_RETURN_IF_ERROR(stored.status());
  nlohmann::json j = nlohmann::json::parse(*stored, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return DataLoss("stored media analysis of item '" + id + "' is not a JSON object");
  return full ? j : video::AnalysisDigest(j);
}

Status Service::DeleteItem(const std::string& id) {
  {
    std::shared_lock lock(catalog_mu_);
    auto idx = catalog_.Find(id);
    if (!idx || catalog_.at(*idx).deleted) return NotFound("unknown item '" + id + "'");
  }
  ENCORE_RETURN_IF_ERROR(store_->DeleteItem(id));
  std::unique_lock lock(catalog_mu_);
  if (auto idx = catalog_.Find(id)) catalog_.MarkDeleted(*idx);
  return Status::Ok();
}

nlohmann::json Service::ListItems(idx_t offset, idx_t limit, const ItemFilter& filter, const std::string& query) const {
  nlohmann::json items = nlohmann::json::array();
  idx_t total = 0;
  std::shared_lock lock(catalog_mu_);
  for (ItemIdx item_idx = 0; item_idx < catalog_.size(); ++item_idx) {
    if (catalog_.at(item_idx).deleted || !filter.Matches(catalog_, item_idx)) continue;
    if (!query.empty()) {
      const Item& it = catalog_.item(item_idx);
      const std::string q = Lowercase(query);
      if (Lowercase(it.title).find(q) == std::string::npos && Lowercase(it.id).find(q) == std::string::npos) continue;
    }
    if (total >= offset && total < offset + limit) {
      const Item& it = catalog_.item(item_idx);
      items.push_back({{"id", it.id},
                       {"title", it.title},
                       {"kind", std::string(ItemKindName(it.kind))},
                       {"genres", it.genres},
                       {"language", it.language},
                       {"created_at", it.created_at}});
    }
    ++total;
  }
  return {{"items", items}, {"total", total}, {"offset", offset}, {"limit", limit}};
}

// -------------------------------------------------------------------- users

UserState& Service::UserSlot(UserIdx idx, const std::string& id) {
  if (static_cast<size_t>(idx) >= users_.size()) users_.resize(static_cast<size_t>(idx) + 1);
  UserState& user = users_[idx];
  if (user.id.empty()) {
    user.id = id;
    user_index_[id] = idx;
  }
  return user;
}

StatusOr<WriteResult> Service::PutUsers(std::vector<User> users) {
  if (static_cast<idx_t>(users.size()) > options_.max_batch) {
    return ResourceExhausted(std::to_string(users.size()) + " users in one request; the limit is " +
                             std::to_string(options_.max_batch));
  }
  WriteBatch batch;
  batch.users = users;
  ENCORE_ASSIGN_OR_RETURN(WriteResult written, store_->Write(batch));
  std::vector<UserIdx> idx(users.size());
  for (size_t i = 0; i < users.size(); ++i) {
    ENCORE_ASSIGN_OR_RETURN(idx[i], store_->FindUser(users[i].id));
  }
  std::unique_lock lock(users_mu_);
  for (size_t i = 0; i < users.size(); ++i) UserSlot(idx[i], users[i].id).deleted = false;
  return written;
}

StatusOr<nlohmann::json> Service::GetUser(const std::string& id, idx_t history_limit) const {
  std::vector<ItemIdx> items;
  std::vector<float> weights;
  std::vector<int64_t> times;
  UserIdx idx = kNoUser;
  bool changed = false;
  {
    std::shared_lock lock(users_mu_);
    auto it = user_index_.find(id);
    if (it == user_index_.end() || users_[it->second].deleted) return NotFound("unknown user '" + id + "'");
    idx = it->second;
    const UserState& user = users_[idx];
    items = user.items;
    weights = user.weights;
    times = user.times;
    changed = user.changed;
  }
  nlohmann::json attributes = nlohmann::json::object();
  auto stored = store_->GetUser(id);
  if (stored.ok()) {
    attributes = stored->attributes;
  } else if (stored.status().code() != StatusCode::kNotFound) {
    return stored.status();
  }
  auto bundle = model();
  nlohmann::json history = nlohmann::json::array();
  {
    std::shared_lock lock(catalog_mu_);
    for (size_t k = items.size(); k-- > 0 && static_cast<idx_t>(history.size()) < history_limit;) {
      if (!catalog_.Live(items[k])) continue;
      const Item& it = catalog_.item(items[k]);
      history.push_back({{"id", it.id},
                         {"title", it.title},
                         {"kind", std::string(ItemKindName(it.kind))},
                         {"genres", it.genres},
                         {"weight", weights[k]},
                         {"timestamp", times[k]}});
    }
  }
  return nlohmann::json{{"id", id},
                        {"attributes", attributes},
                        {"history_size", items.size()},
                        {"history", history},
                        {"known_to_model", idx < bundle->model->n_users()},
                        {"changed_since_model", changed}};
}

Status Service::DeleteUser(const std::string& id) {
  {
    std::shared_lock lock(users_mu_);
    auto it = user_index_.find(id);
    if (it == user_index_.end() || users_[it->second].deleted) return NotFound("unknown user '" + id + "'");
  }
  ENCORE_RETURN_IF_ERROR(store_->DeleteUser(id));
  std::unique_lock lock(users_mu_);
  UserState& user = users_[user_index_[id]];
  user.deleted = true;
  user.changed = true;
  user.items.clear();
  user.weights.clear();
  user.times.clear();
  user.served.clear();
  return Status::Ok();
}

nlohmann::json Service::ListUsers(idx_t offset, idx_t limit) const {
  nlohmann::json users = nlohmann::json::array();
  idx_t total = 0;
  std::shared_lock lock(users_mu_);
  for (const UserState& user : users_) {
    if (user.id.empty() || user.deleted) continue;
    if (total >= offset && total < offset + limit) {
      users.push_back({{"id", user.id}, {"history_size", user.items.size()}});
    }
    ++total;
  }
  return {{"users", users}, {"total", total}, {"offset", offset}, {"limit", limit}};
}

// ------------------------------------------------------------------- events

void Service::CountEvent(ItemIdx item, float old_weight, float new_weight, int64_t timestamp) {
  std::lock_guard lock(counters_mu_);
  if (static_cast<size_t>(item) >= popularity_.size()) {
    popularity_.resize(static_cast<size_t>(item) + 1, 0.0f);
    trending_.resize(static_cast<size_t>(item) + 1, 0.0);
  }
  if (old_weight <= 0 && new_weight > 0) popularity_[item] += 1.0f;
  if (old_weight > 0 && new_weight <= 0) popularity_[item] = std::max(0.0f, popularity_[item] - 1.0f);
  if (new_weight > old_weight) {
    const double half_life = options_.trending_half_life_hours * 3600.0;
    double exponent = static_cast<double>(timestamp - trending_ref_) / half_life;
    if (exponent > kMaxTrendingExponent) {
      const double scale = std::exp2(-exponent);
      for (double& t : trending_) t *= scale;
      trending_ref_ = timestamp;
      exponent = 0;
    }
    trending_[item] += std::exp2(std::max(-kMaxTrendingExponent, exponent));
  }
  popular_dirty_ = true;
}

void Service::ApplyEvent(UserState& user, ItemIdx item, const Event& event) {
  user.deleted = false;
  if (event.type == EventType::kImpression) {
    if (std::find(user.served.begin(), user.served.end(), item) == user.served.end()) user.served.push_back(item);
  }
  EventRow row;
  row.item = item;
  row.type = event.type;
  row.value = static_cast<float>(event.value);
  row.timestamp = event.timestamp;
  const float w = EventWeight(row, options_.weighting);
  if (w == 0.0f) return;
  float old_weight = 0;
  float new_weight = w;
  auto it = std::find(user.items.begin(), user.items.end(), item);
  if (it != user.items.end()) {
    const size_t pos = static_cast<size_t>(it - user.items.begin());
    old_weight = user.weights[pos];
    new_weight = old_weight + w;
    const int64_t t = std::max(user.times[pos], event.timestamp);
    user.items.erase(user.items.begin() + static_cast<std::ptrdiff_t>(pos));
    user.weights.erase(user.weights.begin() + static_cast<std::ptrdiff_t>(pos));
    user.times.erase(user.times.begin() + static_cast<std::ptrdiff_t>(pos));
    user.items.push_back(item);  // the latest interaction moves to the end
    user.weights.push_back(new_weight);
    user.times.push_back(t);
  } else {
    user.items.push_back(item);
    user.weights.push_back(w);
    user.times.push_back(event.timestamp);
  }
  user.changed = true;
  CountEvent(item, old_weight, new_weight, event.timestamp);
}

StatusOr<WriteResult> Service::AddEvents(std::vector<Event> events) {
  if (events.empty()) return InvalidArgument("no events given");
  if (static_cast<idx_t>(events.size()) > options_.max_batch) {
    return ResourceExhausted(std::to_string(events.size()) + " events in one request; the limit is " +
                             std::to_string(options_.max_batch) + ": split the batch");
  }
  const int64_t now = NowSeconds();
  std::vector<ItemIdx> items(events.size());
  {
    std::shared_lock lock(catalog_mu_);
    for (size_t i = 0; i < events.size(); ++i) {
      auto idx = catalog_.Find(events[i].item);
      if (!idx || catalog_.at(*idx).deleted) {
        return NotFound("event " + std::to_string(i) + ": unknown item '" + events[i].item +
                        "' (create it with POST /api/items first)");
      }
      items[i] = *idx;
      if (events[i].timestamp == 0) events[i].timestamp = now;
    }
  }
  WriteBatch batch;
  batch.events = events;
  ENCORE_ASSIGN_OR_RETURN(WriteResult written, store_->Write(batch));
  // Committed: from here on the events are durable; make them visible.
  std::vector<UserIdx> user_idx(events.size(), kNoUser);
  {
    std::shared_lock lock(users_mu_);
    for (size_t i = 0; i < events.size(); ++i) {
      auto it = user_index_.find(events[i].user);
      if (it != user_index_.end()) user_idx[i] = it->second;
    }
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (user_idx[i] == kNoUser) {
      ENCORE_ASSIGN_OR_RETURN(user_idx[i], store_->FindUser(events[i].user));
    }
  }
  {
    std::unique_lock lock(users_mu_);
    for (size_t i = 0; i < events.size(); ++i) ApplyEvent(UserSlot(user_idx[i], events[i].user), items[i], events[i]);
  }
  metrics_.AddEvents(written.events_written);
  return written;
}

// ---------------------------------------------------------- recommendations

std::shared_ptr<const std::vector<ScoredItem>> Service::PopularList(bool by_trending) {
  std::lock_guard lock(counters_mu_);
  if (popular_dirty_ || !popular_cache_) {
    popular_cache_ = TopOf(popularity_);
    std::vector<float> trend(trending_.begin(), trending_.end());
    trending_cache_ = TopOf(trend);
    popular_dirty_ = false;
  }
  return by_trending ? trending_cache_ : popular_cache_;
}

std::shared_ptr<const std::vector<ScoredItem>> Service::FreshList() {
  std::shared_lock catalog_lock(catalog_mu_);
  std::lock_guard lock(counters_mu_);
  if (fresh_cache_ && fresh_version_ == catalog_.version()) return fresh_cache_;
  // Newest first; ties (same second) by later index; undated items last.
  std::vector<ItemIdx> order;
  for (ItemIdx item_idx = 0; item_idx < catalog_.size(); ++item_idx) {
    if (!catalog_.at(item_idx).deleted) order.push_back(item_idx);
  }
  auto newer = [this](ItemIdx a, ItemIdx b) {
    const int64_t ta = catalog_.item(a).created_at, tb = catalog_.item(b).created_at;
    return ta != tb ? ta > tb : a > b;
  };
  const size_t keep = std::min(order.size(), static_cast<size_t>(kKeptListLength));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), newer);
  auto list = std::make_shared<std::vector<ScoredItem>>();
  for (size_t k = 0; k < keep; ++k) {
    list->push_back({order[k], static_cast<float>(catalog_.item(order[k]).created_at)});
  }
  fresh_cache_ = std::move(list);
  fresh_version_ = catalog_.version();
  return fresh_cache_;
}

std::shared_ptr<const TextIndex> Service::Text() {
  std::shared_lock catalog_lock(catalog_mu_);
  std::lock_guard lock(counters_mu_);
  if (!text_ || text_->catalog_version() != catalog_.version()) {
    text_ = std::make_shared<const TextIndex>(TextIndex::Build(catalog_, {}, media_text_));
  }
  return text_;
}

StatusOr<RecommendOutput> Service::RecommendFor(UserIdx model_user, std::vector<ItemIdx> history,
                                                std::vector<float> weights, std::vector<ItemIdx> served,
                                                const RecommendRequest& request) {
  RecommendOutput out;
  out.model = model();
  std::shared_ptr<const ItemNeighbours> neighbours;
  {
    std::lock_guard lock(model_mu_);
    neighbours = neighbours_;
  }
  auto popular = PopularList(false);
  auto fresh = FreshList();
  const ModelBundle& bundle = *out.model;
  UserView view;
  view.model = bundle.model.get();
  view.model_user = model_user;
  view.index = bundle.index && bundle.model->n_items() >= options_.ann_min_items ? bundle.index.get() : nullptr;
  view.history = history;
  view.weights = weights;
  view.served = served;
  if (model_user == kNoUser && !bundle.folds_in) view.model = nullptr;  // it cannot score this history
  RankContext ctx;
  ctx.neighbours = neighbours.get();
  ctx.popular = *popular;
  ctx.fresh = *fresh;
  ctx.fusion = options_.fusion;
  std::shared_lock lock(catalog_mu_);
  ctx.catalog = &catalog_;
  ENCORE_ASSIGN_OR_RETURN(out.result, encore::Recommend(ctx, view, request));
  return out;
}

StatusOr<RecommendOutput> Service::Recommend(const std::string& user_id, const RecommendRequest& request) {
  std::vector<ItemIdx> history, served;
  std::vector<float> weights;
  UserIdx idx = kNoUser;
  bool changed = false;
  {
    std::shared_lock lock(users_mu_);
    auto it = user_index_.find(user_id);
    if (it != user_index_.end() && !users_[it->second].deleted) {
      idx = it->second;
      const UserState& user = users_[idx];
      history = user.items;
      weights = user.weights;
      served = user.served;
      changed = user.changed;
    }
  }
  auto bundle = model();
  UserIdx model_user = kNoUser;
  if (idx != kNoUser && idx < bundle->model->n_users() && !(changed && bundle->folds_in)) model_user = idx;
  if (idx == kNoUser) {
    // Unknown user: popular and fresh only, said so.
    ENCORE_ASSIGN_OR_RETURN(RecommendOutput out, RecommendFor(kNoUser, {}, {}, {}, request));
    out.result.fallback = true;
    return out;
  }
  ENCORE_ASSIGN_OR_RETURN(RecommendOutput out,
                          RecommendFor(model_user, std::move(history), std::move(weights), std::move(served), request));
  out.known_user = true;
  return out;
}

Status Service::WriteBack(const std::string& user, const std::vector<ItemIdx>& items) {
  if (items.empty()) return Status::Ok();
  std::vector<Event> events;
  const int64_t now = NowSeconds();
  {
    std::shared_lock lock(catalog_mu_);
    for (ItemIdx item : items) {
      if (!catalog_.Live(item)) continue;
      Event e;
      e.user = user;
      e.item = catalog_.item(item).id;
      e.type = EventType::kImpression;
      e.timestamp = now;
      events.push_back(std::move(e));
    }
  }
  if (events.empty()) return Status::Ok();
  return AddEvents(std::move(events)).status();
}

StatusOr<RecommendOutput> Service::RecommendSession(const std::vector<std::string>& items,
                                                    const RecommendRequest& request) {
  std::vector<ItemIdx> history;
  {
    std::shared_lock lock(catalog_mu_);
    for (const std::string& id : items) {
      auto idx = catalog_.Find(id);
      if (!idx || catalog_.at(*idx).deleted) return NotFound("unknown item '" + id + "' in the session");
      history.push_back(*idx);
    }
  }
  std::vector<float> weights(history.size(), 1.0f);
  ENCORE_ASSIGN_OR_RETURN(RecommendOutput out, RecommendFor(kNoUser, std::move(history), std::move(weights), {}, request));
  return out;
}

StatusOr<std::vector<ScoredItem>> Service::Similar(const std::string& item, idx_t n, const ItemFilter& filter) {
  auto bundle = model();
  std::shared_ptr<const ItemNeighbours> neighbours;
  {
    std::lock_guard lock(model_mu_);
    neighbours = neighbours_;
  }
  std::shared_lock lock(catalog_mu_);
  auto idx = catalog_.Find(item);
  if (!idx || catalog_.at(*idx).deleted) return NotFound("unknown item '" + item + "'");
  RankContext ctx;
  ctx.catalog = &catalog_;
  ctx.neighbours = neighbours.get();
  return SimilarItems(ctx, bundle->item_vectors, bundle->index.get(), *idx, n, filter);
}

std::vector<ScoredItem> Service::Popular(idx_t n, const ItemFilter& filter, bool by_trending) {
  auto list = PopularList(by_trending);
  std::shared_lock lock(catalog_mu_);
  const ItemMask mask = BuildExclusionMask(catalog_, filter, {});
  return FilterList(*list, n, mask.span());
}

std::vector<ScoredItem> Service::Latest(idx_t n, const ItemFilter& filter) {
  auto list = FreshList();
  std::shared_lock lock(catalog_mu_);
  const ItemMask mask = BuildExclusionMask(catalog_, filter, {});
  std::vector<ScoredItem> out = FilterList(*list, n, mask.span());
  for (ScoredItem& s : out) s.score = static_cast<float>(catalog_.item(s.item).created_at);
  return out;
}

StatusOr<std::vector<ScoredItem>> Service::Search(const std::string& query, const std::string& user_id, idx_t n,
                                                  const ItemFilter& filter, bool* personalised) {
  *personalised = false;
  auto text = Text();
  std::vector<ScoredItem> hits;
  {
    std::shared_lock lock(catalog_mu_);
    const ItemMask mask = BuildExclusionMask(catalog_, filter, {});
    hits = text->Search(query, std::max(kMinSearchPool, n * kSearchPoolFactor), mask.span());
  }
  if (!user_id.empty() && hits.size() > 1) {
    // Personalise: blend min-max normalised BM25 with the user's CF scores.
    std::vector<ItemIdx> history;
    std::vector<float> weights;
    UserIdx idx = kNoUser;
    bool changed = false;
    {
      std::shared_lock lock(users_mu_);
      auto it = user_index_.find(user_id);
      if (it != user_index_.end() && !users_[it->second].deleted) {
        idx = it->second;
        history = users_[idx].items;
        weights = users_[idx].weights;
        changed = users_[idx].changed;
      }
    }
    auto bundle = model();
    const Recommender& m = *bundle->model;
    std::vector<float> cf(static_cast<size_t>(m.n_items()));
    Status scored = Unimplemented("");
    if (idx != kNoUser && idx < m.n_users() && !(changed && bundle->folds_in)) {
      scored = m.ScoreAll(idx, cf);
    } else if (idx != kNoUser && bundle->folds_in && !history.empty()) {
      std::vector<ItemIdx> h;
      std::vector<float> w;
      for (size_t k = 0; k < history.size(); ++k) {
        if (history[k] < m.n_items()) {
          h.push_back(history[k]);
          w.push_back(weights[k]);
        }
      }
      scored = m.ScoreHistory(h, w, cf);
    }
    if (scored.ok()) {
      float bmin = hits.back().score, bmax = hits.front().score;
      float cmin = INFINITY, cmax = -INFINITY;
      for (const ScoredItem& s : hits) {
        if (s.item < m.n_items() && std::isfinite(cf[s.item])) {
          cmin = std::min(cmin, cf[s.item]);
          cmax = std::max(cmax, cf[s.item]);
        }
      }
      for (ScoredItem& s : hits) {
        const float b = bmax > bmin ? (s.score - bmin) / (bmax - bmin) : 1.0f;
        const float c = s.item < m.n_items() && std::isfinite(cf[s.item]) && cmax > cmin
                            ? (cf[s.item] - cmin) / (cmax - cmin)
                            : 0.0f;
        s.score = b + kSearchPersonalWeight * c;
      }
      std::stable_sort(hits.begin(), hits.end(), [](const ScoredItem& a, const ScoredItem& b) { return a.score > b.score; });
      *personalised = true;
    }
  }
  if (static_cast<idx_t>(hits.size()) > n) hits.resize(static_cast<size_t>(n));
  return hits;
}

// ---------------------------------------------------------------- rendering

StatusOr<ItemFilter> Service::MakeFilter(const std::string& kinds, const std::string& genres,
                                         const std::string& languages, const std::string& exclude) const {
  ItemFilter filter;
  for (const std::string& k : ListParam(kinds)) {
    auto kind = ParseItemKind(k);
    if (!kind.ok()) return InvalidArgument("kind: " + kind.status().message());
    filter.kinds.push_back(*kind);
  }
  filter.genres = ListParam(genres);
  filter.languages = ListParam(languages);
  std::shared_lock lock(catalog_mu_);
  for (const std::string& id : ListParam(exclude)) {
    if (auto idx = catalog_.Find(id)) filter.exclude.push_back(*idx);
  }
  return filter;
}

nlohmann::json Service::ItemSummary(ItemIdx item) const {
  std::shared_lock lock(catalog_mu_);
  const Item& it = catalog_.item(item);
  return {{"id", it.id}, {"title", it.title}, {"kind", std::string(ItemKindName(it.kind))}, {"genres", it.genres}};
}

nlohmann::json Service::RenderRanked(const RecommendResult& result) const {
  nlohmann::json items = nlohmann::json::array();
  std::shared_lock lock(catalog_mu_);
  for (const RankedItem& r : result.items) {
    const Item& it = catalog_.item(r.item);
    nlohmann::json sources = nlohmann::json::array();
    for (int s = 0; s < kNumSources; ++s) {
      if ((r.sources >> s) & 1u) sources.push_back(std::string(SourceName(static_cast<Source>(s))));
    }
    nlohmann::json j = {{"id", it.id},
                        {"title", it.title},
                        {"kind", std::string(ItemKindName(it.kind))},
                        {"genres", it.genres},
                        {"score", r.score},
                        {"sources", sources}};
    if (r.explanation) {
      nlohmann::json because = nlohmann::json::array();
      for (ItemIdx b : r.explanation->because) {
        because.push_back({{"id", catalog_.item(b).id}, {"title", catalog_.item(b).title}});
      }
      j["explanation"] = {{"reason", r.explanation->reason},
                          {"text", r.explanation->text},
                          {"because", because},
                          {"shared", r.explanation->shared}};
    }
    items.push_back(std::move(j));
  }
  return items;
}

nlohmann::json Service::RenderScored(const std::vector<ScoredItem>& list) const {
  nlohmann::json items = nlohmann::json::array();
  std::shared_lock lock(catalog_mu_);
  for (const ScoredItem& s : list) {
    const Item& it = catalog_.item(s.item);
    items.push_back({{"id", it.id},
                     {"title", it.title},
                     {"kind", std::string(ItemKindName(it.kind))},
                     {"genres", it.genres},
                     {"score", s.score}});
  }
  return items;
}

nlohmann::json Service::Stats() const {
  idx_t live_items = 0, n_users = 0;
  {
    std::shared_lock lock(catalog_mu_);
    for (ItemIdx i = 0; i < catalog_.size(); ++i) live_items += catalog_.at(i).deleted ? 0 : 1;
  }
  {
    std::shared_lock lock(users_mu_);
    for (const UserState& u : users_) n_users += (!u.id.empty() && !u.deleted) ? 1 : 0;
  }
  auto bundle = model();
  return {{"items", live_items},
          {"users", n_users},
          {"model", {{"name", bundle->model->Name()},
                     {"path", bundle->path},
                     {"version", bundle->version},
                     {"loaded_at", bundle->loaded_at},
                     {"folds_in", bundle->folds_in},
                     {"vector_index", bundle->index ? bundle->index->Name() : "none"},
                     {"n_users", bundle->model->n_users()},
                     {"n_items", bundle->model->n_items()}}},
          {"metrics", metrics_.Summary()}};
}

std::string Service::PrometheusGauges() const {
  auto bundle = model();
  nlohmann::json stats = Stats();
  std::string out;
  out += "# HELP encore_model_version Version of the model in service (1 + successful reloads).\n";
  out += "# TYPE encore_model_version gauge\n";
  out += "encore_model_version{model=\"" + bundle->model->Name() + "\"} " + std::to_string(bundle->version) + "\n";
  out += "# HELP encore_model_loaded_timestamp_seconds When the model in service was loaded.\n";
  out += "# TYPE encore_model_loaded_timestamp_seconds gauge\n";
  out += "encore_model_loaded_timestamp_seconds " + std::to_string(bundle->loaded_at) + "\n";
  out += "# HELP encore_catalog_items Live items in the catalogue.\n# TYPE encore_catalog_items gauge\n";
  out += "encore_catalog_items " + std::to_string(stats["items"].get<idx_t>()) + "\n";
  out += "# HELP encore_users Known users.\n# TYPE encore_users gauge\n";
  out += "encore_users " + std::to_string(stats["users"].get<idx_t>()) + "\n";
  return out;
}

}  // namespace encore::serve
