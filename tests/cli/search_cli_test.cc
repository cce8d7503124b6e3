// End-to-end: `encore search` on ml-latest-small (intent filters, tag queries,
// personalisation, JSON, and clear errors for bad queries and users).
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/run_encore.h"
#include "ingest/test_data.h"

namespace encore {
namespace {

using testing::RunEncore;
using testing::RunResult;
using testing::Stderr;

// One ml-latest-small store shared by the tests of this file.
class SearchCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string data = testing::RequireDataset("ml-latest-small");
    ASSERT_FALSE(data.empty());
    dir_ = new testing::TempDir();
    db_ = dir_->File("mll.db");
    RunResult r = RunEncore("import --format movielens-latest --db " + db_ + " " + data);
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // Runs a search that must succeed and returns its JSON.
  static nlohmann::json Search(const std::string& args) {
    RunResult r = RunEncore("search --db " + db_ + " " + args + " --json", Stderr::kDiscard);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  static int Carrying(const nlohmann::json& items, const std::string& field, const std::string& label) {
    int n = 0;
    for (const auto& item : items) {
      const auto& labels = item[field];
      n += std::find(labels.begin(), labels.end(), label) != labels.end() ? 1 : 0;
    }
    return n;
  }
  static std::vector<std::string> Ids(const nlohmann::json& items) {
    std::vector<std::string> ids;
    for (const auto& item : items) ids.push_back(item["id"]);
    return ids;
  }

  static testing::TempDir* dir_;
  static std::string db_;
};
testing::TempDir* SearchCli::dir_ = nullptr;
std::string SearchCli::db_;

TEST_F(SearchCli, GenreQueryIsParsedIntoAFilterAndEveryResultCarriesTheGenre) {
  // Default path: catalogue-trained fastText vectors plus BM25.
  nlohmann::json j = Search("\"scary horror movie\" -n 10");
  ASSERT_TRUE(j.contains("items")) << j.dump();
  ASSERT_EQ(j["items"].size(), 10u) << j.dump(2);
  EXPECT_EQ(j["filters"]["genres"], nlohmann::json::array({"horror"})) << j["filters"].dump();
  EXPECT_EQ(j["personalised"], false);
  EXPECT_EQ(Carrying(j["items"], "genres", "Horror"), 10) << j["items"].dump(2);
  // Scores come out ranked.
  for (size_t k = 1; k < j["items"].size(); ++k) {
    EXPECT_GE(j["items"][k - 1]["score"].get<double>(), j["items"][k]["score"].get<double>());
  }
}

TEST_F(SearchCli, ChineseGenreSynonymSelectsTheGenre) {
  nlohmann::json j = Search("\"科幻电影\" -n 10 --no-embeddings");
  ASSERT_EQ(j["items"].size(), 10u) << j.dump(2);
  EXPECT_EQ(Carrying(j["items"], "genres", "Sci-Fi"), 10) << j["items"].dump(2);
}

TEST_F(SearchCli, TagQueryRanksItemsCarryingTheTag) {
  // No genre words here: the ranking comes from BM25 over the tag field.
  nlohmann::json j = Search("\"superhero movies\" -n 10 --no-embeddings");
  ASSERT_EQ(j["items"].size(), 10u) << j.dump(2);
  EXPECT_TRUE(j["filters"]["genres"].empty()) << j["filters"].dump();
  EXPECT_GE(Carrying(j["items"], "tags", "superhero"), 7) << j["items"].dump(2);
}

TEST_F(SearchCli, UserHistoryPersonalisesTheOrder) {
  const nlohmann::json anonymous = Search("\"funny comedy films\" -n 10 --no-embeddings");
  const nlohmann::json personal = Search("\"funny comedy films\" -n 10 --no-embeddings --user 1");
  ASSERT_EQ(anonymous["items"].size(), 10u);
  ASSERT_EQ(personal["items"].size(), 10u);
  EXPECT_EQ(personal["personalised"], true);
  EXPECT_NE(Ids(anonymous["items"]), Ids(personal["items"]));
  // The profile term is what changed, and the filter still holds.
  double profile = 0;
  for (const auto& item : personal["items"]) profile += item["profile"].get<double>();
  EXPECT_GT(profile, 0);
  EXPECT_EQ(Carrying(personal["items"], "genres", "Comedy"), 10) << personal["items"].dump(2);
}

TEST_F(SearchCli, BadQueriesAndUsersGiveAClearErrorAndExitCode2) {
  RunResult empty = RunEncore("search --db " + db_ + " \"\"");
  EXPECT_EQ(empty.exit_code, 2) << empty.out;
  EXPECT_NE(empty.out.find("encore search: error: search: the query is empty"), std::string::npos) << empty.out;

  RunResult blank = RunEncore("search --db " + db_ + " \"  ,;  \"");
  EXPECT_EQ(blank.exit_code, 2) << blank.out;
  EXPECT_NE(blank.out.find("the query is empty"), std::string::npos) << blank.out;

  // 0xFF can never appear in UTF-8.
  RunResult invalid = RunEncore("search --db " + db_ + " \"$(printf 'horror \\377')\"");
  EXPECT_EQ(invalid.exit_code, 2) << invalid.out;
  EXPECT_NE(invalid.out.find("invalid UTF-8 at byte 7"), std::string::npos) << invalid.out;

  RunResult user = RunEncore("search --db " + db_ + " comedy --user no-such-user");
  EXPECT_EQ(user.exit_code, 2) << user.out;
  EXPECT_NE(user.out.find("--user: no user 'no-such-user'"), std::string::npos) << user.out;

  RunResult n = RunEncore("search --db " + db_ + " comedy -n 0");
  EXPECT_NE(n.exit_code, 0) << n.out;

  RunResult no_db = RunEncore("search --db " + dir_->File("missing/none.db") + " comedy");
  EXPECT_NE(no_db.exit_code, 0) << no_db.out;
  EXPECT_NE(no_db.out.find("encore search: error:"), std::string::npos) << no_db.out;
}

}  // namespace
}  // namespace encore
