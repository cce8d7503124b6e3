// A deterministic demo catalogue for trying encore without downloading data
// (`encore demo-data`). Users have latent tastes over genres; they play items
// that match their taste (and popular items) more often and watch more of them,
// so collaborative models learn a real signal (they beat popularity on it).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "store/store.h"

namespace encore {

struct DemoDataOptions {
  int n_users = 2000;            // users, ids "u0001".."u2000"
  int n_items = 1500;            // items, ids "i0001".."i1500"
  int n_plays = 100000;          // play events (likes, skips and dislikes come on top)
  uint64_t seed = 42;            // same seed and sizes -> the same data, byte for byte
  int64_t start_time = 1672531200;  // first event time (2023-01-01T00:00:00Z)
  int span_days = 365;           // events spread over this many days

  Status Validate() const;
};

// Items of kinds movie|episode|clip|track|podcast with titles, descriptions,
// genres, tags, language, duration and created_at (no media: see
// ingest/demo_media.h); users with a country and age
// group; `play` events with watch ratios, plus `like`, `skip` and `dislike`.
StatusOr<WriteBatch> GenerateDemoData(const DemoDataOptions& options);

}  // namespace encore
