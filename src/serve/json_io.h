// Strict JSON -> records parsing for the API: every field's type and size is
// checked and errors name the field and the position in the batch.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/records.h"
#include "core/status.h"

namespace encore::serve {

// Limits on one record's fields (bytes / entries).
inline constexpr size_t kMaxIdBytes = 512;
inline constexpr size_t kMaxTextBytes = 64 * 1024;
inline constexpr size_t kMaxListEntries = 1000;

// Parses a request body; InvalidArgument (with the parser's position) when malformed.
StatusOr<nlohmann::json> ParseBody(const std::string& body);

// A write body is one object, an array of objects, or {"<key>": [objects...]}.
// `max` bounds the count (ResourceExhausted beyond).
StatusOr<std::vector<nlohmann::json>> BatchOf(const nlohmann::json& body, const std::string& key, size_t max);

// `where` prefixes error messages ("items[3]").
StatusOr<Item> ParseItem(const nlohmann::json& j, const std::string& where);
StatusOr<User> ParseUser(const nlohmann::json& j, const std::string& where);
StatusOr<Event> ParseEvent(const nlohmann::json& j, const std::string& where);

}  // namespace encore::serve
