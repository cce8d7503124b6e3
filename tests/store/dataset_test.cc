#include "store/dataset.h"

#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/test_util.h"

namespace encore {
namespace {

TEST(LoadDataset, AggregatesEventsIntoTheUserItemMatrix) {
  testing::TempDir dir;
  auto store = OpenStore(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  WriteBatch batch;
  for (std::string id : {"a", "b", "c"}) {
    Item item;
    item.id = id;
    item.title = "T" + id;
    batch.items.push_back(item);
  }
  batch.events = {
      {"u1", "a", EventType::kRate, 5, 10, "", ""},
      {"u1", "b", EventType::kRate, 2, 11, "", ""},   // below the positive threshold set below
      {"u2", "a", EventType::kPlay, 0.9, 12, "", ""},
      {"u2", "a", EventType::kLike, 0, 13, "", ""},   // summed with the play
      {"u2", "c", EventType::kSkip, 0, 14, "", ""},   // negative
  };
  ASSERT_TRUE((*store)->Write(batch).ok());
  DatasetOptions options;
  options.weighting.rating_positive_min = 4;
  options.keep_events = true;
  auto data = LoadDataset(**store, options);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->user_ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(data->item_ids, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(data->items.size(), 3u);
  EXPECT_EQ(data->items[1].title, "Tb");
  EXPECT_EQ(data->events.size(), 5u);
  const Interactions& m = data->interactions;
  EXPECT_EQ(m.n_users(), 2);
  EXPECT_EQ(m.n_items(), 3);
  EXPECT_EQ(m.nnz(), 3);
  ASSERT_EQ(m.RowSize(1), 2);
  EXPECT_FLOAT_EQ(m.RowWeights(1)[0], 1.0f + options.weighting.like_weight);
  EXPECT_FLOAT_EQ(m.RowWeights(1)[1], options.weighting.skip_weight);
  EXPECT_EQ(m.RowTimestamps(1)[0], 13);
  EXPECT_TRUE(data->item_analyses.empty());  // no item has been analysed
}

TEST(LoadDataset, LoadsStoredMediaAnalysesByItemIndex) {
  testing::TempDir dir;
  auto store = OpenStore(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  WriteBatch batch;
  for (std::string id : {"a", "b", "c"}) batch.items.push_back(Item{.id = id});
  batch.events = {{"u1", "a", EventType::kPlay, 1, 10, "", ""}};
  ASSERT_TRUE((*store)->Write(batch).ok());
  ASSERT_TRUE((*store)->PutItemData("c", kMediaAnalysisKey, 1, R"({"kind":"audio"})").ok());
  ASSERT_TRUE((*store)->PutItemData("a", "something else", 1, "x").ok());
  auto data = LoadDataset(**store);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  EXPECT_EQ(data->item_analyses, (std::vector<std::string>{"", "", R"({"kind":"audio"})"}));
  DatasetOptions off;
  off.load_analyses = false;
  EXPECT_TRUE(LoadDataset(**store, off)->item_analyses.empty());
}

}  // namespace
}  // namespace encore
