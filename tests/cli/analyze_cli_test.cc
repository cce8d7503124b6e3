// End-to-end: `encore analyze` on generated media (flite, sox, ffmpeg; nothing
// binary is committed), for files named on the command line and for every item
// of a store that has a media path. A corrupt file gives a clear error naming
// it while the rest of the batch is analysed.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/run_encore.h"
#include "content/media/test_media.h"
#include "store/store.h"

namespace encore {
namespace {

namespace tm = media::testmedia;
using nlohmann::json;

constexpr double kBpm = 100;
constexpr char kSaid[] = "welcome to the evening news here is the weather for today";

struct Output {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs encore with stdout and stderr apart (JSON on stdout, messages on stderr).
Output RunEncore(const std::string& args, const std::string& dir) {
  const std::string err_file = dir + "/stderr.txt";
  testing::RunResult r = testing::RunEncoreRedirected(args, " 2>" + tm::ShellQuote(err_file));
  std::ifstream in(err_file);
  std::ostringstream ss;
  ss << in.rdbuf();
  return {r.exit_code, r.out, ss.str()};
}

// Share of the words of `truth` found in `heard` (order ignored).
double WordsHeard(const std::string& truth, const std::string& heard) {
  std::set<std::string> got;
  std::istringstream h(heard);
  for (std::string w; h >> w;) got.insert(w);
  std::istringstream t(truth);
  int total = 0, found = 0;
  for (std::string w; t >> w; ++total) found += got.count(w) ? 1 : 0;
  return total ? static_cast<double>(found) / total : 0;
}

class AnalyzeCli : public ::testing::Test {
 protected:
  // Media is rendered once for the suite: a click track, a spoken sentence and junk.
  static void SetUpTestSuite() {
    auto dir = tm::MakeTempDir("analyze-cli");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = *dir;
    Status clicks = tm::ClickTrack(kBpm, 10, dir_ + "/clicks.wav");
    ASSERT_TRUE(clicks.ok()) << clicks.ToString();
    Status speech = tm::Speech(kSaid, "slt", dir_ + "/speech.wav");
    ASSERT_TRUE(speech.ok()) << speech.ToString();
    std::ofstream(dir_ + "/junk.mp3") << "ID3 this is not really an mp3 file, just text";
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::string dir_;
};
std::string AnalyzeCli::dir_;

TEST_F(AnalyzeCli, JsonForOneFileHasTempoAndTranscript) {
  Output clicks = RunEncore("analyze --json " + dir_ + "/clicks.wav", dir_);
  ASSERT_EQ(clicks.exit_code, 0) << clicks.out << clicks.err;
  json c = json::parse(clicks.out, nullptr, false);
  ASSERT_TRUE(c.is_object()) << clicks.out;
  EXPECT_EQ(c["kind"], "audio");
  EXPECT_NEAR(c["audio"]["tempo_bpm"].get<double>(), kBpm, 0.02 * kBpm) << clicks.out;
  EXPECT_NEAR(c["duration_s"].get<double>(), 10, 1);

  Output speech = RunEncore("analyze --json " + dir_ + "/speech.wav", dir_);
  ASSERT_EQ(speech.exit_code, 0) << speech.out << speech.err;
  json s = json::parse(speech.out, nullptr, false);
  ASSERT_TRUE(s.is_object()) << speech.out;
  const std::string heard = s["transcript"]["text"].get<std::string>();
  EXPECT_GE(WordsHeard(kSaid, heard), 0.7) << "heard: " << heard;
  EXPECT_FALSE(s["tags"].empty());

  // Text output names what was found.
  Output text = RunEncore("analyze " + dir_ + "/clicks.wav", dir_);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("BPM"), std::string::npos) << text.out;
}

TEST_F(AnalyzeCli, CorruptFileFailsAloneAndTheBatchGoesOn) {
  Output r = RunEncore("analyze --json " + dir_ + "/junk.mp3 " + dir_ + "/clicks.wav", dir_);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // a named file failed
  EXPECT_NE(r.err.find("encore analyze: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("junk.mp3"), std::string::npos) << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << r.out;
  ASSERT_EQ(j.size(), 2u);
  EXPECT_NE(j[0]["error"].get<std::string>().find("junk.mp3"), std::string::npos);
  EXPECT_NEAR(j[1]["audio"]["tempo_bpm"].get<double>(), kBpm, 0.02 * kBpm);

  Output missing = RunEncore("analyze " + dir_ + "/nope.wav", dir_);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.wav"), std::string::npos) << missing.err;
  EXPECT_EQ(RunEncore("analyze", dir_).exit_code, 2);
  EXPECT_EQ(RunEncore("analyze --jobs 0 " + dir_ + "/clicks.wav", dir_).exit_code, 2);
}

TEST_F(AnalyzeCli, StoreItemsAreAnalysedOnceAndStored) {
  // Three items with media (one relative to the store's folder, one corrupt) and one without.
  const std::string cat = dir_ + "/catalogue";
  std::filesystem::create_directories(cat);
  {
    std::ofstream items(cat + "/items.jsonl");
    items << json({{"id", "beat"}, {"title", "Click track"}, {"kind", "track"}, {"media", dir_ + "/clicks.wav"}}).dump()
          << "\n"
          << json({{"id", "talk"}, {"title", "News"}, {"kind", "podcast"}, {"media", "speech.wav"}}).dump() << "\n"
          << json({{"id", "bad"}, {"title", "Broken"}, {"kind", "track"}, {"media", dir_ + "/junk.mp3"}}).dump()
          << "\n"
          << json({{"id", "plain"}, {"title", "No media"}, {"kind", "movie"}}).dump() << "\n";
  }
  const std::string db = dir_ + "/store.db";
  Output imp = RunEncore("import --format jsonl --db " + db + " " + cat, dir_);
  ASSERT_EQ(imp.exit_code, 0) << imp.out << imp.err;

  Output first = RunEncore("analyze --json --db " + db, dir_);
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;  // a store batch reports failures without failing
  json f = json::parse(first.out, nullptr, false);
  ASSERT_TRUE(f.is_object()) << first.out;
  EXPECT_EQ(f["items_with_media"], 3);
  EXPECT_EQ(f["analysed"], 2);
  EXPECT_EQ(f["failed"], 1);
  EXPECT_GT(f["media_seconds"].get<double>(), 10);
  // What was said is searchable: "weather" is only in the podcast's transcript, not its title.
  Output search = RunEncore("search --json --no-embeddings --db " + db + " weather", dir_);
  ASSERT_EQ(search.exit_code, 0) << search.out << search.err;
  json hits = json::parse(search.out, nullptr, false);
  ASSERT_TRUE(hits.is_object() && hits["items"].is_array() && !hits["items"].empty()) << search.out;
  EXPECT_EQ(hits["items"][0]["id"], "talk") << search.out;
  EXPECT_NE(first.err.find("item bad:"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("junk.mp3"), std::string::npos) << first.err;

  {
    auto store = OpenStore(db);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    int version = 0;
    auto beat = (*store)->GetItemData("beat", "media_analysis", &version);
    ASSERT_TRUE(beat.ok()) << beat.status().ToString();
    EXPECT_GE(version, 1);
    json b = json::parse(*beat);
    EXPECT_NEAR(b["audio"]["tempo_bpm"].get<double>(), kBpm, 0.02 * kBpm);
    auto talk = (*store)->GetItemData("talk", "media_analysis");
    ASSERT_TRUE(talk.ok()) << talk.status().ToString();
    EXPECT_GE(WordsHeard(kSaid, json::parse(*talk)["transcript"]["text"].get<std::string>()), 0.7);
    EXPECT_EQ((*store)->GetItemData("bad", "media_analysis").status().code(), StatusCode::kNotFound);
    EXPECT_EQ((*store)->GetItemData("plain", "media_analysis").status().code(), StatusCode::kNotFound);
  }

  // Analysis runs once: the second run only retries the failed item.
  Output second = RunEncore("analyze --json --db " + db, dir_);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  json s = json::parse(second.out, nullptr, false);
  ASSERT_TRUE(s.is_object()) << second.out;
  EXPECT_EQ(s["up_to_date"], 2);
  EXPECT_EQ(s["analysed"], 0);
  EXPECT_EQ(s["failed"], 1);
  Output forced = RunEncore("analyze --json --force --no-speech --db " + db, dir_);
  EXPECT_EQ(json::parse(forced.out, nullptr, false)["analysed"], 2) << forced.out << forced.err;

  Output no_store = RunEncore("analyze --db " + dir_ + "/missing/none.db", dir_);
  EXPECT_NE(no_store.exit_code, 0);
}

TEST_F(AnalyzeCli, DemoCatalogueWithGeneratedMediaIsAnalysed) {
  const std::string db = dir_ + "/demo.db", media = dir_ + "/demo-media";
  Output gen = RunEncore("demo-data --users 20 --items 12 --plays 200 --db " + db + " --media " + media +
                                " --media-items 3 --media-seconds 3",
                            dir_);
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  EXPECT_NE(gen.out.find("rendered 3 media files"), std::string::npos) << gen.out;
  // The fusion model reads stored analyses: asking for audio before any analysis fails and says why.
  const std::string train_fusion = "train --db " + db + " --threads 1 --model fusion --param modalities=text,audio " +
                                   "--param epochs=3 --param dim=8 --param hidden=16 --out " + dir_ + "/fusion.bin";
  Output early = RunEncore(train_fusion, dir_);
  EXPECT_EQ(early.exit_code, 1) << early.out << early.err;
  EXPECT_NE(early.err.find("encore analyze"), std::string::npos) << early.err;
  Output r = RunEncore("analyze --json --no-ocr --db " + db, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["items_with_media"], 3);
  EXPECT_EQ(j["analysed"], 3) << r.err;
  EXPECT_EQ(j["failed"], 0);

  // After analysis, the same training runs on text + audio and the model recommends.
  Output trained = RunEncore(train_fusion, dir_);
  ASSERT_EQ(trained.exit_code, 0) << trained.out << trained.err;
  EXPECT_NE(trained.out.find("trained fusion"), std::string::npos) << trained.out;
  Output rec = RunEncore("recommend --json --db " + db + " --model " + dir_ + "/fusion.bin --user u0001 -n 3", dir_);
  ASSERT_EQ(rec.exit_code, 0) << rec.out << rec.err;
  json recs = json::parse(rec.out, nullptr, false);
  ASSERT_TRUE(recs.is_object() && recs["items"].is_array()) << rec.out;
  EXPECT_EQ(recs["items"].size(), 3u) << rec.out;
  for (const json& item : recs["items"]) EXPECT_EQ(item["id"].get<std::string>().rfind("i", 0), 0u) << rec.out;

  Output bad = RunEncore("demo-data --users 5 --items 5 --db " + dir_ + "/x.db --media " + media + " --media-seconds 0", dir_);
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("seconds"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace encore
