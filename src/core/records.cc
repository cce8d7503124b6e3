#include "core/records.h"

#include <array>

namespace encore {
namespace {

constexpr std::array<std::string_view, 7> kKindNames = {"movie", "episode", "clip", "track",
                                                        "podcast", "artist", "other"};
constexpr std::array<std::string_view, 12> kEventNames = {
    "play", "click", "like", "dislike", "rate", "share",
    "skip", "search", "play_count", "purchase", "tag", "impression"};

std::string JoinNames(const auto& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string_view ItemKindName(ItemKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < kKindNames.size() ? kKindNames[i] : "other";
}

StatusOr<ItemKind> ParseItemKind(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<ItemKind>(i);
  }
  return InvalidArgument("unknown item kind '" + std::string(name) + "' (expected one of: " +
                         JoinNames(kKindNames) + ")");
}

std::string_view EventTypeName(EventType type) {
  auto i = static_cast<size_t>(type);
  return i < kEventNames.size() ? kEventNames[i] : "unknown";
}

StatusOr<EventType> ParseEventType(std::string_view name) {
  for (size_t i = 0; i < kEventNames.size(); ++i) {
    if (kEventNames[i] == name) return static_cast<EventType>(i);
  }
  return InvalidArgument("unknown event type '" + std::string(name) + "' (expected one of: " +
                         JoinNames(kEventNames) + ")");
}

std::vector<std::string_view> AllEventTypeNames() {
  return {kEventNames.begin(), kEventNames.end()};
}

}  // namespace encore
