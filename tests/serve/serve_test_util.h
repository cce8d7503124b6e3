// Shared fixtures for the serving tests: a temporary folder, and a small store
// with three taste clusters plus trained model files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/records.h"
#include "models/recommender.h"
#include "store/dataset.h"
#include "store/store.h"

namespace encore::serve_test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "encore_serve_XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Clusters: movies m0..m11 (drama), movies c0..c11 (comedy), tracks t0..t11
// (jazz). Users u0..u29: user k prefers cluster k % 3 and played 6 of its
// items plus one item from the next cluster. Timestamps from 1,000,000.
inline constexpr int kClusterItems = 12;
inline constexpr int kUsers = 30;

inline std::string ClusterPrefix(int cluster) { return cluster == 0 ? "m" : cluster == 1 ? "c" : "t"; }
// (std::string::append rather than "u" + ...: GCC 12 warns falsely on the latter, PR 105329.)
inline std::string Id(std::string prefix, int n) { return prefix.append(std::to_string(n)); }

inline WriteBatch FixtureBatch() {
  WriteBatch batch;
  const char* genres[] = {"Drama", "Comedy", "Jazz"};
  for (int cluster = 0; cluster < 3; ++cluster) {
    for (int i = 0; i < kClusterItems; ++i) {
      Item item;
      item.id = Id(ClusterPrefix(cluster), i);
      item.kind = cluster == 2 ? ItemKind::kTrack : ItemKind::kMovie;
      item.title = Id(std::string(genres[cluster]) + " title ", i);
      item.description = cluster == 2 ? "smooth saxophone session" : "a story about people";
      item.language = cluster == 1 ? "fr" : "en";
      item.genres = {genres[cluster]};
      item.tags = {i % 2 ? "classic" : "modern"};
      item.created_at = 1000000 + cluster * 100 + i;
      batch.items.push_back(item);
    }
  }
  Item special;
  special.id = "lunar";
  special.kind = ItemKind::kMovie;
  special.title = "Lunar Odyssey";
  special.description = "astronauts drift beyond the moon";
  special.genres = {"SciFi"};
  special.created_at = 900000;
  batch.items.push_back(special);
  for (int u = 0; u < kUsers; ++u) {
    const int cluster = u % 3;
    for (int k = 0; k < 6; ++k) {
      Event e;
      e.user = Id("u", u);
      e.item = Id(ClusterPrefix(cluster), (u / 3 + k) % kClusterItems);
      e.type = EventType::kPlay;
      e.value = 1.0;
      e.timestamp = 1000000 + u * 10 + k;
      batch.events.push_back(e);
    }
    Event other;
    other.user = Id("u", u);
    other.item = Id(ClusterPrefix((cluster + 1) % 3), u % kClusterItems);
    other.type = EventType::kPlay;
    other.value = 1.0;
    other.timestamp = 1000000 + u * 10 + 7;
    batch.events.push_back(other);
  }
  return batch;
}

// Trains `model` on the store at `db` and saves it to `model_path`.
inline Status TrainInto(const std::string& db, const std::string& model, const ModelParams& params,
                        const std::string& model_path) {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(db));
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDataset(*store));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> m, CreateModel(model, params));
  TrainContext ctx;
  ctx.run.threads = 1;
  ctx.run.progress = false;
  ctx.items = &data.items;
  if (!data.item_analyses.empty()) ctx.item_analyses = &data.item_analyses;
  ENCORE_RETURN_IF_ERROR(m->Fit(ctx, data.interactions));
  return SaveModel(*m, model_path);
}

// iALS for the few-dozen-item fixture: the code defaults (plain L2 reg 50) are chosen for catalogue-sized
// data and flatten 8-factor vectors trained on a handful of plays, so the fixture keeps the small-data
// settings its assertions (cluster users get their cluster) were written against.
inline const ModelParams kSmallIals = {{"factors", "8"}, {"epochs", "8"}, {"reg", "0.01"},
                                       {"nu", "1"},      {"alpha", "1"},  {"unobserved", "0.1"}};

// Creates the store at `db` and trains `model` with `params` into `model_path`.
inline Status BuildFixture(const std::string& db, const std::string& model, const ModelParams& params,
                           const std::string& model_path) {
  {
    ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(db));
    ENCORE_RETURN_IF_ERROR(store->Write(FixtureBatch()).status());
  }
  return TrainInto(db, model, params, model_path);
}

}  // namespace encore::serve_test
