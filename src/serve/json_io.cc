#include "serve/json_io.h"

#include <cmath>
#include <set>

namespace encore::serve {
namespace {

using nlohmann::json;

Status CheckFields(const json& j, const std::string& where, const std::set<std::string>& allowed) {
  if (!j.is_object()) return InvalidArgument(where + ": expected a JSON object, got " + j.type_name());
  for (const auto& [key, value] : j.items()) {
    if (!allowed.count(key)) {
      std::string known;
      for (const std::string& k : allowed) known += (known.empty() ? "" : ", ") + k;
      return InvalidArgument(where + ": unknown field '" + key + "' (known fields: " + known + ")");
    }
  }
  return Status::Ok();
}

Status GetString(const json& j, const std::string& where, const char* key, std::string* out, bool required,
                 size_t max_bytes) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return InvalidArgument(where + ": missing required string field '" + key + "'");
    return Status::Ok();
  }
  if (!it->is_string()) {
    return InvalidArgument(where + "." + key + ": expected a string, got " + it->type_name());
  }
  *out = it->get<std::string>();
  if (out->size() > max_bytes) {
    return InvalidArgument(where + "." + key + ": longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (required && out->empty()) return InvalidArgument(where + "." + key + ": must not be empty");
  return Status::Ok();
}

Status GetStringList(const json& j, const std::string& where, const char* key, std::vector<std::string>* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument(where + "." + key + ": expected an array of strings");
  if (it->size() > kMaxListEntries) {
    return InvalidArgument(where + "." + key + ": more than " + std::to_string(kMaxListEntries) + " entries");
  }
  for (const json& v : *it) {
    if (!v.is_string()) return InvalidArgument(where + "." + key + ": expected an array of strings");
    out->push_back(v.get<std::string>());
    if (out->back().size() > kMaxIdBytes) return InvalidArgument(where + "." + key + ": entry too long");
  }
  return Status::Ok();
}

Status GetAttributes(const json& j, const std::string& where, std::map<std::string, std::string>* out) {
  auto it = j.find("attributes");
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return InvalidArgument(where + ".attributes: expected an object of strings");
  if (it->size() > kMaxListEntries) return InvalidArgument(where + ".attributes: too many entries");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) {
      return InvalidArgument(where + ".attributes." + key + ": expected a string, got " + value.type_name());
    }
    if (key.size() > kMaxIdBytes || value.get_ref<const std::string&>().size() > kMaxTextBytes) {
      return InvalidArgument(where + ".attributes." + key + ": too long");
    }
    (*out)[key] = value.get<std::string>();
  }
  return Status::Ok();
}

Status GetNumber(const json& j, const std::string& where, const char* key, double* out, double min, double max) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return InvalidArgument(where + "." + key + ": expected a number, got " + it->type_name());
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    return InvalidArgument(where + "." + key + ": must be in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  *out = v;
  return Status::Ok();
}

Status GetTimestamp(const json& j, const std::string& where, const char* key, int64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) {
    return InvalidArgument(where + "." + key + ": expected integer unix seconds, got " + it->type_name());
  }
  constexpr int64_t kMaxTimestamp = int64_t{1} << 40;
  const bool in_range = it->is_number_unsigned() ? it->get<uint64_t>() <= static_cast<uint64_t>(kMaxTimestamp)
                                                 : it->get<int64_t>() >= 0 && it->get<int64_t>() <= kMaxTimestamp;
  if (!in_range) return InvalidArgument(where + "." + key + ": out of range (unix seconds, >= 0)");
  *out = it->get<int64_t>();
  return Status::Ok();
}

}  // namespace

StatusOr<json> ParseBody(const std::string& body) {
  if (body.empty()) return InvalidArgument("empty request body: expected JSON");
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    return InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
}

StatusOr<std::vector<json>> BatchOf(const json& body, const std::string& key, size_t max) {
  const json* list = &body;
  if (body.is_object() && body.contains(key)) {
    if (body.size() != 1) return InvalidArgument("a batch body holds only '" + key + "'");
    list = &body[key];
    if (!list->is_array()) return InvalidArgument("'" + key + "' must be an array");
  }
  std::vector<json> out;
  if (list->is_array()) {
    if (list->empty()) return InvalidArgument("empty batch: no " + key + " given");
    if (list->size() > max) {
      return ResourceExhausted(std::to_string(list->size()) + " " + key + " in one request; the limit is " +
                               std::to_string(max) + ": split the batch");
    }
    out.assign(list->begin(), list->end());
  } else if (list->is_object()) {
    out.push_back(*list);
  } else {
    return InvalidArgument("expected a JSON object or array, got " + std::string(list->type_name()));
  }
  return out;
}

StatusOr<Item> ParseItem(const json& j, const std::string& where) {
  ENCORE_RETURN_IF_ERROR(CheckFields(j, where, {"id", "kind", "title", "description", "language", "genres", "tags",
                                                "duration_s", "media", "created_at", "attributes"}));
  Item item;
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "id", &item.id, true, kMaxIdBytes));
  std::string kind;
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "kind", &kind, false, kMaxIdBytes));
  if (!kind.empty()) {
    auto k = ParseItemKind(kind);
    if (!k.ok()) return InvalidArgument(where + ".kind: " + k.status().message());
    item.kind = *k;
  }
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "title", &item.title, false, kMaxTextBytes));
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "description", &item.description, false, kMaxTextBytes));
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "language", &item.language, false, kMaxIdBytes));
  ENCORE_RETURN_IF_ERROR(GetStringList(j, where, "genres", &item.genres));
  ENCORE_RETURN_IF_ERROR(GetStringList(j, where, "tags", &item.tags));
  ENCORE_RETURN_IF_ERROR(GetNumber(j, where, "duration_s", &item.duration_s, 0, 1e9));
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "media", &item.media, false, kMaxTextBytes));
  ENCORE_RETURN_IF_ERROR(GetTimestamp(j, where, "created_at", &item.created_at));
  ENCORE_RETURN_IF_ERROR(GetAttributes(j, where, &item.attributes));
  return item;
}

StatusOr<User> ParseUser(const json& j, const std::string& where) {
  ENCORE_RETURN_IF_ERROR(CheckFields(j, where, {"id", "attributes"}));
  User user;
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "id", &user.id, true, kMaxIdBytes));
  ENCORE_RETURN_IF_ERROR(GetAttributes(j, where, &user.attributes));
  return user;
}

StatusOr<Event> ParseEvent(const json& j, const std::string& where) {
  ENCORE_RETURN_IF_ERROR(CheckFields(j, where, {"user", "item", "type", "value", "timestamp", "device", "session"}));
  Event e;
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "user", &e.user, true, kMaxIdBytes));
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "item", &e.item, true, kMaxIdBytes));
  std::string type = "play";
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "type", &type, false, kMaxIdBytes));
  auto t = ParseEventType(type);
  if (!t.ok()) return InvalidArgument(where + ".type: " + t.status().message());
  e.type = *t;
  ENCORE_RETURN_IF_ERROR(GetNumber(j, where, "value", &e.value, -1e9, 1e9));
  ENCORE_RETURN_IF_ERROR(GetTimestamp(j, where, "timestamp", &e.timestamp));
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "device", &e.device, false, kMaxIdBytes));
  ENCORE_RETURN_IF_ERROR(GetString(j, where, "session", &e.session, false, kMaxIdBytes));
  return e;
}

}  // namespace encore::serve
