#include "content/video/analysis_digest.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace encore::video {
namespace {

using nlohmann::json;

const json kStored = {{"kind", "video"},
                      {"tags", {"video", "minor key", "fast-paced editing"}},
                      {"keywords", {"weather", "forecast"}},
                      {"summary", "rain is coming"},
                      {"on_screen_text", {"EVENING NEWS"}},
                      {"transcript", {{"text", "good evening here is the weather"}}}};

TEST(AnalysisWords, CollectTagsAndEveryTextPart) {
  const AnalysisWords words = WordsOfAnalysis(kStored);
  EXPECT_EQ(words.tags, (std::vector<std::string>{"video", "minor key", "fast-paced editing"}));
  for (const char* part : {"weather", "forecast", "rain is coming", "EVENING NEWS", "good evening here is the weather"}) {
    EXPECT_NE(words.text.find(part), std::string::npos) << part;
  }
  // The transcript is cut at the limit.
  EXPECT_EQ(WordsOfAnalysis(kStored, 10).text.find("here is the weather"), std::string::npos);
}

TEST(AnalysisWords, ReachTheItemOnceAndJunkAddsNothing) {
  Item item;
  item.description = "A film.";
  item.tags = {"minor key"};
  AddAnalysisToItem(kStored.dump(), &item);
  EXPECT_EQ(item.tags, (std::vector<std::string>{"minor key"}));  // tags only when asked for
  AddAnalysisToItem(kStored.dump(), &item, {.tags = true});
  EXPECT_EQ(item.tags, (std::vector<std::string>{"minor key", "video", "fast-paced editing"}));
  EXPECT_EQ(item.description.rfind("A film.\n", 0), 0u);
  EXPECT_NE(item.description.find("EVENING NEWS"), std::string::npos);

  for (const std::string& junk : {std::string(), std::string("{not json"), std::string("[1,2]"),
                                   std::string(R"({"tags": 7, "transcript": "no object"})")}) {
    Item plain;
    plain.description = "same";
    AddAnalysisToItem(junk, &plain);
    EXPECT_EQ(plain.description, "same") << junk;
    EXPECT_TRUE(plain.tags.empty()) << junk;
  }
  // A catalogue: analyses may be fewer than items.
  std::vector<Item> items(3);
  AddAnalysesToItems({"", kStored.dump()}, &items, {.tags = true});
  EXPECT_TRUE(items[0].tags.empty());
  EXPECT_EQ(items[1].tags.size(), 3u);
  EXPECT_TRUE(items[2].description.empty());
}

}  // namespace
}  // namespace encore::video
