// Importers on small hand-written files: bad input of every kind, skip mode,
// encodings and re-import.
#include "ingest/importer.h"

#include <gtest/gtest.h>

#include "ingest/test_data.h"

namespace encore {
namespace {

using testing::TempDir;
using testing::WriteFile;

constexpr const char* kItems =
    "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
    "2|Caf\xE9 Society (1995)|01-Jan-1995||http://y|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n";
constexpr const char* kUsers = "1|24|M|technician|85711\n2|53|F|other|94043\n";

// A tiny MovieLens 100K folder with `data` as u.data.
void WriteMl100k(const TempDir& dir, const std::string& data) {
  WriteFile(dir.File("u.item"), kItems);
  WriteFile(dir.File("u.user"), kUsers);
  WriteFile(dir.File("u.data"), data);
}

struct Fixture {
  TempDir data;
  TempDir db;
  std::unique_ptr<Store> store;
  Fixture() { store = std::move(OpenStore(db.File("s.db"))).value(); }
  StatusOr<ImportReport> Run(const std::string& format, OnError on_error = OnError::kFail,
                             Encoding encoding = Encoding::kAuto) {
    ImportOptions options;
    options.format = format;
    options.on_error = on_error;
    options.encoding = encoding;
    return Import(*store, data.path(), options);
  }
  idx_t Events() { return store->Stats()->n_events; }
  idx_t Items() { return store->Stats()->n_items; }
};

void ExpectError(const StatusOr<ImportReport>& r, StatusCode code, const std::string& text) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(text), std::string::npos)
      << "expected '" << text << "' in: " << r.status().message();
}

TEST(Import, MovieLens100kSmallFolder) {
  Fixture f;
  WriteMl100k(f.data, "1\t1\t5\t100\n2\t2\t3\t200\n1\t2\t4\t300\n");
  auto r = f.Run("movielens-100k");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->written.events_written, 3);
  EXPECT_EQ(r->written.items_written, 2);
  EXPECT_EQ(r->lines_read, 2 + 2 + 3);
  // latin-1 title converted to UTF-8.
  EXPECT_EQ(f.store->GetItem("2")->title, "Caf\xC3\xA9 Society (1995)");
  EXPECT_EQ(f.store->GetItem("2")->genres, (std::vector<std::string>{"Action", "Adventure", "Thriller"}));
}

TEST(Import, NonNumericFieldNamesFileLineAndField) {
  Fixture f;
  WriteMl100k(f.data, "1\t1\t5\t100\n1\t2\tx\t200\n");
  auto r = f.Run("movielens-100k");
  ExpectError(r, StatusCode::kInvalidArgument, "u.data:2: field 3 (rating): 'x' is not a number");
  // --on-error=fail imports nothing at all, not even the items.
  EXPECT_EQ(f.Events(), 0);
  EXPECT_EQ(f.Items(), 0);
}

TEST(Import, WrongColumnCount) {
  Fixture f;
  WriteMl100k(f.data, "1\t1\t5\n");
  ExpectError(f.Run("movielens-100k"), StatusCode::kInvalidArgument,
              "u.data:1: expected 4 fields separated by tab, found 3");
}

TEST(Import, MalformedCsvLine) {
  Fixture f;
  WriteFile(f.data.File("movies.csv"), "movieId,title,genres\n1,\"Toy Story (1995),Comedy\n");
  WriteFile(f.data.File("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.0,1\n");
  ExpectError(f.Run("movielens-latest"), StatusCode::kInvalidArgument,
              "movies.csv:2: malformed CSV: unterminated quoted field");
}

TEST(Import, WrongHeader) {
  Fixture f;
  WriteFile(f.data.File("movies.csv"), "movieId,title,genres\n1,A,Comedy\n");
  WriteFile(f.data.File("ratings.csv"), "user,movie,rating\n1,1,4.0\n");
  ExpectError(f.Run("movielens-latest"), StatusCode::kInvalidArgument, "ratings.csv:1: expected the header");
}

TEST(Import, UnknownItemReference) {
  Fixture f;
  WriteMl100k(f.data, "1\t99\t5\t100\n");
  ExpectError(f.Run("movielens-100k"), StatusCode::kInvalidArgument,
              "u.data:1: field 2 (item id): unknown movie 99");
}

TEST(Import, MissingFile) {
  Fixture f;
  WriteFile(f.data.File("u.item"), kItems);
  ExpectError(f.Run("movielens-100k"), StatusCode::kNotFound, "u.data: no such file");
}

TEST(Import, MissingInput) {
  Fixture f;
  ImportOptions options;
  options.format = "csv";
  auto r = Import(*f.store, f.data.File("nope"), options);
  ExpectError(r, StatusCode::kNotFound, "nope: no such file or folder");
}

TEST(Import, EmptyFile) {
  Fixture f;
  WriteMl100k(f.data, "");
  ExpectError(f.Run("movielens-100k"), StatusCode::kInvalidArgument, "u.data: file is empty");
  WriteMl100k(f.data, "\n  \n");
  ExpectError(f.Run("movielens-100k"), StatusCode::kInvalidArgument, "u.data: file is empty");
}

TEST(Import, UnknownFormatAndEncoding) {
  Fixture f;
  ExpectError(f.Run("movielens-1m"), StatusCode::kInvalidArgument, "unknown format 'movielens-1m'");
  auto enc = ParseEncoding("ebcdic");
  ASSERT_FALSE(enc.ok());
  EXPECT_EQ(enc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(enc.status().message().find("unknown encoding 'ebcdic'"), std::string::npos);
  EXPECT_EQ(*ParseEncoding("UTF-8"), Encoding::kUtf8);
  EXPECT_EQ(*ParseEncoding("latin1"), Encoding::kLatin1);
  EXPECT_FALSE(ParseOnError("ignore").ok());
}

TEST(Import, InvalidUtf8IsAnErrorInStrictMode) {
  Fixture f;
  WriteMl100k(f.data, "1\t1\t5\t100\n");
  ExpectError(f.Run("movielens-100k", OnError::kFail, Encoding::kUtf8), StatusCode::kInvalidArgument,
              "u.item:2: field 2 (title): invalid UTF-8");
  // auto (latin-1 for this format) accepts it.
  EXPECT_TRUE(f.Run("movielens-100k").ok());
}

TEST(Import, AutoEncodingDecodesEachFieldOnItsOwn) {
  Fixture f;
  // One UTF-8 field and one latin-1 field on the same line (as in Last.fm).
  WriteFile(f.data.File("items.csv"), "id,title,description\na,Caf\xC3\xA9,na\xEFve\n");
  auto r = f.Run("csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto item = f.store->GetItem("a");
  EXPECT_EQ(item->title, "Caf\xC3\xA9");
  EXPECT_EQ(item->description, "na\xC3\xAFve");
}

TEST(Import, HugeLineIsRejected) {
  Fixture f;
  std::string huge(2 << 20, 'x');
  WriteMl100k(f.data, "1\t1\t5\t100\n" + huge + "\n2\t2\t3\t200\n");
  ExpectError(f.Run("movielens-100k"), StatusCode::kInvalidArgument, "u.data:2: line is 2097152 bytes long");
  auto skipped = f.Run("movielens-100k", OnError::kSkip);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_EQ(skipped->lines_skipped, 1);
  EXPECT_EQ(f.Events(), 2);
}

TEST(Import, SkipModeImportsTheRestAndReportsWhy) {
  Fixture f;
  WriteMl100k(f.data, "1\t1\t5\t100\n1\tx\t5\t100\n2\t2\t3\t200\n2\t2\t3\n1\t2\t4\t300\n");
  auto r = f.Run("movielens-100k", OnError::kSkip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->lines_skipped, 2);
  ASSERT_EQ(r->skip_reasons.size(), 2u);
  EXPECT_NE(r->skip_reasons[0].find("u.data:2: field 2 (item id): 'x' is not an integer"), std::string::npos);
  EXPECT_NE(r->skip_reasons[1].find("u.data:4: expected 4 fields"), std::string::npos);
  EXPECT_EQ(r->written.events_written, 3);
  EXPECT_EQ(f.Events(), 3);
}

TEST(Import, SkipModeKeepsOnlyTheFirstFewReasons) {
  Fixture f;
  std::string data;
  for (int i = 0; i < 20; ++i) data += "bad line\n";
  data += "1\t1\t5\t100\n";
  WriteMl100k(f.data, data);
  auto r = f.Run("movielens-100k", OnError::kSkip);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->lines_skipped, 20);
  EXPECT_EQ(r->skip_reasons.size(), kMaxSkipReasons);
}

TEST(Import, ReimportDoesNotDuplicate) {
  Fixture f;
  WriteMl100k(f.data, "1\t1\t5\t100\n2\t2\t3\t200\n");
  ASSERT_TRUE(f.Run("movielens-100k").ok());
  auto again = f.Run("movielens-100k");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->written.events_written, 0);
  EXPECT_EQ(again->written.events_duplicate, 2);
  EXPECT_EQ(f.Events(), 2);
  EXPECT_EQ(f.Items(), 2);
  EXPECT_EQ(f.store->Stats()->n_users, 2);
}

TEST(Import, MovieLensLatestTagsAndLinks) {
  Fixture f;
  WriteFile(f.data.File("movies.csv"),
            "movieId,title,genres\n1,\"Heat, the Movie (1995)\",Action|Crime\n2,Nothing (2000),(no genres listed)\n");
  WriteFile(f.data.File("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,4.5,10\n2,2,1.0,20\n");
  WriteFile(f.data.File("tags.csv"), "userId,movieId,tag,timestamp\n1,1,\"heist, classic\",30\n2,1,heist,40\n");
  WriteFile(f.data.File("links.csv"), "movieId,imdbId,tmdbId\n1,0113277,949\n2,0000001,\n");
  auto r = f.Run("movielens-latest");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto heat = f.store->GetItem("1");
  EXPECT_EQ(heat->title, "Heat, the Movie (1995)");
  EXPECT_EQ(heat->genres, (std::vector<std::string>{"Action", "Crime"}));
  EXPECT_EQ(heat->tags, (std::vector<std::string>{"heist, classic", "heist"}));
  EXPECT_EQ(heat->attributes.at("year"), "1995");
  EXPECT_EQ(heat->attributes.at("tmdb_id"), "949");
  EXPECT_TRUE(f.store->GetItem("2")->genres.empty());
  EXPECT_EQ(f.store->GetItem("2")->attributes.count("tmdb_id"), 0u);
  EXPECT_EQ(r->written.events_written, 4);
}

TEST(Import, Lastfm2kSmallFolder) {
  Fixture f;
  WriteFile(f.data.File("artists.dat"), "id\tname\turl\tpictureURL\n1\tBj\xC3\xB6rk\thttp://a\t\n2\tMot\xF6rhead\thttp://b\thttp://p\n");
  WriteFile(f.data.File("user_artists.dat"), "userID\tartistID\tweight\n7\t1\t120\n8\t2\t3\n");
  WriteFile(f.data.File("tags.dat"), "tagID\ttagValue\n1\tmetal\n2\ticelandic\n");
  WriteFile(f.data.File("user_taggedartists.dat"),
            "userID\tartistID\ttagID\tday\tmonth\tyear\n7\t1\t2\t1\t4\t2009\n8\t1\t2\t2\t4\t2009\n8\t1\t1\t2\t4\t2009\n8\t99\t1\t1\t1\t2010\n");
  WriteFile(f.data.File("user_friends.dat"), "userID\tfriendID\n7\t8\n8\t7\n");
  auto r = f.Run("lastfm-2k");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(f.store->GetItem("1")->title, "Bj\xC3\xB6rk");
  EXPECT_EQ(f.store->GetItem("2")->title, "Mot\xC3\xB6rhead");
  EXPECT_EQ(f.store->GetItem("1")->tags, (std::vector<std::string>{"icelandic", "metal"}));
  EXPECT_EQ(r->written.links_written, 2);
  EXPECT_EQ(r->notes.size(), 2u);
  EXPECT_EQ(r->written.events_duplicate, 0);
  EventQuery q;
  q.types = {EventType::kTag};
  auto tags = f.store->ReadEvents(q);
  ASSERT_EQ(tags->size(), 2u);  // user 8 tagged artist 1 twice on one day: one event
  EXPECT_EQ((*tags)[0].timestamp, 1238544000);  // 2009-04-01
  q.types = {EventType::kPlayCount};
  EXPECT_FLOAT_EQ((*f.store->ReadEvents(q))[0].value, 120.0f);
}

}  // namespace
}  // namespace encore
