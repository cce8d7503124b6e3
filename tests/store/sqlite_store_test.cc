#include "store/sqlite_store.h"

#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/test_util.h"

namespace encore {
namespace {

using testing::TempDir;

Item MakeItem(const std::string& id, const std::string& title = "") {
  Item item;
  item.id = id;
  item.kind = ItemKind::kMovie;
  item.title = title.empty() ? "Title " + id : title;
  item.genres = {"Drama", "Comedy"};
  item.tags = {"funny"};
  item.duration_s = 5400;
  item.created_at = 1000;
  item.attributes = {{"imdb", "tt01"}};
  return item;
}

Event MakeEvent(const std::string& user, const std::string& item, EventType type, double value, int64_t ts) {
  Event e;
  e.user = user;
  e.item = item;
  e.type = type;
  e.value = value;
  e.timestamp = ts;
  return e;
}

std::unique_ptr<Store> Open(const std::string& path) {
  auto store = OpenStore(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

TEST(SqliteStore, WritesAndReadsItemsUsersEvents) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.items = {MakeItem("m1", "Toy Story"), MakeItem("m2")};
  batch.users = {User{"u1", {{"age", "24"}}}};
  batch.events = {MakeEvent("u1", "m1", EventType::kRate, 4, 100),
                  MakeEvent("u2", "m2", EventType::kPlay, 0.7, 50)};
  batch.events[1].device = "tv";
  auto result = store->Write(batch);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->items_written, 2);
  EXPECT_EQ(result->users_written, 2);  // u1 explicit, u2 created for its event
  EXPECT_EQ(result->events_written, 2);
  EXPECT_EQ(result->events_duplicate, 0);

  auto item = store->GetItem("m1");
  ASSERT_TRUE(item.ok());
  EXPECT_EQ(item->title, "Toy Story");
  EXPECT_EQ(item->kind, ItemKind::kMovie);
  EXPECT_EQ(item->genres, (std::vector<std::string>{"Drama", "Comedy"}));
  EXPECT_EQ(item->tags, (std::vector<std::string>{"funny"}));
  EXPECT_DOUBLE_EQ(item->duration_s, 5400);
  EXPECT_EQ(item->attributes.at("imdb"), "tt01");
  auto user = store->GetUser("u1");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->attributes.at("age"), "24");

  auto events = store->ReadEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  // Time order: the play at ts 50 comes first.
  EXPECT_EQ((*events)[0].type, EventType::kPlay);
  EXPECT_EQ((*events)[0].user, 1);
  EXPECT_EQ((*events)[0].item, 1);
  EXPECT_FLOAT_EQ((*events)[0].value, 0.7f);
  EXPECT_EQ((*events)[1].timestamp, 100);

  EventQuery query;
  query.user = 0;
  EXPECT_EQ(store->ReadEvents(query)->size(), 1u);
  query = {};
  query.types = {EventType::kPlay};
  EXPECT_EQ(store->ReadEvents(query)->size(), 1u);
  query = {};
  query.since = 60;
  query.until = 101;
  EXPECT_EQ(store->ReadEvents(query)->size(), 1u);
}

TEST(SqliteStore, AssignsDenseIndicesInInsertionOrder) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.items = {MakeItem("c"), MakeItem("a"), MakeItem("b")};
  batch.events = {MakeEvent("z", "a", EventType::kClick, 0, 1), MakeEvent("y", "b", EventType::kClick, 0, 2)};
  ASSERT_TRUE(store->Write(batch).ok());
  WriteBatch more;
  more.items = {MakeItem("a"), MakeItem("d")};  // "a" is updated, not re-indexed
  ASSERT_TRUE(store->Write(more).ok());
  EXPECT_EQ(*store->ItemIds(), (std::vector<std::string>{"c", "a", "b", "d"}));
  EXPECT_EQ(*store->UserIds(), (std::vector<std::string>{"z", "y"}));
  EXPECT_EQ(*store->FindItem("d"), 3);
  EXPECT_EQ(*store->FindUser("y"), 1);
  EXPECT_EQ(store->FindItem("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->GetUser("nope").status().code(), StatusCode::kNotFound);
}

TEST(SqliteStore, CountsDuplicateEventsWithoutStoringThem) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.items = {MakeItem("m1")};
  batch.events = {MakeEvent("u1", "m1", EventType::kRate, 4, 100),
                  MakeEvent("u1", "m1", EventType::kRate, 5, 100),   // same key in the same batch
                  MakeEvent("u1", "m1", EventType::kRate, 4, 101),   // other timestamp: new
                  MakeEvent("u1", "m1", EventType::kPlay, 1, 100)};  // other type: new
  auto first = store->Write(batch);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->events_written, 3);
  EXPECT_EQ(first->events_duplicate, 1);
  // The first of equal events wins.
  EventQuery q;
  q.types = {EventType::kRate};
  auto rates = store->ReadEvents(q);
  EXPECT_FLOAT_EQ((*rates)[0].value, 4.0f);
  auto again = store->Write(batch);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_written, 0);
  EXPECT_EQ(again->events_duplicate, 4);
  EXPECT_EQ(store->Stats()->n_events, 3);
  EXPECT_EQ(store->Stats()->n_items, 1);
}

TEST(SqliteStore, FailedBatchWritesNothing) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch good;
  good.items = {MakeItem("m1")};
  good.events = {MakeEvent("u1", "m1", EventType::kRate, 4, 1)};
  ASSERT_TRUE(store->Write(good).ok());

  WriteBatch bad;
  bad.items = {MakeItem("m2")};
  bad.users = {User{"u9", {}}};
  bad.events = {MakeEvent("u2", "m2", EventType::kRate, 3, 2),
                MakeEvent("u3", "unknown-item", EventType::kRate, 3, 2)};
  auto result = store->Write(bad);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("unknown-item"), std::string::npos);
  // Nothing of the failed batch is visible, in the database or in the id maps.
  EXPECT_EQ(*store->ItemIds(), (std::vector<std::string>{"m1"}));
  EXPECT_EQ(*store->UserIds(), (std::vector<std::string>{"u1"}));
  EXPECT_EQ(store->Stats()->n_events, 1);
  EXPECT_FALSE(store->GetItem("m2").ok());

  // The next batch gets the next indices as if the failed one never happened.
  WriteBatch next;
  next.items = {MakeItem("m3")};
  next.events = {MakeEvent("u4", "m3", EventType::kRate, 4, 3)};
  ASSERT_TRUE(store->Write(next).ok());
  EXPECT_EQ(*store->FindItem("m3"), 1);
  EXPECT_EQ(*store->FindUser("u4"), 1);
  store.reset();
  auto reopened = Open(dir.File("s.db"));
  EXPECT_EQ(*reopened->ItemIds(), (std::vector<std::string>{"m1", "m3"}));
}

TEST(SqliteStore, RejectsInvalidEvents) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.items = {MakeItem("m1")};
  batch.events = {MakeEvent("", "m1", EventType::kRate, 4, 1)};
  EXPECT_EQ(store->Write(batch).status().code(), StatusCode::kInvalidArgument);
  batch.events = {MakeEvent("u", "m1", EventType::kRate, std::nan(""), 1)};
  EXPECT_EQ(store->Write(batch).status().code(), StatusCode::kInvalidArgument);
  batch.events = {MakeEvent("u", "m1", static_cast<EventType>(99), 1, 1)};
  EXPECT_EQ(store->Write(batch).status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteStore, CreatesMissingItemsWhenAsked) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.events = {MakeEvent("u1", "new", EventType::kPlay, 1, 1)};
  batch.create_missing_items = true;
  auto result = store->Write(batch);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->items_written, 1);
  EXPECT_EQ(store->GetItem("new")->kind, ItemKind::kOther);
}

TEST(SqliteStore, PersistsAcrossReopen) {
  TempDir dir;
  {
    auto store = Open(dir.File("s.db"));
    WriteBatch batch;
    batch.items = {MakeItem("m1"), MakeItem("m2")};
    batch.events = {MakeEvent("u1", "m2", EventType::kLike, 0, 7)};
    batch.links = {UserLink{"u1", "u2"}};
    ASSERT_TRUE(store->Write(batch).ok());
    ASSERT_TRUE(store->PutItemData("m1", "embedding", 3, std::string("\0\1\2", 3)).ok());
  }
  auto store = Open("sqlite:" + dir.File("s.db"));
  EXPECT_EQ(*store->ItemIds(), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(*store->UserIds(), (std::vector<std::string>{"u1", "u2"}));
  auto links = store->AllLinks();
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ((*links)[0].from, "u1");
  EXPECT_EQ((*links)[0].to, "u2");
  int version = 0;
  auto data = store->GetItemData("m1", "embedding", &version);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, std::string("\0\1\2", 3));
  EXPECT_EQ(version, 3);
  EXPECT_EQ(store->GetItemData("m1", "other").status().code(), StatusCode::kNotFound);
  // All items' values of one key in one read: by index, "" (version 0) where absent.
  std::vector<int> versions;
  auto all = store->AllItemData("embedding", &versions);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(*all, (std::vector<std::string>{std::string("\0\1\2", 3), ""}));
  EXPECT_EQ(versions, (std::vector<int>{3, 0}));
  EXPECT_EQ(*store->AllItemData("other"), (std::vector<std::string>{"", ""}));
  auto events = store->ReadEvents();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].item, 1);
  // New rows after reopen continue the index sequence.
  WriteBatch more;
  more.items = {MakeItem("m3")};
  more.events = {MakeEvent("u3", "m3", EventType::kLike, 0, 8)};
  ASSERT_TRUE(store->Write(more).ok());
  EXPECT_EQ(*store->FindItem("m3"), 2);
  EXPECT_EQ(*store->FindUser("u3"), 2);
}

TEST(SqliteStore, DeleteKeepsIndicesAndRemovesEvents) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.items = {MakeItem("m1"), MakeItem("m2")};
  batch.users = {User{"u1", {{"k", "v"}}}};
  batch.events = {MakeEvent("u1", "m1", EventType::kPlay, 1, 1), MakeEvent("u1", "m2", EventType::kPlay, 1, 2),
                  MakeEvent("u2", "m2", EventType::kPlay, 1, 3)};
  batch.links = {UserLink{"u1", "u2"}};
  ASSERT_TRUE(store->Write(batch).ok());
  ASSERT_TRUE(store->DeleteItem("m1").ok());
  EXPECT_EQ(store->GetItem("m1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*store->FindItem("m1"), 0);  // index stays reserved
  std::vector<bool> deleted;
  auto items = store->AllItems(&deleted);
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ(deleted, (std::vector<bool>{true, false}));
  EXPECT_EQ(store->Stats()->n_events, 2);
  EXPECT_EQ(store->Stats()->n_items_deleted, 1);

  ASSERT_TRUE(store->DeleteUser("u1").ok());
  EXPECT_EQ(store->GetUser("u1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Stats()->n_events, 1);
  EXPECT_EQ(store->AllLinks()->size(), 0u);
  EXPECT_EQ(*store->UserIds(), (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(store->DeleteItem("nope").code(), StatusCode::kNotFound);

  // Events for a deleted item are refused; re-upserting the item revives it.
  WriteBatch late;
  late.events = {MakeEvent("u2", "m1", EventType::kPlay, 1, 9)};
  EXPECT_EQ(store->Write(late).status().code(), StatusCode::kFailedPrecondition);
  late.items = {MakeItem("m1")};
  ASSERT_TRUE(store->Write(late).ok());
  EXPECT_TRUE(store->GetItem("m1").ok());
  EXPECT_EQ(*store->FindItem("m1"), 0);
}

TEST(SqliteStore, StatsCountEventsPerTypeAndTimeRange) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch batch;
  batch.items = {MakeItem("m1"), MakeItem("m2")};
  batch.events = {MakeEvent("u1", "m1", EventType::kPlay, 1, 10), MakeEvent("u1", "m2", EventType::kPlay, 1, 30),
                  MakeEvent("u2", "m2", EventType::kSkip, 0, 20)};
  ASSERT_TRUE(store->Write(batch).ok());
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->n_users, 2);
  EXPECT_EQ(stats->n_items, 2);
  EXPECT_EQ(stats->n_events, 3);
  EXPECT_EQ(stats->first_timestamp, 10);
  EXPECT_EQ(stats->last_timestamp, 30);
  ASSERT_EQ(stats->events_per_type.size(), 2u);
  EXPECT_EQ(stats->events_per_type[0], std::make_pair(EventType::kPlay, idx_t{2}));
  EXPECT_EQ(stats->events_per_type[1], std::make_pair(EventType::kSkip, idx_t{1}));
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  std::string path = dir.File("notes.txt");
  std::ofstream(path) << "this is not a database, just some text that is long enough to be a header....\n";
  auto store = OpenStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().message();
}

TEST(SqliteStore, RefusesAForeignSqliteDatabase) {
  TempDir dir;
  std::string path = dir.File("other.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("not an encore store"), std::string::npos);
}

TEST(SqliteStore, RefusesANewerSchemaVersion) {
  TempDir dir;
  std::string path = dir.File("s.db");
  Open(path).reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  std::string sql = "INSERT INTO schema_version VALUES(" + std::to_string(SqliteSchemaVersion() + 1) + ", 0, 'future')";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find(path), std::string::npos);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
}

TEST(SqliteStore, RecordsSchemaVersionAndUsesWal) {
  TempDir dir;
  std::string path = dir.File("s.db");
  auto store = Open(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT MAX(version) FROM schema_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), SqliteSchemaVersion());
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(OpenStore, RejectsUnknownSchemes) {
  auto store = OpenStore("postgresql://localhost/encore");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(store.status().message().find("postgresql"), std::string::npos);
  EXPECT_EQ(OpenStore("").status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteStore, IsSafeToUseFromSeveralThreads) {
  TempDir dir;
  auto store = Open(dir.File("s.db"));
  WriteBatch items;
  items.items = {MakeItem("m1")};
  ASSERT_TRUE(store->Write(items).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string user = "u";
      user += std::to_string(t);
      for (int i = 0; i < 50; ++i) {
        WriteBatch b;
        b.events = {MakeEvent(user, "m1", EventType::kPlay, 1, i)};
        EXPECT_TRUE(store->Write(b).ok());
        EXPECT_TRUE(store->ReadEvents().ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store->Stats()->n_events, 200);
  EXPECT_EQ(store->UserIds()->size(), 4u);
}

}  // namespace
}  // namespace encore
