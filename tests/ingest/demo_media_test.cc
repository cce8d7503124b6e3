#include "ingest/demo_media.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "ingest/demo_data.h"

namespace encore {
namespace {

namespace fs = std::filesystem;

// A small demo catalogue whose first three items are a track, a podcast and a movie.
WriteBatch ThreeKinds() {
  DemoDataOptions options;
  options.n_users = 5;
  options.n_items = 40;
  options.n_plays = 10;
  auto batch = GenerateDemoData(options);
  EXPECT_TRUE(batch.ok());
  size_t next = 0;
  for (ItemKind kind : {ItemKind::kTrack, ItemKind::kPodcast, ItemKind::kMovie}) {
    for (size_t i = next; i < batch->items.size(); ++i) {
      if (batch->items[i].kind == kind) {
        std::swap(batch->items[i], batch->items[next++]);
        break;
      }
    }
  }
  EXPECT_EQ(next, 3u);
  return std::move(*batch);
}

TEST(DemoMedia, RendersOneFilePerItemAndSetsMediaPaths) {
  ASSERT_TRUE(CheckDemoMediaTools().ok()) << CheckDemoMediaTools().ToString();
  WriteBatch batch = ThreeKinds();
  for (const Item& item : batch.items) EXPECT_TRUE(item.media.empty()) << "demo data has no media by default";
  const fs::path dir = fs::temp_directory_path() / ("encore-demo-media-" + std::to_string(::getpid()));
  DemoMediaOptions options;
  options.dir = (dir / "media").string();
  options.n_items = 3;
  options.seconds = 3;
  auto made = GenerateDemoMedia(options, &batch);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(*made, 3);
  EXPECT_EQ(fs::path(batch.items[0].media).extension(), ".wav");  // track
  EXPECT_EQ(fs::path(batch.items[1].media).extension(), ".wav");  // podcast
  EXPECT_EQ(fs::path(batch.items[2].media).extension(), ".mp4");  // movie
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(fs::path(batch.items[i].media).is_absolute());
    ASSERT_TRUE(fs::exists(batch.items[i].media)) << batch.items[i].media;
    EXPECT_GT(fs::file_size(batch.items[i].media), 10000u) << batch.items[i].media;
  }
  for (size_t i = 3; i < batch.items.size(); ++i) EXPECT_TRUE(batch.items[i].media.empty());
  // Only the media files are left behind (intermediate clips are removed).
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(options.dir)) files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 3u);
  fs::remove_all(dir);
}

TEST(DemoMedia, BadOptionsAreClearErrors) {
  WriteBatch batch;
  DemoMediaOptions options;
  EXPECT_EQ(GenerateDemoMedia(options, &batch).status().code(), StatusCode::kInvalidArgument);  // no folder
  options.dir = "/tmp/x";
  options.n_items = -1;
  EXPECT_EQ(options.Validate().code(), StatusCode::kInvalidArgument);
  options.n_items = 2;
  options.seconds = 0.5;
  EXPECT_NE(options.Validate().message().find("seconds"), std::string::npos);
  // An unwritable folder names itself.
  options.seconds = 4;
  options.dir = "/proc/encore-no-such/media";
  auto made = GenerateDemoMedia(options, &batch);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("/proc/encore-no-such/media"), std::string::npos) << made.status().ToString();
}

}  // namespace
}  // namespace encore
