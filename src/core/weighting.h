// Turns raw events into one weighted Interaction per (user, item): the single
// place where event semantics (ratings, watch ratios, skips...) become numbers.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/interactions.h"
#include "core/records.h"
#include "core/status.h"

namespace encore {

struct WeightingOptions {
  // Ratings >= this count as positive; lower ratings are ignored (or negative, below).
  double rating_positive_min = 0.0;
  // Ratings <= this count as negative (-1). Disabled by default (-inf).
  double rating_negative_max = -1e300;
  // When true a positive rating contributes its value; otherwise 1.
  bool rating_as_weight = false;
  // A play with watch ratio >= this is positive; 0 (unknown ratio) counts as positive too.
  double play_positive_ratio = 0.5;
  // A play with watch ratio below this (and > 0) counts as negative (-1).
  double play_negative_ratio = 0.1;
  // play_count events contribute log1p(count) when true, else count.
  bool play_count_log = true;
  float like_weight = 2.0f;
  float click_weight = 0.5f;
  float share_weight = 1.0f;
  float purchase_weight = 2.0f;
  float search_weight = 0.5f;
  float tag_weight = 1.0f;
  float skip_weight = -1.0f;
  float dislike_weight = -2.0f;
  float impression_weight = 0.0f;
  // Pairs whose summed weight lies in (-min_abs_weight, min_abs_weight) are dropped.
  float min_abs_weight = 1e-6f;

  // Sets one field from "key=value" text (CLI `--weight key=value`).
  Status Set(const std::string& key, const std::string& value);
  Status Validate() const;
};

// The weight of one event under `options` (0 = no signal).
float EventWeight(const EventRow& event, const WeightingOptions& options);

// Aggregates events into (user, item) pairs: weights summed, latest timestamp kept,
// near-zero pairs dropped. Output sorted by (user, item).
std::vector<Interaction> AggregateEvents(std::span<const EventRow> events,
                                         const WeightingOptions& options);

}  // namespace encore
