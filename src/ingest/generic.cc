#include "ingest/generic.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "ingest/text_file.h"

namespace encore {
namespace {

using nlohmann::json;

enum class Entity { kItems, kUsers, kEvents, kLinks };

constexpr const char* kEntityNames[] = {"items", "users", "events", "links"};

// Where a record came from, for error messages.
struct RecordContext {
  const TextFile* file = nullptr;
  const std::unordered_map<std::string, size_t>* columns = nullptr;  // CSV only

  Status Error(const std::string& field, const std::string& what) const {
    if (columns) {
      auto it = columns->find(field);
      if (it != columns->end()) return file->FieldError(it->second, field, what);
    }
    return file->LineError("field '" + field + "': " + what);
  }
};

std::string Shown(const json& v) {
  constexpr size_t kMaxShown = 40;
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.size() > kMaxShown) s = s.substr(0, kMaxShown) + "...";
  return "'" + s + "'";
}

const json* Find(const json& rec, const char* key) {
  auto it = rec.find(key);
  if (it == rec.end() || it->is_null()) return nullptr;
  return &*it;
}

// Strings as they are; integers (e.g. numeric ids) as their decimal text.
StatusOr<std::string> GetString(const json& rec, const char* key, const RecordContext& ctx, bool required) {
  const json* v = Find(rec, key);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) {
    if (required) return ctx.Error(key, "is required and must not be empty");
    return std::string();
  }
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_integer() || v->is_number_unsigned()) return v->dump();
  return ctx.Error(key, "expected a string, found " + Shown(*v));
}

StatusOr<double> GetNumber(const json& rec, const char* key, const RecordContext& ctx, double default_value) {
  const json* v = Find(rec, key);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) return default_value;
  double out = 0;
  if (v->is_number()) out = v->get<double>();
  else if (!v->is_string() || !ParseNumber(v->get_ref<const std::string&>(), &out)) {
    return ctx.Error(key, Shown(*v) + " is not a number");
  }
  if (!std::isfinite(out)) return ctx.Error(key, Shown(*v) + " is not a finite number");
  return out;
}

StatusOr<int64_t> GetInt(const json& rec, const char* key, const RecordContext& ctx, int64_t default_value) {
  const json* v = Find(rec, key);
  if (!v || (v->is_string() && v->get_ref<const std::string&>().empty())) return default_value;
  int64_t out = 0;
  if (v->is_number_integer()) out = v->get<int64_t>();
  else if (!v->is_string() || !ParseInt(v->get_ref<const std::string&>(), &out)) {
    return ctx.Error(key, Shown(*v) + " is not an integer");
  }
  return out;
}

// A JSON array of strings, or text with '|'-separated values.
StatusOr<std::vector<std::string>> GetList(const json& rec, const char* key, const RecordContext& ctx) {
  const json* v = Find(rec, key);
  std::vector<std::string> out;
  if (!v) return out;
  if (v->is_string()) {
    std::vector<std::string_view> parts;
    SplitDelimited(v->get_ref<const std::string&>(), '|', &parts);
    for (std::string_view p : parts) {
      if (!p.empty()) out.emplace_back(p);
    }
    return out;
  }
  if (!v->is_array()) return ctx.Error(key, "expected an array of strings or '|'-separated text");
  for (const json& e : *v) {
    if (!e.is_string()) return ctx.Error(key, "expected an array of strings, found element " + Shown(e));
    out.push_back(e.get<std::string>());
  }
  return out;
}

Status AddAttribute(const std::string& key, const json& v, std::map<std::string, std::string>* out) {
  if (v.is_null()) return Status::Ok();
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (!text.empty()) (*out)[key] = std::move(text);
  return Status::Ok();
}

StatusOr<std::map<std::string, std::string>> GetAttributes(const json& rec, const RecordContext& ctx,
                                                           const std::unordered_set<std::string>& known) {
  std::map<std::string, std::string> out;
  for (auto it = rec.begin(); it != rec.end(); ++it) {
    if (it.key() == "attributes") {
      if (it->is_null()) continue;
      if (!it->is_object()) return ctx.Error("attributes", "expected an object");
      for (auto a = it->begin(); a != it->end(); ++a) ENCORE_RETURN_IF_ERROR(AddAttribute(a.key(), *a, &out));
    } else if (!known.count(it.key())) {
      ENCORE_RETURN_IF_ERROR(AddAttribute(it.key(), *it, &out));
    }
  }
  return out;
}

const std::unordered_set<std::string> kItemFields = {"id", "kind", "title", "description", "language", "genres",
                                                     "tags", "duration", "media", "created_at"};
const std::unordered_set<std::string> kUserFields = {"id"};
const std::unordered_set<std::string> kEventFields = {"user", "item", "type", "value", "timestamp", "device", "session"};
const std::unordered_set<std::string> kLinkFields = {"from", "to"};

StatusOr<Item> ItemFromRecord(const json& rec, const RecordContext& ctx) {
  Item item;
  ENCORE_ASSIGN_OR_RETURN(item.id, GetString(rec, "id", ctx, true));
  ENCORE_ASSIGN_OR_RETURN(std::string kind, GetString(rec, "kind", ctx, false));
  if (!kind.empty()) {
    auto parsed = ParseItemKind(kind);
    if (!parsed.ok()) return ctx.Error("kind", parsed.status().message());
    item.kind = *parsed;
  }
  ENCORE_ASSIGN_OR_RETURN(item.title, GetString(rec, "title", ctx, false));
  ENCORE_ASSIGN_OR_RETURN(item.description, GetString(rec, "description", ctx, false));
  ENCORE_ASSIGN_OR_RETURN(item.language, GetString(rec, "language", ctx, false));
  ENCORE_ASSIGN_OR_RETURN(item.genres, GetList(rec, "genres", ctx));
  ENCORE_ASSIGN_OR_RETURN(item.tags, GetList(rec, "tags", ctx));
  ENCORE_ASSIGN_OR_RETURN(item.duration_s, GetNumber(rec, "duration", ctx, 0));
  if (item.duration_s < 0) return ctx.Error("duration", "must not be negative");
  ENCORE_ASSIGN_OR_RETURN(item.media, GetString(rec, "media", ctx, false));
  ENCORE_ASSIGN_OR_RETURN(item.created_at, GetInt(rec, "created_at", ctx, 0));
  ENCORE_ASSIGN_OR_RETURN(item.attributes, GetAttributes(rec, ctx, kItemFields));
  return item;
}

StatusOr<User> UserFromRecord(const json& rec, const RecordContext& ctx) {
  User user;
  ENCORE_ASSIGN_OR_RETURN(user.id, GetString(rec, "id", ctx, true));
  ENCORE_ASSIGN_OR_RETURN(user.attributes, GetAttributes(rec, ctx, kUserFields));
  return user;
}

StatusOr<Event> EventFromRecord(const json& rec, const RecordContext& ctx) {
  for (auto it = rec.begin(); it != rec.end(); ++it) {
    if (!kEventFields.count(it.key())) {
      return ctx.Error(it.key(), "unknown event field (expected user, item, type, value, timestamp, device, session)");
    }
  }
  Event e;
  ENCORE_ASSIGN_OR_RETURN(e.user, GetString(rec, "user", ctx, true));
  ENCORE_ASSIGN_OR_RETURN(e.item, GetString(rec, "item", ctx, true));
  ENCORE_ASSIGN_OR_RETURN(std::string type, GetString(rec, "type", ctx, true));
  auto parsed = ParseEventType(type);
  if (!parsed.ok()) return ctx.Error("type", parsed.status().message());
  e.type = *parsed;
  ENCORE_ASSIGN_OR_RETURN(e.value, GetNumber(rec, "value", ctx, 0));
  ENCORE_ASSIGN_OR_RETURN(e.timestamp, GetInt(rec, "timestamp", ctx, 0));
  ENCORE_ASSIGN_OR_RETURN(e.device, GetString(rec, "device", ctx, false));
  ENCORE_ASSIGN_OR_RETURN(e.session, GetString(rec, "session", ctx, false));
  return e;
}

StatusOr<UserLink> LinkFromRecord(const json& rec, const RecordContext& ctx) {
  UserLink link;
  ENCORE_ASSIGN_OR_RETURN(link.from, GetString(rec, "from", ctx, true));
  ENCORE_ASSIGN_OR_RETURN(link.to, GetString(rec, "to", ctx, true));
  return link;
}

// Reads every record of one file and hands it to `sink_record(json, ctx)`.
template <typename Fn>
Status ReadRecords(const std::string& path, GenericFormat format, Entity entity, const ImportOptions& options,
                   ErrorSink& sink, ImportReport& report, Fn&& on_record) {
  ENCORE_ASSIGN_OR_RETURN(TextFile file, TextFile::Open(path, options.max_line_bytes));
  RecordContext ctx;
  ctx.file = &file;
  if (format == GenericFormat::kJsonl) {
    std::string decoded;
    return ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
      // JSON syntax is ASCII, so decoding the whole line decodes every string in it.
      Status st = DecodeText(line, options.encoding, &decoded);
      if (!st.ok()) return file.LineError(st.message());
      json rec = json::parse(decoded, nullptr, false);
      if (rec.is_discarded()) return file.LineError("not valid JSON (expected one JSON object per line)");
      if (!rec.is_object()) return file.LineError("expected a JSON object, found " + std::string(rec.type_name()));
      return on_record(rec, ctx);
    });
  }
  // CSV: a header names the columns.
  std::string_view header_line;
  Status error;
  if (!file.Next(&header_line, &error)) return InvalidArgument(path + ": file is empty");
  ENCORE_RETURN_IF_ERROR(error);
  std::vector<std::string> header;
  if (Status st = SplitCsv(header_line, &header); !st.ok()) return file.LineError("malformed CSV header: " + st.message());
  std::unordered_map<std::string, size_t> columns;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) return file.LineError("column " + std::to_string(i + 1) + " has no name");
    if (!columns.emplace(header[i], i).second) return file.LineError("column '" + header[i] + "' appears twice");
  }
  const char* required = entity == Entity::kLinks ? "from" : entity == Entity::kEvents ? "user" : "id";
  if (!columns.count(required)) {
    return file.LineError("the header has no '" + std::string(required) + "' column (see docs/import-formats.md)");
  }
  if (entity == Entity::kEvents) {
    for (const char* col : {"item", "type"}) {
      if (!columns.count(col)) return file.LineError("the header has no '" + std::string(col) + "' column");
    }
    for (const std::string& col : header) {
      if (!kEventFields.count(col)) {
        return file.LineError("unknown events column '" + col + "' (expected user, item, type, value, timestamp, device, session)");
      }
    }
  }
  ctx.columns = &columns;
  std::vector<std::string> fields;
  std::string decoded;
  return ForEachLine(file, sink, report, [&](std::string_view line) -> Status {
    if (Status st = SplitCsv(line, &fields); !st.ok()) return file.LineError("malformed CSV: " + st.message());
    if (fields.size() != header.size()) {
      return file.LineError("expected " + std::to_string(header.size()) + " fields separated by ',', found " +
                            std::to_string(fields.size()));
    }
    json rec = json::object();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (Status st = DecodeText(fields[i], options.encoding, &decoded); !st.ok()) {
        return file.FieldError(i, header[i], st.message());
      }
      rec[header[i]] = decoded;
    }
    return on_record(rec, ctx);
  });
}

// The file for `entity` in folder `dir`, or "" when there is none.
std::string FindEntityFile(const std::string& dir, Entity entity, GenericFormat format) {
  std::vector<std::string> exts = format == GenericFormat::kCsv ? std::vector<std::string>{"csv"}
                                                                : std::vector<std::string>{"jsonl", "json"};
  for (const std::string& ext : exts) {
    std::string path = JoinPath(dir, std::string(kEntityNames[static_cast<int>(entity)]) + "." + ext);
    if (FileExists(path)) return path;
  }
  return {};
}

}  // namespace

Status ParseGeneric(const std::string& input, GenericFormat format, const ImportOptions& options,
                    const Store* store, ParsedImport* out) {
  std::error_code ec;
  std::string files[4];
  if (std::filesystem::is_directory(input, ec)) {
    bool any = false;
    for (int e = 0; e < 4; ++e) {
      files[e] = FindEntityFile(input, static_cast<Entity>(e), format);
      any = any || !files[e].empty();
    }
    if (!any) {
      const char* ext = format == GenericFormat::kCsv ? "csv" : "jsonl";
      return NotFound(input + ": no items." + ext + ", users." + ext + ", events." + ext + " or links." + ext +
                      " in this folder (see docs/import-formats.md)");
    }
  } else {
    std::string name = std::filesystem::path(input).filename().string();
    Entity entity = Entity::kEvents;
    for (int e = 0; e < 4; ++e) {
      if (name.rfind(std::string(kEntityNames[e]) + ".", 0) == 0) entity = static_cast<Entity>(e);
    }
    files[static_cast<int>(entity)] = input;
  }

  ErrorSink sink(options.on_error, &out->report);
  ImportReport& report = out->report;
  WriteBatch& batch = out->batch;
  std::unordered_map<std::string, size_t> item_pos;
  std::unordered_map<std::string, size_t> user_pos;
  if (!files[0].empty()) {
    ENCORE_RETURN_IF_ERROR(ReadRecords(files[0], format, Entity::kItems, options, sink, report,
                                       [&](const json& rec, const RecordContext& ctx) -> Status {
      ENCORE_ASSIGN_OR_RETURN(Item item, ItemFromRecord(rec, ctx));
      if (item_pos.count(item.id)) return ctx.Error("id", "item '" + item.id + "' appears twice");
      item_pos.emplace(item.id, batch.items.size());
      batch.items.push_back(std::move(item));
      return Status::Ok();
    }));
  }
  if (!files[1].empty()) {
    ENCORE_RETURN_IF_ERROR(ReadRecords(files[1], format, Entity::kUsers, options, sink, report,
                                       [&](const json& rec, const RecordContext& ctx) -> Status {
      ENCORE_ASSIGN_OR_RETURN(User user, UserFromRecord(rec, ctx));
      if (user_pos.count(user.id)) return ctx.Error("id", "user '" + user.id + "' appears twice");
      user_pos.emplace(user.id, batch.users.size());
      batch.users.push_back(std::move(user));
      return Status::Ok();
    }));
  }
  if (!files[2].empty()) {
    batch.create_missing_items = store == nullptr;
    std::unordered_set<std::string> known_in_store;
    ENCORE_RETURN_IF_ERROR(ReadRecords(files[2], format, Entity::kEvents, options, sink, report,
                                       [&](const json& rec, const RecordContext& ctx) -> Status {
      ENCORE_ASSIGN_OR_RETURN(Event e, EventFromRecord(rec, ctx));
      if (store && !item_pos.count(e.item) && !known_in_store.count(e.item)) {
        if (!store->FindItem(e.item).ok()) {
          return ctx.Error("item", "unknown item '" + e.item + "' (not in the items file nor in the store)");
        }
        known_in_store.insert(e.item);
      }
      batch.events.push_back(std::move(e));
      return Status::Ok();
    }));
  }
  if (!files[3].empty()) {
    ENCORE_RETURN_IF_ERROR(ReadRecords(files[3], format, Entity::kLinks, options, sink, report,
                                       [&](const json& rec, const RecordContext& ctx) -> Status {
      ENCORE_ASSIGN_OR_RETURN(UserLink link, LinkFromRecord(rec, ctx));
      batch.links.push_back(std::move(link));
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

namespace {

Status WriteLines(const std::string& path, const auto& records, auto&& to_json) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError("cannot write " + path);
  for (const auto& r : records) {
    out << to_json(r).dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  out.flush();
  if (!out) return IoError("writing " + path + " failed (disk full?)");
  return Status::Ok();
}

}  // namespace

Status WriteGenericJsonl(const WriteBatch& batch, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create folder " + dir + ": " + ec.message());
  ENCORE_RETURN_IF_ERROR(WriteLines(JoinPath(dir, "items.jsonl"), batch.items, [](const Item& item) {
    json j = {{"id", item.id}, {"kind", ItemKindName(item.kind)}, {"title", item.title}};
    if (!item.description.empty()) j["description"] = item.description;
    if (!item.language.empty()) j["language"] = item.language;
    if (!item.genres.empty()) j["genres"] = item.genres;
    if (!item.tags.empty()) j["tags"] = item.tags;
    if (item.duration_s > 0) j["duration"] = item.duration_s;
    if (!item.media.empty()) j["media"] = item.media;
    if (item.created_at != 0) j["created_at"] = item.created_at;
    if (!item.attributes.empty()) j["attributes"] = item.attributes;
    return j;
  }));
  ENCORE_RETURN_IF_ERROR(WriteLines(JoinPath(dir, "users.jsonl"), batch.users, [](const User& user) {
    json j = {{"id", user.id}};
    if (!user.attributes.empty()) j["attributes"] = user.attributes;
    return j;
  }));
  ENCORE_RETURN_IF_ERROR(WriteLines(JoinPath(dir, "events.jsonl"), batch.events, [](const Event& e) {
    json j = {{"user", e.user}, {"item", e.item}, {"type", EventTypeName(e.type)}, {"value", e.value},
              {"timestamp", e.timestamp}};
    if (!e.device.empty()) j["device"] = e.device;
    if (!e.session.empty()) j["session"] = e.session;
    return j;
  }));
  if (!batch.links.empty()) {
    ENCORE_RETURN_IF_ERROR(WriteLines(JoinPath(dir, "links.jsonl"), batch.links, [](const UserLink& l) {
      return json{{"from", l.from}, {"to", l.to}};
    }));
  }
  return Status::Ok();
}

}  // namespace encore
