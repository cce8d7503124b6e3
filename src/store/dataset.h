// Dataset: what training and evaluation read from a store in one call: the
// weighted user x item matrix plus the id mapping tables and item metadata.
#pragma once

#include <string>
#include <vector>

#include "core/interactions.h"
#include "core/records.h"
#include "core/weighting.h"
#include "store/store.h"

namespace encore {

struct Dataset {
  Interactions interactions;          // n_users x n_items, aggregated with the weighting below
  std::vector<EventRow> events;       // raw events, time-ordered (kept only when asked)
  std::vector<std::string> user_ids;  // internal index -> external id
  std::vector<std::string> item_ids;  // internal index -> external id
  std::vector<Item> items;            // metadata by internal index
  std::vector<bool> item_deleted;     // by internal index
  // Stored media analyses (JSON, docs/media.md) by internal index, "" for items
  // without one; empty when no item has one or DatasetOptions::load_analyses is off.
  std::vector<std::string> item_analyses;
};

struct DatasetOptions {
  WeightingOptions weighting;
  bool keep_events = false;   // fill Dataset::events
  bool load_items = true;     // fill Dataset::items (titles, genres, tags...)
  bool load_analyses = true;  // fill Dataset::item_analyses (for media-aware models such as fusion)
};

// Reads everything needed to train or evaluate from `store`.
StatusOr<Dataset> LoadDataset(const Store& store, const DatasetOptions& options = {});

}  // namespace encore
