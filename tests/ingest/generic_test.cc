// The generic csv / jsonl formats.
#include "ingest/generic.h"

#include <gtest/gtest.h>

#include "ingest/importer.h"
#include "ingest/test_data.h"

namespace encore {
namespace {

using testing::TempDir;
using testing::WriteFile;

StatusOr<ImportReport> ImportPath(Store& store, const std::string& format, const std::string& input,
                                  OnError on_error = OnError::kFail) {
  ImportOptions options;
  options.format = format;
  options.on_error = on_error;
  return Import(store, input, options);
}

std::unique_ptr<Store> NewStore(const TempDir& dir) { return std::move(OpenStore(dir.File("s.db"))).value(); }

TEST(GenericImport, CsvFolderWithEveryField) {
  TempDir data, db;
  WriteFile(data.File("items.csv"),
            "id,kind,title,description,language,genres,tags,duration,media,created_at,studio\n"
            "m1,movie,\"Heat, Again\",A heist.,en,action|crime,tense,6000,/m/heat.mp4,1000,Warner\n"
            "p1,podcast,Daily,,,news,,1800,,,\n");
  WriteFile(data.File("users.csv"), "id,country\nu1,DE\nu2,\n");
  WriteFile(data.File("events.csv"),
            "user,item,type,value,timestamp,device,session\nu1,m1,play,0.9,100,tv,s1\nu2,p1,like,,200,,\n");
  auto store = NewStore(db);
  auto r = ImportPath(*store, "csv", data.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->written.events_written, 2);
  auto item = store->GetItem("m1");
  EXPECT_EQ(item->title, "Heat, Again");
  EXPECT_EQ(item->kind, ItemKind::kMovie);
  EXPECT_EQ(item->genres, (std::vector<std::string>{"action", "crime"}));
  EXPECT_DOUBLE_EQ(item->duration_s, 6000);
  EXPECT_EQ(item->media, "/m/heat.mp4");
  EXPECT_EQ(item->attributes.at("studio"), "Warner");
  EXPECT_EQ(store->GetItem("p1")->kind, ItemKind::kPodcast);
  EXPECT_EQ(store->GetUser("u1")->attributes.at("country"), "DE");
  EXPECT_TRUE(store->GetUser("u2")->attributes.empty());
}

TEST(GenericImport, SingleEventsFileUsesItemsAlreadyStored) {
  TempDir data, db;
  auto store = NewStore(db);
  WriteFile(data.File("items.jsonl"), "{\"id\": \"a\", \"kind\": \"track\", \"title\": \"A\"}\n");
  ASSERT_TRUE(ImportPath(*store, "jsonl", data.File("items.jsonl")).ok());
  WriteFile(data.File("plays.jsonl"), "{\"user\": 1, \"item\": \"a\", \"type\": \"play\", \"value\": 0.5, \"timestamp\": 9}\n");
  auto r = ImportPath(*store, "jsonl", data.File("plays.jsonl"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->written.events_written, 1);
  EXPECT_EQ(*store->FindUser("1"), 0);

  WriteFile(data.File("more.jsonl"), "{\"user\": \"1\", \"item\": \"zzz\", \"type\": \"play\"}\n");
  auto bad = ImportPath(*store, "jsonl", data.File("more.jsonl"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("more.jsonl:1: field 'item': unknown item 'zzz'"), std::string::npos)
      << bad.status().message();
}

TEST(GenericImport, JsonlErrorsNameLineAndField) {
  TempDir data, db;
  auto store = NewStore(db);
  WriteFile(data.File("items.jsonl"), "{\"id\": \"a\"}\n");
  struct Case {
    std::string line;
    std::string message;
  };
  std::vector<Case> cases = {
      {"{\"user\": \"u\", \"item\": \"a\", \"type\": \"play\", \"value\": \"lots\"}", "events.jsonl:1: field 'value': 'lots' is not a number"},
      {"{\"user\": \"u\", \"item\": \"a\", \"type\": \"watch\"}", "events.jsonl:1: field 'type': unknown event type 'watch'"},
      {"{\"user\": \"u\", \"item\": \"a\"}", "events.jsonl:1: field 'type': is required"},
      {"{\"user\": \"u\", \"item\": \"a\", \"type\": \"play\", \"when\": 3}", "events.jsonl:1: field 'when': unknown event field"},
      {"{\"user\": \"u\", \"item\": ", "events.jsonl:1: not valid JSON"},
      {"[1, 2]", "events.jsonl:1: expected a JSON object"},
  };
  for (const Case& c : cases) {
    WriteFile(data.File("events.jsonl"), c.line + "\n");
    auto r = ImportPath(*store, "jsonl", data.path());
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(store->Stats()->n_items, 0);  // every failed import wrote nothing
}

TEST(GenericImport, CsvErrorsNameLineAndField) {
  TempDir data, db;
  auto store = NewStore(db);
  WriteFile(data.File("items.csv"), "id,duration\na,long\n");
  auto r = ImportPath(*store, "csv", data.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("items.csv:2: field 2 (duration): 'long' is not a number"), std::string::npos)
      << r.status().message();
  WriteFile(data.File("items.csv"), "id,title\na,b,c\n");
  r = ImportPath(*store, "csv", data.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("items.csv:2: expected 2 fields"), std::string::npos) << r.status().message();
  WriteFile(data.File("items.csv"), "title\nb\n");
  r = ImportPath(*store, "csv", data.path());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("items.csv:1: the header has no 'id' column"), std::string::npos);
}

TEST(GenericImport, EmptyFolderIsNotFound) {
  TempDir data, db;
  auto store = NewStore(db);
  auto r = ImportPath(*store, "csv", data.path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

TEST(GenericImport, JsonlWriterRoundTrips) {
  TempDir data, db;
  WriteBatch batch;
  Item item;
  item.id = "x";
  item.kind = ItemKind::kClip;
  item.title = "Clip \xE2\x98\x85";
  item.genres = {"comedy"};
  item.tags = {"short", "funny"};
  item.duration_s = 61;
  item.created_at = 5;
  item.attributes = {{"k", "v"}};
  batch.items = {item};
  batch.users = {User{"u", {{"country", "FR"}}}};
  batch.events = {Event{"u", "x", EventType::kPlay, 0.25, 77, "tv", "s"}};
  batch.links = {UserLink{"u", "v"}};
  ASSERT_TRUE(WriteGenericJsonl(batch, data.path()).ok());
  auto store = NewStore(db);
  auto r = ImportPath(*store, "jsonl", data.path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto back = store->GetItem("x");
  EXPECT_EQ(back->title, item.title);
  EXPECT_EQ(back->kind, item.kind);
  EXPECT_EQ(back->genres, item.genres);
  EXPECT_EQ(back->tags, item.tags);
  EXPECT_DOUBLE_EQ(back->duration_s, 61);
  EXPECT_EQ(back->created_at, 5);
  EXPECT_EQ(back->attributes, item.attributes);
  EXPECT_EQ(store->GetUser("u")->attributes.at("country"), "FR");
  auto events = store->ReadEvents();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_FLOAT_EQ((*events)[0].value, 0.25f);
  EXPECT_EQ(store->AllLinks()->size(), 1u);
}

}  // namespace
}  // namespace encore
