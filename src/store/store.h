// Store: where the catalogue, users and events live. Callers depend only on this
// interface; SqliteStore (sqlite_store.h) is the embedded default and a
// PostgreSQL implementation can be added behind it without changing callers.
//
// Internal indices: the store assigns each new user and item the next dense
// index (0, 1, 2, ...) and never reuses one; a deleted item keeps its index
// (and is reported as deleted) so trained models stay aligned with the store.
//
// Thread-safety: implementations are safe to call from several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/records.h"
#include "core/status.h"
#include "core/types.h"

namespace encore {

class Progress;

// A unit of writes applied atomically: all of it or nothing.
struct WriteBatch {
  std::vector<Item> items;        // upserted by external id
  std::vector<User> users;        // upserted by external id
  std::vector<Event> events;      // unknown users are created; unknown items are an error
                                  // unless create_missing_items is set
  std::vector<UserLink> links;    // user-user relations (e.g. friends)
  bool create_missing_items = false;  // create bare items for unknown event items
  Progress* progress = nullptr;   // optional: advanced once per event written (not owned)
};

struct WriteResult {
  idx_t items_written = 0;
  idx_t users_written = 0;
  idx_t events_written = 0;     // new events
  idx_t events_duplicate = 0;   // already stored (same user, item, type, timestamp)
  idx_t links_written = 0;
};

struct StoreStats {
  idx_t n_users = 0;
  idx_t n_items = 0;            // including deleted items
  idx_t n_items_deleted = 0;
  idx_t n_events = 0;
  idx_t n_links = 0;
  std::vector<std::pair<EventType, idx_t>> events_per_type;
  int64_t first_timestamp = 0;
  int64_t last_timestamp = 0;
};

// Which events to read. Defaults read everything.
struct EventQuery {
  std::optional<UserIdx> user;          // one user's events only
  std::optional<int64_t> since;         // timestamp >= since
  std::optional<int64_t> until;         // timestamp < until
  std::vector<EventType> types;         // empty = all types
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies the batch in one transaction. Events identical in (user, item, type,
  // timestamp) to a stored one are counted as duplicates and not stored again.
  virtual StatusOr<WriteResult> Write(const WriteBatch& batch) = 0;

  virtual StatusOr<Item> GetItem(const std::string& id) const = 0;
  virtual StatusOr<User> GetUser(const std::string& id) const = 0;
  // Marks the item deleted (its index stays reserved) and removes its events.
  virtual Status DeleteItem(const std::string& id) = 0;
  // Removes the user's attributes and events (its index stays reserved).
  virtual Status DeleteUser(const std::string& id) = 0;

  // Mapping tables: position = internal index, value = external id.
  virtual StatusOr<std::vector<std::string>> UserIds() const = 0;
  virtual StatusOr<std::vector<std::string>> ItemIds() const = 0;
  virtual StatusOr<UserIdx> FindUser(const std::string& id) const = 0;  // NotFound if absent
  virtual StatusOr<ItemIdx> FindItem(const std::string& id) const = 0;  // NotFound if absent

  // All items by internal index (deleted ones have `deleted[i] == true`).
  virtual StatusOr<std::vector<Item>> AllItems(std::vector<bool>* deleted = nullptr) const = 0;
  virtual StatusOr<std::vector<UserLink>> AllLinks() const = 0;
  // Events in (timestamp, insertion) order.
  virtual StatusOr<std::vector<EventRow>> ReadEvents(const EventQuery& query = {}) const = 0;

  virtual StatusOr<StoreStats> Stats() const = 0;

  // Per-item analysis results and other derived data, keyed by (item, key), versioned.
  virtual Status PutItemData(const std::string& item_id, const std::string& key, int version,
                             const std::string& value) = 0;
  // NotFound when absent.
  virtual StatusOr<std::string> GetItemData(const std::string& item_id, const std::string& key,
                                            int* version = nullptr) const = 0;
  // The value of `key` for every item in one read, by internal index ("" where
  // an item has none), over the items this handle knows (ItemIds()).
  // `versions` (optional) receives the versions (0 where none).
  virtual StatusOr<std::vector<std::string>> AllItemData(const std::string& key,
                                                         std::vector<int>* versions = nullptr) const = 0;
};

// Opens (creating and migrating as needed) the store at `url`: a file path or
// "sqlite:PATH". Later backends add their own scheme (e.g. "postgresql://").
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url);
// Like OpenStore, but NotFound when no store exists at `url` yet (for commands
// that only read, so a typo in a path does not create an empty store).
StatusOr<std::unique_ptr<Store>> OpenExistingStore(const std::string& url);

}  // namespace encore
