// Importers on the real shared datasets: counts must equal the published ones.
#include <gtest/gtest.h>

#include "ingest/importer.h"
#include "ingest/text_file.h"
#include "ingest/test_data.h"
#include "store/store.h"

namespace encore {
namespace {

idx_t EventsOfType(const StoreStats& stats, EventType type) {
  for (auto [t, n] : stats.events_per_type) {
    if (t == type) return n;
  }
  return 0;
}

struct Imported {
  std::unique_ptr<Store> store;
  ImportReport report;
};

Imported ImportInto(const testing::TempDir& tmp, const std::string& format, const std::string& dir) {
  Imported out;
  auto store = OpenStore(tmp.File("s.db"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  out.store = std::move(store).value();
  ImportOptions options;
  options.format = format;
  auto report = Import(*out.store, dir, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  if (report.ok()) out.report = *report;
  return out;
}

TEST(ImportDatasets, MovieLens100kMatchesPublishedCounts) {
  std::string dir = testing::RequireDataset("ml-100k");
  ASSERT_FALSE(dir.empty());
  testing::TempDir tmp;
  Imported imp = ImportInto(tmp, "movielens-100k", dir);
  auto stats = imp.store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->n_users, 943);
  EXPECT_EQ(stats->n_items, 1682);
  EXPECT_EQ(stats->n_events, 100000);
  EXPECT_EQ(EventsOfType(*stats, EventType::kRate), 100000);
  EXPECT_EQ(imp.report.written.events_duplicate, 0);
  EXPECT_EQ(imp.report.lines_skipped, 0);
  // External ids are the dataset's ids; indices follow file order.
  EXPECT_EQ(*imp.store->FindItem("1"), 0);
  EXPECT_EQ(*imp.store->FindUser("1"), 0);
  auto toy = imp.store->GetItem("1");
  ASSERT_TRUE(toy.ok());
  EXPECT_EQ(toy->title, "Toy Story (1995)");
  EXPECT_EQ(toy->kind, ItemKind::kMovie);
  EXPECT_EQ(toy->genres, (std::vector<std::string>{"Animation", "Children's", "Comedy"}));
  EXPECT_EQ(toy->created_at, 788918400);  // 01-Jan-1995
  EXPECT_EQ(imp.store->GetUser("1")->attributes.at("occupation"), "technician");

  // Importing the same folder again adds nothing.
  ImportOptions options;
  options.format = "movielens-100k";
  auto again = Import(*imp.store, dir, options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->written.events_written, 0);
  EXPECT_EQ(again->written.events_duplicate, 100000);
  auto after = imp.store->Stats();
  EXPECT_EQ(after->n_events, 100000);
  EXPECT_EQ(after->n_items, 1682);
  EXPECT_EQ(after->n_users, 943);
}

TEST(ImportDatasets, MovieLensLatestSmallMatchesPublishedCounts) {
  std::string dir = testing::RequireDataset("ml-latest-small");
  ASSERT_FALSE(dir.empty());
  testing::TempDir tmp;
  Imported imp = ImportInto(tmp, "movielens-latest", dir);
  auto stats = imp.store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->n_users, 610);
  EXPECT_EQ(stats->n_items, 9742);
  EXPECT_EQ(EventsOfType(*stats, EventType::kRate), 100836);
  // 3,683 tag lines; a user tagging one movie twice in the same second is one event.
  EXPECT_GT(EventsOfType(*stats, EventType::kTag), 3000);
  EXPECT_EQ(imp.report.events, 100836 + 3683 - 260);  // 260 tags repeat a (user, movie, second)
  EXPECT_EQ(imp.report.written.events_duplicate, 0);
  auto movie = imp.store->GetItem("1");
  ASSERT_TRUE(movie.ok());
  EXPECT_EQ(movie->title, "Toy Story (1995)");
  EXPECT_EQ(movie->genres, (std::vector<std::string>{"Adventure", "Animation", "Children", "Comedy", "Fantasy"}));
  EXPECT_EQ(movie->attributes.at("imdb_id"), "0114709");
  EXPECT_EQ(movie->attributes.at("tmdb_id"), "862");
  EXPECT_FALSE(movie->tags.empty());
  // A quoted title with a comma and doubled quotes.
  auto quoted = imp.store->GetItem("7789");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->title, "11'09\"01 - September 11 (2002)");
}

TEST(ImportDatasets, Lastfm2kMatchesPublishedCounts) {
  std::string dir = testing::RequireDataset("lastfm-2k");
  ASSERT_FALSE(dir.empty());
  testing::TempDir tmp;
  Imported imp = ImportInto(tmp, "lastfm-2k", dir);
  auto stats = imp.store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->n_users, 1892);
  EXPECT_EQ(stats->n_items, 17632);
  EXPECT_EQ(EventsOfType(*stats, EventType::kPlayCount), 92834);
  EXPECT_EQ(stats->n_links, 25434);
  // 186,479 assignments, minus those naming missing artists, one event per (user, artist, day).
  EXPECT_EQ(EventsOfType(*stats, EventType::kTag), 84201);
  // Notes: same-day repeats, and assignments naming artists missing from artists.dat.
  ASSERT_EQ(imp.report.notes.size(), 2u);
  EXPECT_EQ(imp.report.written.events_duplicate, 0);
  auto artist = imp.store->GetItem("52");
  ASSERT_TRUE(artist.ok());
  EXPECT_EQ(artist->kind, ItemKind::kArtist);
  EXPECT_EQ(artist->title, "Morcheeba");
  EXPECT_FALSE(artist->tags.empty());
  // Every text field came out as valid UTF-8 (tags.dat is latin-1, artists.dat UTF-8).
  auto items = imp.store->AllItems();
  ASSERT_TRUE(items.ok());
  for (const Item& item : *items) {
    for (const std::string& tag : item.tags) ASSERT_TRUE(IsValidUtf8(tag)) << item.id;
  }
}

}  // namespace
}  // namespace encore
