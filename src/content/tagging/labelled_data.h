// Labelled catalogues for the tagging tests and benchmarks: the raw ml-100k and
// Last.fm 2K files read into items, a users x items matrix and per-item label
// ids, without a store (tests/content and bench/ exercise content/ only, which
// may not link ingest or store). Not used by the taggers themselves.
//
// The files are read from a shared datasets folder; a missing file is NotFound
// naming the path, which callers turn into a failure (never a skip).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/interactions.h"
#include "core/records.h"
#include "core/status.h"

namespace encore::tagging::testdata {

struct LabelledCatalogue {
  std::vector<Item> items;                   // by internal index
  Interactions user_items;                   // users x items
  std::vector<std::vector<int32_t>> labels;  // label ids per item
  std::vector<std::string> label_names;
};

// $ENCORE_DATA_DIR/<dataset>; NotFound when the variable is unset or empty.
StatusOr<std::string> DataDir(const std::string& dataset);

// ml-100k: titles and the 18 real genres (the "unknown" flag is not a label).
StatusOr<LabelledCatalogue> LoadMl100k();

// Last.fm 2K: artist names, plays, and the `max_labels` tags used on the most
// artists as labels (an artist's labels: those tags, most-assigned first).
StatusOr<LabelledCatalogue> LoadLastfm(int max_labels);

// Marks a random `share` of the items that have labels as hidden (deterministic in seed).
std::vector<bool> HideShare(const std::vector<std::vector<int32_t>>& labels, double share, uint64_t seed);

}  // namespace encore::tagging::testdata
