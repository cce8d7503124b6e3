#include "core/weighting.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace encore {
namespace {

Status ParseDouble(const std::string& key, const std::string& text, double* out) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
    return InvalidArgument("weighting option '" + key + "': '" + text + "' is not a number");
  }
  *out = v;
  return Status::Ok();
}

Status ParseBool(const std::string& key, const std::string& text, bool* out) {
  if (text == "true" || text == "1") { *out = true; return Status::Ok(); }
  if (text == "false" || text == "0") { *out = false; return Status::Ok(); }
  return InvalidArgument("weighting option '" + key + "': '" + text + "' is not true/false");
}

}  // namespace

Status WeightingOptions::Set(const std::string& key, const std::string& value) {
  double v = 0;
  if (key == "rating_as_weight") return ParseBool(key, value, &rating_as_weight);
  if (key == "play_count_log") return ParseBool(key, value, &play_count_log);
  ENCORE_RETURN_IF_ERROR(ParseDouble(key, value, &v));
  auto f = static_cast<float>(v);
  if (key == "rating_positive_min") rating_positive_min = v;
  else if (key == "rating_negative_max") rating_negative_max = v;
  else if (key == "play_positive_ratio") play_positive_ratio = v;
  else if (key == "play_negative_ratio") play_negative_ratio = v;
  else if (key == "like_weight") like_weight = f;
  else if (key == "click_weight") click_weight = f;
  else if (key == "share_weight") share_weight = f;
  else if (key == "purchase_weight") purchase_weight = f;
  else if (key == "search_weight") search_weight = f;
  else if (key == "tag_weight") tag_weight = f;
  else if (key == "skip_weight") skip_weight = f;
  else if (key == "dislike_weight") dislike_weight = f;
  else if (key == "impression_weight") impression_weight = f;
  else if (key == "min_abs_weight") min_abs_weight = f;
  else return InvalidArgument("unknown weighting option '" + key + "'");
  return Validate();
}

Status WeightingOptions::Validate() const {
  if (rating_negative_max >= rating_positive_min && rating_negative_max > -1e299) {
    return InvalidArgument("weighting: rating_negative_max must be below rating_positive_min");
  }
  if (play_positive_ratio < 0 || play_positive_ratio > 1 || play_negative_ratio < 0 ||
      play_negative_ratio > play_positive_ratio) {
    return InvalidArgument(
        "weighting: need 0 <= play_negative_ratio <= play_positive_ratio <= 1");
  }
  if (min_abs_weight < 0) return InvalidArgument("weighting: min_abs_weight must be >= 0");
  return Status::Ok();
}

float EventWeight(const EventRow& e, const WeightingOptions& o) {
  switch (e.type) {
    case EventType::kRate:
      if (e.value >= o.rating_positive_min) return o.rating_as_weight ? e.value : 1.0f;
      if (e.value <= o.rating_negative_max) return -1.0f;
      return 0.0f;
    case EventType::kPlay:
      if (e.value <= 0 || e.value >= o.play_positive_ratio) return 1.0f;
      if (e.value < o.play_negative_ratio) return -1.0f;
      return 0.0f;
    case EventType::kPlayCount:
      if (e.value <= 0) return 0.0f;
      return o.play_count_log ? static_cast<float>(std::log1p(e.value)) : e.value;
    case EventType::kLike: return o.like_weight;
    case EventType::kDislike: return o.dislike_weight;
    case EventType::kClick: return o.click_weight;
    case EventType::kShare: return o.share_weight;
    case EventType::kPurchase: return o.purchase_weight;
    case EventType::kSearch: return o.search_weight;
    case EventType::kTag: return o.tag_weight;
    case EventType::kSkip: return o.skip_weight;
    case EventType::kImpression: return o.impression_weight;
  }
  return 0.0f;
}

std::vector<Interaction> AggregateEvents(std::span<const EventRow> events,
                                         const WeightingOptions& options) {
  std::vector<Interaction> pairs;
  pairs.reserve(events.size());
  for (const EventRow& e : events) {
    float w = EventWeight(e, options);
    // Zero-weight events still carry a timestamp, but they add no signal.
    if (w == 0.0f) continue;
    pairs.push_back({e.user, e.item, w, e.timestamp});
  }
  std::sort(pairs.begin(), pairs.end(), [](const Interaction& a, const Interaction& b) {
    return a.user != b.user ? a.user < b.user : a.item < b.item;
  });
  std::vector<Interaction> merged;
  merged.reserve(pairs.size());
  for (const Interaction& p : pairs) {
    if (!merged.empty() && merged.back().user == p.user && merged.back().item == p.item) {
      merged.back().weight += p.weight;
      merged.back().timestamp = std::max(merged.back().timestamp, p.timestamp);
    } else {
      merged.push_back(p);
    }
  }
  std::erase_if(merged, [&](const Interaction& p) { return std::fabs(p.weight) < options.min_abs_weight; });
  return merged;
}

}  // namespace encore
