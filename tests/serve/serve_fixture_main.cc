// encore_serve_fixture DIR: writes DIR/store.db (the serving test catalogue),
// DIR/model.bin (iALS trained on it) and DIR/report/report.md, for tests that
// start `encore serve` as a process (the dashboard browser test).
#include <cstdio>
#include <fstream>

#include "serve_test_util.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::filesystem::create_directories(dir + "/report");
  encore::Status s = encore::serve_test::BuildFixture(dir + "/store.db", "ials", encore::serve_test::kSmallIals,
                                                      dir + "/model.bin");
  if (!s.ok()) {
    std::fprintf(stderr, "encore_serve_fixture: %s\n", s.ToString().c_str());
    return 1;
  }
  // Item "lunar" gets media and a stored analysis (as `encore analyze --db` writes it) for the dashboard's analysis view.
  s = [&]() -> encore::Status {
    ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<encore::Store> store, encore::OpenStore(dir + "/store.db"));
    ENCORE_ASSIGN_OR_RETURN(encore::Item lunar, store->GetItem("lunar"));
    lunar.media = dir + "/lunar.mp4";
    encore::WriteBatch batch;
    batch.items.push_back(lunar);
    ENCORE_RETURN_IF_ERROR(store->Write(batch).status());
    return store->PutItemData("lunar", "media_analysis", 1, R"({"version": 1, "kind": "video", "duration_s": 42.0,
      "tags": ["video", "moderate tempo", "minor key", "on-screen text"], "description": "A 42 s video in 2 shots.",
      "summary": "astronauts drift beyond the moon", "keywords": ["moon"],
      "transcript": {"text": "the astronauts drift beyond the moon tonight", "segments": []},
      "audio": {"tempo_bpm": 120.0, "beat_regularity": 0.9, "key": "A minor", "key_strength": 0.81},
      "shots": [{"start_s": 0.0, "end_s": 20.0, "transition_in": "start", "colour": "dark blue",
                 "text": [{"text": "LUNAR ODYSSEY", "confidence": 92}]},
                {"start_s": 20.0, "end_s": 42.0, "transition_in": "cut", "colour": "black", "text": []}],
      "on_screen_text": ["LUNAR ODYSSEY"]})");
  }();
  if (!s.ok()) {
    std::fprintf(stderr, "encore_serve_fixture: %s\n", s.ToString().c_str());
    return 1;
  }
  std::ofstream(dir + "/report/report.md") << "# Evaluation report (fixture)\n\n| model | ndcg@10 |\n|---|---|\n| ials | 0.42 |\n";
  std::printf("%s/store.db %s/model.bin\n", dir.c_str(), dir.c_str());
  return 0;
}
