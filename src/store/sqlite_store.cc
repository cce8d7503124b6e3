#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <numeric>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/progress.h"

namespace encore {
namespace {

// Ordered migrations: migration i (0-based) brings the schema to version i + 1.
// Never edit a released migration; append a new one.
struct Migration {
  const char* description;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {"initial schema",
     R"sql(
CREATE TABLE users(
  idx INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  attributes TEXT NOT NULL DEFAULT '{}',
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE items(
  idx INTEGER PRIMARY KEY,
  external_id TEXT NOT NULL UNIQUE,
  kind INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  genres TEXT NOT NULL DEFAULT '[]',
  tags TEXT NOT NULL DEFAULT '[]',
  duration REAL NOT NULL DEFAULT 0,
  media TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL DEFAULT 0,
  attributes TEXT NOT NULL DEFAULT '{}',
  deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE events(
  user_idx INTEGER NOT NULL,
  item_idx INTEGER NOT NULL,
  type INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL,
  device TEXT,
  session TEXT,
  seq INTEGER NOT NULL,
  PRIMARY KEY(user_idx, item_idx, type, ts)) WITHOUT ROWID;
CREATE TABLE user_links(
  from_idx INTEGER NOT NULL,
  to_idx INTEGER NOT NULL,
  PRIMARY KEY(from_idx, to_idx)) WITHOUT ROWID;
CREATE TABLE item_data(
  item_idx INTEGER NOT NULL,
  key TEXT NOT NULL,
  version INTEGER NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY(item_idx, key)) WITHOUT ROWID;
)sql"},
};

constexpr int kLatestVersion = static_cast<int>(std::size(kMigrations));
constexpr int kBusyTimeoutMs = 5000;
constexpr int kMaxEventType = static_cast<int>(EventType::kImpression);
constexpr int kMaxItemKind = static_cast<int>(ItemKind::kOther);

std::string ToJsonArray(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ToJsonObject(const std::map<std::string, std::string>& values) {
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Resets and clears a cached statement when the scope ends.
class StmtScope {
 public:
  explicit StmtScope(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtScope() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtScope(const StmtScope&) = delete;
  StmtScope& operator=(const StmtScope&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

void BindText(sqlite3_stmt* stmt, int i, const std::string& text) {
  sqlite3_bind_text(stmt, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void BindOptionalText(sqlite3_stmt* stmt, int i, const std::string& text) {
  if (text.empty()) sqlite3_bind_null(stmt, i);
  else BindText(stmt, i, text);
}

std::string ColumnText(sqlite3_stmt* stmt, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, i))) : std::string();
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  ~SqliteStore() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status Init(const SqliteStoreOptions& options);

  StatusOr<WriteResult> Write(const WriteBatch& batch) override;
  StatusOr<Item> GetItem(const std::string& id) const override;
  StatusOr<User> GetUser(const std::string& id) const override;
  Status DeleteItem(const std::string& id) override;
  Status DeleteUser(const std::string& id) override;
  StatusOr<std::vector<std::string>> UserIds() const override;
  StatusOr<std::vector<std::string>> ItemIds() const override;
  StatusOr<UserIdx> FindUser(const std::string& id) const override;
  StatusOr<ItemIdx> FindItem(const std::string& id) const override;
  StatusOr<std::vector<Item>> AllItems(std::vector<bool>* deleted) const override;
  StatusOr<std::vector<UserLink>> AllLinks() const override;
  StatusOr<std::vector<EventRow>> ReadEvents(const EventQuery& query) const override;
  StatusOr<StoreStats> Stats() const override;
  Status PutItemData(const std::string& item_id, const std::string& key, int version,
                     const std::string& value) override;
  StatusOr<std::vector<std::string>> AllItemData(const std::string& key, std::vector<int>* versions) const override;
  StatusOr<std::string> GetItemData(const std::string& item_id, const std::string& key,
                                    int* version) const override;

 private:
  // The in-memory state a failed transaction must restore.
  struct Snapshot {
    size_t n_users;
    size_t n_items;
    int64_t next_seq;
    std::vector<char> user_deleted;
    std::vector<char> item_deleted;
  };

  Status Error(const std::string& what) const;
  Status Exec(const char* sql) const;
  StatusOr<sqlite3_stmt*> Prepare(const std::string& sql) const;
  Status StepDone(sqlite3_stmt* stmt, const std::string& what) const;
  StatusOr<int64_t> QueryInt(const std::string& sql) const;
  Status Migrate();
  Status LoadIdMaps();
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; on any failure rolls the
  // database back and restores the in-memory maps.
  template <typename Body>
  Status InTransaction(Body&& body);
  Snapshot TakeSnapshot() const;
  void Restore(Snapshot&& snapshot);

  Status WriteLocked(const WriteBatch& batch, WriteResult* result);
  Status UpsertItem(const Item& item, WriteResult* result);
  Status UpsertUser(const User& user, WriteResult* result);
  StatusOr<UserIdx> EnsureUser(const std::string& id, WriteResult* result);
  StatusOr<Item> ReadItemRow(sqlite3_stmt* stmt, bool* deleted) const;

  const std::string path_;
  sqlite3* db_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, sqlite3_stmt*> statements_;
  std::vector<std::string> user_ids_;
  std::vector<std::string> item_ids_;
  std::vector<char> user_deleted_;
  std::vector<char> item_deleted_;
  std::unordered_map<std::string, UserIdx> user_index_;
  std::unordered_map<std::string, ItemIdx> item_index_;
  int64_t next_seq_ = 0;
};

Status SqliteStore::Error(const std::string& what) const {
  int code = sqlite3_errcode(db_) & 0xff;
  std::string msg = path_ + ": " + what + ": " + sqlite3_errmsg(db_);
  if (code == SQLITE_NOTADB) {
    return DataLoss(path_ + " is not a SQLite database (" + sqlite3_errmsg(db_) +
                    "); give the path of an encore store or of a new file");
  }
  if (code == SQLITE_CORRUPT) return DataLoss(msg + " (the database file is corrupt)");
  if (code == SQLITE_FULL) return ResourceExhausted(msg);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Unavailable(msg);
  if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_IOERR) return IoError(msg);
  return Internal(msg);
}

Status SqliteStore::Exec(const char* sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return Error(std::string("executing '") + sql + "'");
  }
  return Status::Ok();
}

StatusOr<sqlite3_stmt*> SqliteStore::Prepare(const std::string& sql) const {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Error("preparing '" + sql + "'");
  }
  statements_.emplace(sql, stmt);
  return stmt;
}

Status SqliteStore::StepDone(sqlite3_stmt* stmt, const std::string& what) const {
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(what);
  return Status::Ok();
}

StatusOr<int64_t> SqliteStore::QueryInt(const std::string& sql) const {
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  StmtScope scope(stmt);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return static_cast<int64_t>(sqlite3_column_int64(stmt, 0));
  if (rc == SQLITE_DONE) return int64_t{0};
  return Error("running '" + sql + "'");
}

Status SqliteStore::Init(const SqliteStoreOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // The first statement reads the file header: a non-database fails here.
  ENCORE_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
  ENCORE_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
  ENCORE_RETURN_IF_ERROR(Exec("PRAGMA temp_store=MEMORY"));
  std::string cache = "PRAGMA cache_size=-" + std::to_string(std::max(1, options.cache_mib) * 1024);
  ENCORE_RETURN_IF_ERROR(Exec(cache.c_str()));
  ENCORE_RETURN_IF_ERROR(Migrate());
  return LoadIdMaps();
}

Status SqliteStore::Migrate() {
  ENCORE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status st = [&]() -> Status {
    ENCORE_ASSIGN_OR_RETURN(int64_t has_version, QueryInt(
        "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_version'"));
    if (has_version == 0) {
      ENCORE_ASSIGN_OR_RETURN(int64_t n_tables,
                              QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE type='table'"));
      if (n_tables > 0) {
        return FailedPrecondition(path_ + " is a SQLite database but not an encore store (it has no "
                                  "schema_version table); give a new file name");
      }
      ENCORE_RETURN_IF_ERROR(Exec(
          "CREATE TABLE schema_version(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL, "
          "description TEXT NOT NULL)"));
    }
    ENCORE_ASSIGN_OR_RETURN(int64_t version, QueryInt("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
    if (version > kLatestVersion) {
      return FailedPrecondition(path_ + " has schema version " + std::to_string(version) +
                                ", newer than this encore supports (" + std::to_string(kLatestVersion) +
                                "); upgrade encore to open it");
    }
    for (int v = static_cast<int>(version); v < kLatestVersion; ++v) {
      ENCORE_RETURN_IF_ERROR(Exec(kMigrations[v].sql));
      ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(
          "INSERT INTO schema_version(version, applied_at, description) VALUES(?1, strftime('%s','now'), ?2)"));
      StmtScope scope(stmt);
      sqlite3_bind_int(stmt, 1, v + 1);
      sqlite3_bind_text(stmt, 2, kMigrations[v].description, -1, SQLITE_STATIC);
      ENCORE_RETURN_IF_ERROR(StepDone(stmt, "recording schema version"));
    }
    return Status::Ok();
  }();
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    return st;
  }
  return Exec("COMMIT");
}

Status SqliteStore::LoadIdMaps() {
  for (int entity = 0; entity < 2; ++entity) {
    bool users = entity == 0;
    ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                            Prepare(users ? "SELECT idx, external_id, deleted FROM users ORDER BY idx"
                                          : "SELECT idx, external_id, deleted FROM items ORDER BY idx"));
    StmtScope scope(stmt);
    auto& ids = users ? user_ids_ : item_ids_;
    auto& deleted = users ? user_deleted_ : item_deleted_;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      int64_t idx = sqlite3_column_int64(stmt, 0);
      if (idx != static_cast<int64_t>(ids.size())) {
        return DataLoss(path_ + ": " + (users ? "user" : "item") + " indices are not dense (found " +
                        std::to_string(idx) + " at position " + std::to_string(ids.size()) + ")");
      }
      ids.push_back(ColumnText(stmt, 1));
      deleted.push_back(sqlite3_column_int(stmt, 2) != 0 ? 1 : 0);
      if (users) user_index_.emplace(ids.back(), static_cast<UserIdx>(idx));
      else item_index_.emplace(ids.back(), static_cast<ItemIdx>(idx));
    }
    if (rc != SQLITE_DONE) return Error("loading id maps");
  }
  ENCORE_ASSIGN_OR_RETURN(next_seq_, QueryInt("SELECT COALESCE(MAX(seq) + 1, 0) FROM events"));
  return Status::Ok();
}

SqliteStore::Snapshot SqliteStore::TakeSnapshot() const {
  return {user_ids_.size(), item_ids_.size(), next_seq_, user_deleted_, item_deleted_};
}

void SqliteStore::Restore(Snapshot&& s) {
  for (size_t i = s.n_users; i < user_ids_.size(); ++i) user_index_.erase(user_ids_[i]);
  for (size_t i = s.n_items; i < item_ids_.size(); ++i) item_index_.erase(item_ids_[i]);
  user_ids_.resize(s.n_users);
  item_ids_.resize(s.n_items);
  user_deleted_ = std::move(s.user_deleted);
  item_deleted_ = std::move(s.item_deleted);
  next_seq_ = s.next_seq;
}

template <typename Body>
Status SqliteStore::InTransaction(Body&& body) {
  ENCORE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Snapshot snapshot = TakeSnapshot();
  Status st = body();
  if (st.ok()) st = Exec("COMMIT");
  if (!st.ok()) {
    (void)Exec("ROLLBACK");
    Restore(std::move(snapshot));
  }
  return st;
}

StatusOr<WriteResult> SqliteStore::Write(const WriteBatch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  WriteResult result;
  ENCORE_RETURN_IF_ERROR(InTransaction([&] { return WriteLocked(batch, &result); }));
  return result;
}

Status SqliteStore::UpsertItem(const Item& item, WriteResult* result) {
  if (item.id.empty()) return InvalidArgument("an item has an empty id");
  int kind = static_cast<int>(item.kind);
  if (kind < 0 || kind > kMaxItemKind) return InvalidArgument("item '" + item.id + "' has an invalid kind");
  if (!std::isfinite(item.duration_s) || item.duration_s < 0) {
    return InvalidArgument("item '" + item.id + "' has an invalid duration");
  }
  auto it = item_index_.find(item.id);
  bool is_new = it == item_index_.end();
  if (is_new && static_cast<idx_t>(item_ids_.size()) >= kMaxEntities) {
    return ResourceExhausted("too many items in " + path_);
  }
  ItemIdx idx = is_new ? static_cast<ItemIdx>(item_ids_.size()) : it->second;
  ENCORE_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      Prepare(is_new ? "INSERT INTO items(idx, external_id, kind, title, description, language, genres, tags, "
                       "duration, media, created_at, attributes, deleted) "
                       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0)"
                     : "UPDATE items SET external_id=?2, kind=?3, title=?4, description=?5, language=?6, "
                       "genres=?7, tags=?8, duration=?9, media=?10, created_at=?11, attributes=?12, "
                       "deleted=0 WHERE idx=?1"));
  StmtScope scope(stmt);
  std::string genres = ToJsonArray(item.genres);
  std::string tags = ToJsonArray(item.tags);
  std::string attributes = ToJsonObject(item.attributes);
  sqlite3_bind_int64(stmt, 1, idx);
  BindText(stmt, 2, item.id);
  sqlite3_bind_int(stmt, 3, kind);
  BindText(stmt, 4, item.title);
  BindText(stmt, 5, item.description);
  BindText(stmt, 6, item.language);
  BindText(stmt, 7, genres);
  BindText(stmt, 8, tags);
  sqlite3_bind_double(stmt, 9, item.duration_s);
  BindText(stmt, 10, item.media);
  sqlite3_bind_int64(stmt, 11, item.created_at);
  BindText(stmt, 12, attributes);
  ENCORE_RETURN_IF_ERROR(StepDone(stmt, "writing item '" + item.id + "'"));
  if (is_new) {
    item_ids_.push_back(item.id);
    item_deleted_.push_back(0);
    item_index_.emplace(item.id, idx);
  } else {
    item_deleted_[idx] = 0;
  }
  ++result->items_written;
  return Status::Ok();
}

Status SqliteStore::UpsertUser(const User& user, WriteResult* result) {
  if (user.id.empty()) return InvalidArgument("a user has an empty id");
  auto it = user_index_.find(user.id);
  bool is_new = it == user_index_.end();
  if (is_new && static_cast<idx_t>(user_ids_.size()) >= kMaxEntities) {
    return ResourceExhausted("too many users in " + path_);
  }
  UserIdx idx = is_new ? static_cast<UserIdx>(user_ids_.size()) : it->second;
  ENCORE_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      Prepare(is_new ? "INSERT INTO users(idx, external_id, attributes, deleted) VALUES(?1, ?2, ?3, 0)"
                     : "UPDATE users SET external_id=?2, attributes=?3, deleted=0 WHERE idx=?1"));
  StmtScope scope(stmt);
  std::string attributes = ToJsonObject(user.attributes);
  sqlite3_bind_int64(stmt, 1, idx);
  BindText(stmt, 2, user.id);
  BindText(stmt, 3, attributes);
  ENCORE_RETURN_IF_ERROR(StepDone(stmt, "writing user '" + user.id + "'"));
  if (is_new) {
    user_ids_.push_back(user.id);
    user_deleted_.push_back(0);
    user_index_.emplace(user.id, idx);
  } else {
    user_deleted_[idx] = 0;
  }
  ++result->users_written;
  return Status::Ok();
}

StatusOr<UserIdx> SqliteStore::EnsureUser(const std::string& id, WriteResult* result) {
  auto it = user_index_.find(id);
  if (it != user_index_.end() && !user_deleted_[it->second]) return it->second;
  // New user, or a deleted one coming back: both become a live user with no attributes.
  ENCORE_RETURN_IF_ERROR(UpsertUser(User{id, {}}, result));
  return user_index_.at(id);
}

Status SqliteStore::WriteLocked(const WriteBatch& batch, WriteResult* result) {
  for (const Item& item : batch.items) ENCORE_RETURN_IF_ERROR(UpsertItem(item, result));
  for (const User& user : batch.users) ENCORE_RETURN_IF_ERROR(UpsertUser(user, result));

  // Resolve ids in batch order so new users get indices in insertion order.
  struct Pending {
    UserIdx user;
    ItemIdx item;
    int type;
    int64_t ts;
    size_t pos;  // position in batch.events
  };
  std::vector<Pending> pending;
  pending.reserve(batch.events.size());
  for (size_t pos = 0; pos < batch.events.size(); ++pos) {
    const Event& e = batch.events[pos];
    auto where = [&] { return "event " + std::to_string(pos + 1) + " (user '" + e.user + "', item '" + e.item + "')"; };
    if (e.user.empty() || e.item.empty()) return InvalidArgument(where() + ": empty user or item id");
    int type = static_cast<int>(e.type);
    if (type < 0 || type > kMaxEventType) return InvalidArgument(where() + ": invalid event type");
    if (!std::isfinite(e.value)) return InvalidArgument(where() + ": value is not a finite number");
    ItemIdx item;
    auto it = item_index_.find(e.item);
    if (it != item_index_.end()) {
      item = it->second;
      if (item_deleted_[item]) return FailedPrecondition(where() + ": the item was deleted");
    } else if (batch.create_missing_items) {
      Item bare;
      bare.id = e.item;
      ENCORE_RETURN_IF_ERROR(UpsertItem(bare, result));
      item = item_index_.at(e.item);
    } else {
      return InvalidArgument(where() + ": unknown item (import the item first)");
    }
    ENCORE_ASSIGN_OR_RETURN(UserIdx user, EnsureUser(e.user, result));
    pending.push_back({user, item, type, e.timestamp, pos});
  }
  // Inserting in primary-key order keeps B-tree writes sequential (much faster
  // than random order); the stable sort keeps the first of equal events first,
  // so within-batch duplicates resolve to the earliest one. seq keeps batch order.
  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    if (a.user != b.user) return a.user < b.user;
    if (a.item != b.item) return a.item < b.item;
    if (a.type != b.type) return a.type < b.type;
    return a.ts < b.ts;
  });
  if (!pending.empty()) {
    ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(
        "INSERT OR IGNORE INTO events(user_idx, item_idx, type, ts, value, device, session, seq) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    StmtScope scope(stmt);
    constexpr size_t kProgressStep = 8192;
    size_t since_progress = 0;
    for (const Pending& p : pending) {
      const Event& e = batch.events[p.pos];
      sqlite3_bind_int(stmt, 1, p.user);
      sqlite3_bind_int(stmt, 2, p.item);
      sqlite3_bind_int(stmt, 3, p.type);
      sqlite3_bind_int64(stmt, 4, p.ts);
      sqlite3_bind_double(stmt, 5, e.value);
      BindOptionalText(stmt, 6, e.device);
      BindOptionalText(stmt, 7, e.session);
      sqlite3_bind_int64(stmt, 8, next_seq_ + static_cast<int64_t>(p.pos));
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE) return Error("writing events");
      if (sqlite3_changes(db_) > 0) ++result->events_written;
      else ++result->events_duplicate;
      if (batch.progress && ++since_progress == kProgressStep) {
        batch.progress->Advance(static_cast<idx_t>(since_progress));
        since_progress = 0;
      }
    }
    if (batch.progress && since_progress > 0) batch.progress->Advance(static_cast<idx_t>(since_progress));
    next_seq_ += static_cast<int64_t>(batch.events.size());
  }

  if (!batch.links.empty()) {
    std::vector<std::pair<UserIdx, UserIdx>> links;
    links.reserve(batch.links.size());
    for (const UserLink& link : batch.links) {
      if (link.from.empty() || link.to.empty()) return InvalidArgument("a user link has an empty user id");
      ENCORE_ASSIGN_OR_RETURN(UserIdx from, EnsureUser(link.from, result));
      ENCORE_ASSIGN_OR_RETURN(UserIdx to, EnsureUser(link.to, result));
      links.emplace_back(from, to);
    }
    ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                            Prepare("INSERT OR IGNORE INTO user_links(from_idx, to_idx) VALUES(?1, ?2)"));
    StmtScope scope(stmt);
    for (auto [from, to] : links) {
      sqlite3_bind_int(stmt, 1, from);
      sqlite3_bind_int(stmt, 2, to);
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc != SQLITE_DONE) return Error("writing user links");
      if (sqlite3_changes(db_) > 0) ++result->links_written;
    }
  }
  return Status::Ok();
}

StatusOr<Item> SqliteStore::ReadItemRow(sqlite3_stmt* stmt, bool* deleted) const {
  Item item;
  item.id = ColumnText(stmt, 1);
  int kind = sqlite3_column_int(stmt, 2);
  item.kind = kind >= 0 && kind <= kMaxItemKind ? static_cast<ItemKind>(kind) : ItemKind::kOther;
  item.title = ColumnText(stmt, 3);
  item.description = ColumnText(stmt, 4);
  item.language = ColumnText(stmt, 5);
  try {
    auto genres = nlohmann::json::parse(ColumnText(stmt, 6));
    auto tags = nlohmann::json::parse(ColumnText(stmt, 7));
    auto attributes = nlohmann::json::parse(ColumnText(stmt, 11));
    item.genres = genres.get<std::vector<std::string>>();
    item.tags = tags.get<std::vector<std::string>>();
    item.attributes = attributes.get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return DataLoss(path_ + ": item '" + item.id + "' has malformed JSON columns: " + e.what());
  }
  item.duration_s = sqlite3_column_double(stmt, 8);
  item.media = ColumnText(stmt, 9);
  item.created_at = sqlite3_column_int64(stmt, 10);
  if (deleted) *deleted = sqlite3_column_int(stmt, 12) != 0;
  return item;
}

constexpr const char* kItemColumns =
    "SELECT idx, external_id, kind, title, description, language, genres, tags, duration, media, "
    "created_at, attributes, deleted FROM items ";

StatusOr<Item> SqliteStore::GetItem(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = item_index_.find(id);
  if (it == item_index_.end()) return NotFound("no item '" + id + "' in " + path_);
  if (item_deleted_[it->second]) return NotFound("item '" + id + "' was deleted from " + path_);
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(std::string(kItemColumns) + "WHERE idx=?1"));
  StmtScope scope(stmt);
  sqlite3_bind_int(stmt, 1, it->second);
  if (sqlite3_step(stmt) != SQLITE_ROW) return Error("reading item '" + id + "'");
  return ReadItemRow(stmt, nullptr);
}

StatusOr<User> SqliteStore::GetUser(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = user_index_.find(id);
  if (it == user_index_.end()) return NotFound("no user '" + id + "' in " + path_);
  if (user_deleted_[it->second]) return NotFound("user '" + id + "' was deleted from " + path_);
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare("SELECT attributes FROM users WHERE idx=?1"));
  StmtScope scope(stmt);
  sqlite3_bind_int(stmt, 1, it->second);
  if (sqlite3_step(stmt) != SQLITE_ROW) return Error("reading user '" + id + "'");
  User user;
  user.id = id;
  try {
    user.attributes = nlohmann::json::parse(ColumnText(stmt, 0)).get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return DataLoss(path_ + ": user '" + id + "' has malformed attributes: " + e.what());
  }
  return user;
}

Status SqliteStore::DeleteItem(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = item_index_.find(id);
  if (it == item_index_.end()) return NotFound("no item '" + id + "' in " + path_);
  ItemIdx idx = it->second;
  return InTransaction([&]() -> Status {
    for (const char* sql : {"UPDATE items SET deleted=1 WHERE idx=?1", "DELETE FROM events WHERE item_idx=?1"}) {
      ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
      StmtScope scope(stmt);
      sqlite3_bind_int(stmt, 1, idx);
      ENCORE_RETURN_IF_ERROR(StepDone(stmt, "deleting item '" + id + "'"));
    }
    item_deleted_[idx] = 1;
    return Status::Ok();
  });
}

Status SqliteStore::DeleteUser(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = user_index_.find(id);
  if (it == user_index_.end()) return NotFound("no user '" + id + "' in " + path_);
  UserIdx idx = it->second;
  return InTransaction([&]() -> Status {
    for (const char* sql : {"UPDATE users SET deleted=1, attributes='{}' WHERE idx=?1",
                            "DELETE FROM events WHERE user_idx=?1",
                            "DELETE FROM user_links WHERE from_idx=?1 OR to_idx=?1"}) {
      ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
      StmtScope scope(stmt);
      sqlite3_bind_int(stmt, 1, idx);
      ENCORE_RETURN_IF_ERROR(StepDone(stmt, "deleting user '" + id + "'"));
    }
    user_deleted_[idx] = 1;
    return Status::Ok();
  });
}

StatusOr<std::vector<std::string>> SqliteStore::UserIds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return user_ids_;
}

StatusOr<std::vector<std::string>> SqliteStore::ItemIds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return item_ids_;
}

StatusOr<UserIdx> SqliteStore::FindUser(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = user_index_.find(id);
  if (it == user_index_.end()) return NotFound("no user '" + id + "' in " + path_);
  return it->second;
}

StatusOr<ItemIdx> SqliteStore::FindItem(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = item_index_.find(id);
  if (it == item_index_.end()) return NotFound("no item '" + id + "' in " + path_);
  return it->second;
}

StatusOr<std::vector<Item>> SqliteStore::AllItems(std::vector<bool>* deleted) const {
  std::lock_guard<std::mutex> lock(mu_);
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(std::string(kItemColumns) + "ORDER BY idx"));
  StmtScope scope(stmt);
  std::vector<Item> items;
  items.reserve(item_ids_.size());
  if (deleted) deleted->clear();
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    bool is_deleted = false;
    ENCORE_ASSIGN_OR_RETURN(Item item, ReadItemRow(stmt, &is_deleted));
    items.push_back(std::move(item));
    if (deleted) deleted->push_back(is_deleted);
  }
  if (rc != SQLITE_DONE) return Error("reading items");
  return items;
}

StatusOr<std::vector<UserLink>> SqliteStore::AllLinks() const {
  std::lock_guard<std::mutex> lock(mu_);
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare("SELECT from_idx, to_idx FROM user_links"));
  StmtScope scope(stmt);
  std::vector<UserLink> links;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto from = static_cast<size_t>(sqlite3_column_int64(stmt, 0));
    auto to = static_cast<size_t>(sqlite3_column_int64(stmt, 1));
    if (from >= user_ids_.size() || to >= user_ids_.size()) return DataLoss(path_ + ": a user link names an unknown user");
    links.push_back({user_ids_[from], user_ids_[to]});
  }
  if (rc != SQLITE_DONE) return Error("reading user links");
  return links;
}

StatusOr<std::vector<EventRow>> SqliteStore::ReadEvents(const EventQuery& query) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = "SELECT user_idx, item_idx, type, ts, value, seq FROM events WHERE 1";
  if (query.user) sql += " AND user_idx=?1";
  if (query.since) sql += " AND ts>=?2";
  if (query.until) sql += " AND ts<?3";
  if (!query.types.empty()) {
    sql += " AND type IN (";
    for (size_t i = 0; i < query.types.size(); ++i) {
      sql += (i ? "," : "") + std::to_string(static_cast<int>(query.types[i]));
    }
    sql += ")";
  }
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
  StmtScope scope(stmt);
  if (query.user) sqlite3_bind_int(stmt, 1, *query.user);
  if (query.since) sqlite3_bind_int64(stmt, 2, *query.since);
  if (query.until) sqlite3_bind_int64(stmt, 3, *query.until);
  std::vector<EventRow> rows;
  std::vector<int64_t> seqs;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    EventRow row;
    row.user = sqlite3_column_int(stmt, 0);
    row.item = sqlite3_column_int(stmt, 1);
    row.type = static_cast<EventType>(sqlite3_column_int(stmt, 2));
    row.timestamp = sqlite3_column_int64(stmt, 3);
    row.value = static_cast<float>(sqlite3_column_double(stmt, 4));
    rows.push_back(row);
    seqs.push_back(sqlite3_column_int64(stmt, 5));
  }
  if (rc != SQLITE_DONE) return Error("reading events");
  // (timestamp, insertion) order; sorting here is faster than an ORDER BY.
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return rows[a].timestamp != rows[b].timestamp ? rows[a].timestamp < rows[b].timestamp : seqs[a] < seqs[b];
  });
  std::vector<EventRow> sorted;
  sorted.reserve(rows.size());
  for (size_t i : order) sorted.push_back(rows[i]);
  return sorted;
}

StatusOr<StoreStats> SqliteStore::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  StoreStats stats;
  stats.n_users = static_cast<idx_t>(user_ids_.size());
  stats.n_items = static_cast<idx_t>(item_ids_.size());
  stats.n_items_deleted = std::count(item_deleted_.begin(), item_deleted_.end(), 1);
  ENCORE_ASSIGN_OR_RETURN(stats.n_links, QueryInt("SELECT COUNT(*) FROM user_links"));
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                          Prepare("SELECT type, COUNT(*), MIN(ts), MAX(ts) FROM events GROUP BY type ORDER BY type"));
  StmtScope scope(stmt);
  int rc;
  bool first = true;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    int type = sqlite3_column_int(stmt, 0);
    idx_t count = sqlite3_column_int64(stmt, 1);
    int64_t lo = sqlite3_column_int64(stmt, 2);
    int64_t hi = sqlite3_column_int64(stmt, 3);
    stats.events_per_type.emplace_back(static_cast<EventType>(type), count);
    stats.n_events += count;
    stats.first_timestamp = first ? lo : std::min(stats.first_timestamp, lo);
    stats.last_timestamp = first ? hi : std::max(stats.last_timestamp, hi);
    first = false;
  }
  if (rc != SQLITE_DONE) return Error("counting events");
  return stats;
}

Status SqliteStore::PutItemData(const std::string& item_id, const std::string& key, int version,
                                const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = item_index_.find(item_id);
  if (it == item_index_.end()) return NotFound("no item '" + item_id + "' in " + path_);
  if (key.empty()) return InvalidArgument("item data key must not be empty");
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(
      "INSERT INTO item_data(item_idx, key, version, value) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(item_idx, key) DO UPDATE SET version=excluded.version, value=excluded.value"));
  StmtScope scope(stmt);
  sqlite3_bind_int(stmt, 1, it->second);
  BindText(stmt, 2, key);
  sqlite3_bind_int(stmt, 3, version);
  sqlite3_bind_blob(stmt, 4, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return StepDone(stmt, "writing item data '" + key + "' of item '" + item_id + "'");
}

StatusOr<std::string> SqliteStore::GetItemData(const std::string& item_id, const std::string& key,
                                               int* version) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = item_index_.find(item_id);
  if (it == item_index_.end()) return NotFound("no item '" + item_id + "' in " + path_);
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                          Prepare("SELECT version, value FROM item_data WHERE item_idx=?1 AND key=?2"));
  StmtScope scope(stmt);
  sqlite3_bind_int(stmt, 1, it->second);
  BindText(stmt, 2, key);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return NotFound("no data '" + key + "' for item '" + item_id + "'");
  if (rc != SQLITE_ROW) return Error("reading item data");
  if (version) *version = sqlite3_column_int(stmt, 0);
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, 1));
  return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, 1)));
}

StatusOr<std::vector<std::string>> SqliteStore::AllItemData(const std::string& key, std::vector<int>* versions) const {
  std::lock_guard<std::mutex> lock(mu_);
  ENCORE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare("SELECT item_idx, version, value FROM item_data WHERE key=?1"));
  StmtScope scope(stmt);
  BindText(stmt, 1, key);
  std::vector<std::string> values(item_ids_.size());
  if (versions) versions->assign(item_ids_.size(), 0);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const int64_t item = sqlite3_column_int64(stmt, 0);
    if (item < 0) return DataLoss(path_ + ": item data '" + key + "' names item index " + std::to_string(item));
    // An item another connection added after this one loaded its id table: not in the result yet.
    if (item >= static_cast<int64_t>(item_ids_.size())) continue;
    if (versions) (*versions)[static_cast<size_t>(item)] = sqlite3_column_int(stmt, 1);
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, 2));
    values[static_cast<size_t>(item)].assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, 2)));
  }
  if (rc != SQLITE_DONE) return Error("reading item data '" + key + "'");
  return values;
}

}  // namespace

int SqliteSchemaVersion() { return kLatestVersion; }

StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const SqliteStoreOptions& options) {
  if (path.empty()) return InvalidArgument("the store path is empty");
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && options.must_exist) return NotFound("no store at " + path + " (import data first)");
  if (exists && S_ISDIR(st.st_mode)) return InvalidArgument(path + " is a directory, not a store file");
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return IoError("cannot open store " + path + ": " + msg);
  }
  auto store = std::make_unique<SqliteStore>(path, db);
  ENCORE_RETURN_IF_ERROR(store->Init(options));
  return std::unique_ptr<Store>(std::move(store));
}

namespace {

StatusOr<std::unique_ptr<Store>> OpenStoreUrl(const std::string& url, bool must_exist) {
  SqliteStoreOptions options;
  options.must_exist = must_exist;
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) == 0) {
    std::string path = url.substr(kSqlite.size());
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // also accept sqlite://PATH
    return OpenSqliteStore(path, options);
  }
  auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos && scheme_end > 0 &&
      std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(scheme_end),
                  [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; })) {
    return Unimplemented("store backend '" + url.substr(0, scheme_end) +
                         "' is not available in this build; use a file path or sqlite:PATH");
  }
  return OpenSqliteStore(url, options);
}

}  // namespace

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url) { return OpenStoreUrl(url, false); }

StatusOr<std::unique_ptr<Store>> OpenExistingStore(const std::string& url) { return OpenStoreUrl(url, true); }

}  // namespace encore
