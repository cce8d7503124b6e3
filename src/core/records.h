// The data model: catalogue items, users and behaviour events as they enter and
// leave the store. Models never see these; they see Interactions (CSR).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace encore {

// Persisted: values are pinned.
enum class ItemKind : int { kMovie = 0, kEpisode = 1, kClip = 2, kTrack = 3, kPodcast = 4, kArtist = 5, kOther = 6 };

// Persisted: values are pinned.
enum class EventType : int {
  kPlay = 0,       // value: watch/listen ratio in [0, 1] (0 when unknown)
  kClick = 1,
  kLike = 2,
  kDislike = 3,
  kRate = 4,       // value: the rating (e.g. 0.5..5)
  kShare = 5,
  kSkip = 6,
  kSearch = 7,     // item the user picked from a search (value unused)
  kPlayCount = 8,  // aggregated plays: value is the number of plays (Last.fm)
  kPurchase = 9,
  kTag = 10,       // the user tagged the item
  kImpression = 11,  // the item was shown (served) to the user
};

// Store::PutItemData key of an item's stored media analysis (JSON, docs/media.md):
// written by `encore analyze`, read by the server and by models that use media.
inline constexpr const char* kMediaAnalysisKey = "media_analysis";

std::string_view ItemKindName(ItemKind kind);
StatusOr<ItemKind> ParseItemKind(std::string_view name);
std::string_view EventTypeName(EventType type);
StatusOr<EventType> ParseEventType(std::string_view name);
// Every event type name, in enum order (for help texts and validation messages).
std::vector<std::string_view> AllEventTypeNames();

struct Item {
  std::string id;  // external id
  ItemKind kind = ItemKind::kOther;
  std::string title;
  std::string description;
  std::string language;  // BCP-47-ish code, "" when unknown
  std::vector<std::string> genres;
  std::vector<std::string> tags;
  double duration_s = 0;   // 0 when unknown
  std::string media;       // path or URL of the media file, "" when none
  int64_t created_at = 0;  // unix seconds, 0 when unknown
  std::map<std::string, std::string> attributes;  // free attributes
};

struct User {
  std::string id;  // external id
  std::map<std::string, std::string> attributes;
};

// An event as it arrives, with external ids.
struct Event {
  std::string user;
  std::string item;
  EventType type = EventType::kPlay;
  double value = 0;
  int64_t timestamp = 0;  // unix seconds
  std::string device;     // optional context
  std::string session;    // optional context
};

// An event as models and splitters read it: internal indices only.
struct EventRow {
  UserIdx user = kNoUser;
  ItemIdx item = kNoItem;
  EventType type = EventType::kPlay;
  float value = 0;
  int64_t timestamp = 0;
};

// A directed user-user relation (e.g. Last.fm friends).
struct UserLink {
  std::string from;
  std::string to;
};

}  // namespace encore
