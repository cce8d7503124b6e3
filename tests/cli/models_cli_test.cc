// encore models: the registry as the CLI shows it, and an ensemble end to end
// (demo data -> train -> recommend) with its parameter errors.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/run_encore.h"

namespace encore {
namespace {

using testing::RunEncore;
using testing::Stderr;

TEST(ModelsCli, JsonListsEveryModelWithDefaults) {
  auto r = RunEncore("models --json --params", Stderr::kDiscard);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& m : j) by_name[m.at("name").get<std::string>()] = m;
  for (const char* name : {"popularity", "itemknn", "userknn", "rp3beta", "ease", "ials", "bpr", "ensemble", "sasrec"}) {
    ASSERT_TRUE(by_name.count(name)) << name;
    EXPECT_FALSE(by_name[name].at("summary").get<std::string>().empty()) << name;
  }
  EXPECT_EQ(by_name["ials"].at("defaults").at("nu").get<std::string>().substr(0, 1), "0");
  EXPECT_EQ(by_name["ensemble"].at("defaults").at("models").get<std::string>(), "ease,ials");
}

TEST(ModelsCli, EnsembleTrainsRecommendsAndRejectsBadWeights) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("models_cli_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  const std::string db = dir + "/demo.db", model = dir + "/ens.model";
  ASSERT_EQ(RunEncore("demo-data --db " + db + " --out " + dir + "/demo --users 200 --items 150").exit_code, 0);
  auto train = RunEncore("train --db " + db + " --model ensemble --param models=ease,rp3beta --param weights=2,1 --out " +
                         model);
  ASSERT_EQ(train.exit_code, 0) << train.out;
  auto rec = RunEncore("recommend --model " + model + " --db " + db + " --user u0001 -n 5 --json", Stderr::kDiscard);
  EXPECT_EQ(rec.exit_code, 0) << rec.out;
  auto items = nlohmann::json::parse(rec.out).at("items");
  ASSERT_EQ(items.size(), 5u) << rec.out;
  for (const auto& item : items) EXPECT_EQ(item.at("id").get<std::string>().rfind("i", 0), 0u) << rec.out;

  auto bad = RunEncore("train --db " + db + " --model ensemble --param models=ease,rp3beta --param weights=1 --out " +
                       dir + "/bad.model");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("weights= has 1 values for 2 models"), std::string::npos) << bad.out;
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad.model"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace encore
