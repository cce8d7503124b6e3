// End-to-end: the encore binary imports, reports stats and generates demo data.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/run_encore.h"
#include "ingest/test_data.h"

namespace encore {
namespace {

using testing::RunEncore;
using testing::RunResult;

TEST(ImportCli, ImportsMovieLens100kAndReportsStatsAsJson) {
  std::string dir = testing::RequireDataset("ml-100k");
  ASSERT_FALSE(dir.empty());
  testing::TempDir tmp;
  std::string db = tmp.File("ml.db");
  RunResult imp = RunEncore("import --format movielens-100k --db " + db + " " + dir);
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  EXPECT_NE(imp.out.find("100000 new, 0 duplicate"), std::string::npos) << imp.out;

  RunResult stats = RunEncore("stats --db " + db + " --json");
  ASSERT_EQ(stats.exit_code, 0) << stats.out;
  nlohmann::json j = nlohmann::json::parse(stats.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << stats.out;
  EXPECT_EQ(j["users"], 943);
  EXPECT_EQ(j["items"], 1682);
  EXPECT_EQ(j["events"], 100000);
  EXPECT_EQ(j["events_per_type"]["rate"], 100000);
  EXPECT_EQ(j["user_item_pairs"], 100000);
  EXPECT_NEAR(j["sparsity"].get<double>(), 1.0 - 100000.0 / (943.0 * 1682.0), 1e-9);
  ASSERT_EQ(j["top_items"].size(), 10u);
  EXPECT_EQ(j["top_items"][0]["title"], "Star Wars (1977)");
  EXPECT_EQ(j["top_items"][0]["users"], 583);

  // A second import of the same folder adds nothing.
  RunResult again = RunEncore("import --format movielens-100k --db " + db + " " + dir);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("0 new, 100000 duplicate"), std::string::npos) << again.out;
}

TEST(ImportCli, BadInputGivesExitCodeAndMessage) {
  testing::TempDir tmp;
  std::string db = tmp.File("s.db");
  testing::WriteFile(tmp.File("u.item"), "1|Toy Story (1995)|01-Jan-1995||u|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
  testing::WriteFile(tmp.File("u.data"), "1\t1\t5\t100\n1\t1\tx\t200\n");
  RunResult bad = RunEncore("import --format movielens-100k --db " + db + " " + tmp.path());
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("encore import: error:"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("u.data:2: field 3 (rating): 'x' is not a number"), std::string::npos) << bad.out;

  RunResult skip = RunEncore("import --format movielens-100k --on-error skip --db " + db + " " + tmp.path());
  EXPECT_EQ(skip.exit_code, 0) << skip.out;
  EXPECT_NE(skip.out.find("skipped: 1 lines"), std::string::npos) << skip.out;

  RunResult encoding = RunEncore("import --format movielens-100k --encoding ebcdic --db " + db + " " + tmp.path());
  EXPECT_EQ(encoding.exit_code, 2) << encoding.out;
  EXPECT_NE(encoding.out.find("unknown encoding 'ebcdic'"), std::string::npos) << encoding.out;

  RunResult missing = RunEncore("import --format lastfm-2k --db " + db + " " + tmp.path());
  EXPECT_EQ(missing.exit_code, 1) << missing.out;
  EXPECT_NE(missing.out.find("artists.dat: no such file"), std::string::npos) << missing.out;

  RunResult no_store = RunEncore("stats --db " + tmp.File("nope.db"));
  EXPECT_EQ(no_store.exit_code, 1) << no_store.out;
  EXPECT_NE(no_store.out.find("no store at"), std::string::npos) << no_store.out;

  RunResult usage = RunEncore("import --db " + db);
  EXPECT_EQ(usage.exit_code, 2) << usage.out;
  EXPECT_EQ(RunEncore("import --help").exit_code, 0);
  EXPECT_EQ(RunEncore("stats --help").exit_code, 0);
  EXPECT_EQ(RunEncore("demo-data --help").exit_code, 0);
}

TEST(ImportCli, DemoDataWritesJsonlThatImportsToTheSameStore) {
  testing::TempDir tmp;
  std::string out = tmp.File("demo");
  RunResult gen = RunEncore("demo-data --users 100 --items 80 --plays 3000 --out " + out + " --db " + tmp.File("a.db"));
  ASSERT_EQ(gen.exit_code, 0) << gen.out;
  RunResult imp = RunEncore("import --format jsonl --db " + tmp.File("b.db") + " " + out);
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  auto a = nlohmann::json::parse(RunEncore("stats --json --db " + tmp.File("a.db")).out, nullptr, false);
  auto b = nlohmann::json::parse(RunEncore("stats --json --db " + tmp.File("b.db")).out, nullptr, false);
  ASSERT_FALSE(a.is_discarded() || b.is_discarded());
  EXPECT_EQ(a["users"], 100);
  EXPECT_EQ(a["items"], 80);
  EXPECT_EQ(a["events"], b["events"]);
  EXPECT_EQ(a["top_items"], b["top_items"]);
  EXPECT_EQ(RunEncore("demo-data").exit_code, 2);
}

}  // namespace
}  // namespace encore
