#include "serve/http_server.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve/dashboard_assets.h"
#include "serve/json_io.h"

namespace encore::serve {

using nlohmann::json;

namespace {

// Keep-alive connections idle this long are closed (also bounds shutdown time).
constexpr time_t kKeepAliveSeconds = 3;
constexpr size_t kKeepAliveMaxRequests = 1000000;
constexpr idx_t kMaxOffset = 100000;
constexpr idx_t kMaxListLimit = 1000;
constexpr idx_t kUserHistoryLimit = 50;

enum class Access { kOpen, kRead, kWrite, kAdmin };

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kOutOfRange: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string ErrorBody(const std::string& code, const std::string& message) {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump();
}

std::string SnakeCode(StatusCode code) {
  std::string name = StatusCodeName(code);
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty()) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one path segment (so "%2F" inside an id stays in the id).
std::string DecodeSegment(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> SplitPath(std::string_view target) {
  const size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(DecodeSegment(path.substr(start, end - start)));
    start = end;
  }
  return out;
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

struct HttpServer::Call {
  const httplib::Request& req;
  std::vector<std::string> args;  // path parameters in pattern order

  std::string Param(const char* key) const { return req.has_param(key) ? req.get_param_value(key) : std::string(); }

  StatusOr<idx_t> Int(const char* key, idx_t fallback, idx_t min, idx_t max) const {
    if (!req.has_param(key)) return fallback;
    const std::string v = req.get_param_value(key);
    idx_t out = 0;
    size_t used = 0;
    bool ok = !v.empty() && v.size() <= 18;
    if (ok) {
      try {
        out = std::stoll(v, &used);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok || used != v.size() || out < min || out > max) {
      return InvalidArgument(std::string("query parameter '") + key + "' must be an integer in [" + std::to_string(min) +
                             ", " + std::to_string(max) + "], got '" + v.substr(0, 40) + "'");
    }
    return out;
  }

  StatusOr<bool> Bool(const char* key, bool fallback) const {
    if (!req.has_param(key)) return fallback;
    const std::string v = req.get_param_value(key);
    if (v == "1" || v == "true" || v == "yes" || v.empty()) return true;
    if (v == "0" || v == "false" || v == "no") return false;
    return InvalidArgument(std::string("query parameter '") + key + "' must be true or false, got '" +
                           v.substr(0, 40) + "'");
  }

  StatusOr<float> Fraction(const char* key, float fallback) const {
    if (!req.has_param(key)) return fallback;
    const std::string v = req.get_param_value(key);
    float out = 0;
    size_t used = 0;
    bool ok = !v.empty() && v.size() < 32;
    if (ok) {
      try {
        out = std::stof(v, &used);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok || used != v.size() || !(out >= 0.0f && out <= 1.0f)) {
      return InvalidArgument(std::string("query parameter '") + key + "' must be a number in [0, 1]");
    }
    return out;
  }
};

struct HttpServer::Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  static Reply Json(const json& j, int status = 200) { return {status, j.dump(), "application/json"}; }
};

struct HttpServer::Route {
  std::string method;
  std::vector<std::string> segments;  // "{x}" = parameter
  std::string pattern;
  Access access = Access::kRead;
  std::function<StatusOr<Reply>(const Call&)> handler;
  int metric = -1;
};

Status HttpOptions::Validate() const {
  if (port < 0 || port > 65535) return InvalidArgument("--port must be in [0, 65535]");
  if (threads < 1 || threads > 1024) return InvalidArgument("--threads must be in [1, 1024]");
  if (max_body_bytes < 1024) return InvalidArgument("body limit must be at least 1 KiB");
  if (host.empty()) return InvalidArgument("--host must not be empty");
  return Status::Ok();
}

HttpServer::HttpServer(Service* service, HttpOptions options)
    : service_(service), options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  AddRoutes();
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Dispatch(const httplib::Request& req, httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> parts = SplitPath(req.target);
  const Route* route = nullptr;
  bool path_matched = false;
  Call call{req, {}};
  for (const auto& r : routes_) {
    if (r->segments.size() != parts.size()) continue;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i) {
      match = r->segments[i].front() == '{' ? !parts[i].empty() : r->segments[i] == parts[i];
    }
    if (!match) continue;
    path_matched = true;
    if (r->method != req.method) continue;
    route = r.get();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (r->segments[i].front() == '{') call.args.push_back(parts[i]);
    }
    break;
  }
  Reply reply;
  if (route == nullptr) {
    reply = path_matched ? Reply{405, ErrorBody("method_not_allowed", req.method + " is not allowed on " + req.path)}
                         : Reply{404, ErrorBody("not_found", "no route " + req.method + " " + req.path +
                                                                  " (see docs/api.md)")};
  } else {
    bool needs_key = !options_.api_key.empty() &&
                     (route->access == Access::kWrite || route->access == Access::kAdmin ||
                      (route->access == Access::kRead && options_.api_key_for_reads));
    // write_back turns a read into a write.
    if (!options_.api_key.empty() && req.has_param("write_back") && req.get_param_value("write_back") != "false" &&
        req.get_param_value("write_back") != "0") {
      needs_key = true;
    }
    if (needs_key && !ConstantTimeEquals(req.get_header_value("X-API-Key"), options_.api_key)) {
      reply = {401, ErrorBody("unauthenticated", req.has_header("X-API-Key") ? "wrong X-API-Key"
                                                                                 : "this route needs an X-API-Key header")};
    } else {
      try {
        StatusOr<Reply> r = route->handler(call);
        if (r.ok()) {
          reply = std::move(*r);
        } else {
          reply = {HttpStatusOf(r.status().code()), ErrorBody(SnakeCode(r.status().code()), r.status().message())};
        }
      } catch (const std::exception& e) {
        reply = {500, ErrorBody("internal", std::string("unexpected error: ") + e.what())};
      } catch (...) {
        reply = {500, ErrorBody("internal", "unexpected error")};
      }
    }
  }
  res.status = reply.status;
  res.set_content(reply.body, reply.content_type);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  service_->metrics().Observe(route ? route->metric : unmatched_metric_, reply.status, seconds);
}

void HttpServer::AddRoutes() {
  Service& svc = *service_;
  auto add = [this](const char* method, const std::string& pattern, Access access,
                    std::function<StatusOr<Reply>(const Call&)> handler) {
    auto r = std::make_unique<Route>();
    r->method = method;
    r->pattern = pattern;
    r->segments = SplitPath(pattern);
    r->access = access;
    r->handler = std::move(handler);
    r->metric = service_->metrics().AddRoute(method, pattern);
    routes_.push_back(std::move(r));
  };
  unmatched_metric_ = service_->metrics().AddRoute("ANY", "unmatched");
  const idx_t max_n = svc.options().max_n;
  const size_t max_batch = static_cast<size_t>(svc.options().max_batch);

  auto filter_of = [&svc](const Call& c) {
    return svc.MakeFilter(c.Param("kind"), c.Param("genre"), c.Param("language"), c.Param("exclude"));
  };
  auto request_of = [&svc, max_n, filter_of](const Call& c) -> StatusOr<RecommendRequest> {
    RecommendRequest r;
    ENCORE_ASSIGN_OR_RETURN(r.n, c.Int("n", 10, 1, max_n));
    ENCORE_ASSIGN_OR_RETURN(r.offset, c.Int("offset", 0, 0, kMaxOffset));
    if (r.offset + r.n > max_n) {
      return InvalidArgument("offset + n must be at most " + std::to_string(max_n));
    }
    ENCORE_ASSIGN_OR_RETURN(r.filter, filter_of(c));
    ENCORE_ASSIGN_OR_RETURN(r.include_consumed, c.Bool("include_consumed", false));
    ENCORE_ASSIGN_OR_RETURN(r.explain, c.Bool("explain", false));
    ENCORE_ASSIGN_OR_RETURN(r.diversity, c.Fraction("diversity", svc.options().diversity));
    return r;
  };
  auto model_json = [](const ModelBundle& b) {
    return json{{"name", b.model->Name()}, {"version", b.version}, {"path", b.path}};
  };

  // --- dashboard, health, metrics ---
  add("GET", "/", Access::kOpen, [](const Call&) -> StatusOr<Reply> {
    return Reply{200, std::string(DashboardHtml()), "text/html; charset=utf-8"};
  });
  add("GET", "/favicon.ico", Access::kOpen, [](const Call&) -> StatusOr<Reply> {
    return Reply{204, "", "image/x-icon"};  // browsers ask for it; none, without a 404
  });
  add("GET", "/health/live", Access::kOpen, [](const Call&) -> StatusOr<Reply> {
    return Reply::Json({{"status", "live"}});
  });
  add("GET", "/health/ready", Access::kOpen, [this, &svc](const Call&) -> StatusOr<Reply> {
    if (stopping_) return Reply::Json({{"status", "draining"}}, 503);
    return Reply::Json({{"status", "ready"}, {"model_version", svc.model()->version}});
  });
  add("GET", "/metrics", Access::kOpen, [&svc](const Call&) -> StatusOr<Reply> {
    return Reply{200, svc.metrics().Prometheus() + svc.PrometheusGauges(), "text/plain; version=0.0.4"};
  });
  add("GET", "/api/stats", Access::kRead, [&svc](const Call&) -> StatusOr<Reply> { return Reply::Json(svc.Stats()); });
  add("GET", "/api/report", Access::kRead, [this](const Call&) -> StatusOr<Reply> {
    if (options_.report_dir.empty()) return NotFound("no evaluation report: start the server with --report DIR");
    json out = {{"dir", options_.report_dir}};
    for (const char* name : {"report.md", "report.json"}) {
      std::ifstream in(options_.report_dir + "/" + name, std::ios::binary);
      if (!in) continue;
      std::stringstream ss;
      ss << in.rdbuf();
      if (std::string(name) == "report.json") {
        json parsed = json::parse(ss.str(), nullptr, false);
        out["json"] = parsed.is_discarded() ? json(nullptr) : parsed;
      } else {
        out["markdown"] = ss.str();
      }
    }
    if (!out.contains("markdown") && !out.contains("json")) {
      return NotFound("no report.md or report.json in " + options_.report_dir + " (run `encore eval --out DIR`)");
    }
    return Reply::Json(out);
  });

  // --- models ---
  add("GET", "/api/model", Access::kRead, [&svc](const Call&) -> StatusOr<Reply> {
    return Reply::Json(svc.Stats()["model"]);
  });
  add("POST", "/api/models/reload", Access::kAdmin, [&svc, model_json](const Call& c) -> StatusOr<Reply> {
    std::string path;
    if (!c.req.body.empty()) {
      ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
      if (!body.is_object()) return InvalidArgument("expected {\"path\": MODEL_FILE} or an empty body");
      for (const auto& [k, v] : body.items()) {
        if (k != "path") return InvalidArgument("unknown field '" + k + "' (known fields: path)");
        if (!v.is_string()) return InvalidArgument("path: expected a string");
        path = v.get<std::string>();
      }
    }
    auto bundle = svc.ReloadModel(path);
    if (!bundle.ok()) {
      // A missing or unusable file is the caller's problem (4xx), and the old model keeps serving.
      const Status& s = bundle.status();
      const std::string message = "model not reloaded, the previous one stays in service: " + s.message();
      if (s.code() == StatusCode::kNotFound || s.code() == StatusCode::kInvalidArgument) return Status(s.code(), message);
      return FailedPrecondition(message);
    }
    return Reply::Json({{"reloaded", true}, {"model", model_json(**bundle)}});
  });

  // --- items ---
  add("GET", "/api/items", Access::kRead, [&svc, filter_of](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(idx_t offset, c.Int("offset", 0, 0, kMaxEntities));
    ENCORE_ASSIGN_OR_RETURN(idx_t limit, c.Int("limit", 50, 1, kMaxListLimit));
    ENCORE_ASSIGN_OR_RETURN(ItemFilter filter, filter_of(c));
    return Reply::Json(svc.ListItems(offset, limit, filter, c.Param("q")));
  });
  add("POST", "/api/items", Access::kWrite, [&svc, max_batch](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
    ENCORE_ASSIGN_OR_RETURN(auto list, BatchOf(body, "items", max_batch));
    std::vector<Item> items;
    for (size_t i = 0; i < list.size(); ++i) {
      ENCORE_ASSIGN_OR_RETURN(Item item, ParseItem(list[i], "items[" + std::to_string(i) + "]"));
      items.push_back(std::move(item));
    }
    ENCORE_ASSIGN_OR_RETURN(WriteResult w, svc.PutItems(std::move(items)));
    return Reply::Json({{"written", w.items_written}}, 201);
  });
  add("GET", "/api/items/{id}", Access::kRead, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(json item, svc.GetItem(c.args[0]));
    return Reply::Json(item);
  });
  add("GET", "/api/items/{id}/analysis", Access::kRead, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(bool full, c.Bool("full", false));
    ENCORE_ASSIGN_OR_RETURN(json analysis, svc.GetItemAnalysis(c.args[0], full));
    return Reply::Json({{"item", c.args[0]}, {"analysis", analysis}});
  });
  add("PUT", "/api/items/{id}", Access::kWrite, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
    if (body.is_object() && !body.contains("id")) body["id"] = c.args[0];
    ENCORE_ASSIGN_OR_RETURN(Item item, ParseItem(body, "item"));
    if (item.id != c.args[0]) return InvalidArgument("item.id '" + item.id + "' differs from the path id '" + c.args[0] + "'");
    ENCORE_ASSIGN_OR_RETURN(WriteResult w, svc.PutItems({std::move(item)}));
    return Reply::Json({{"written", w.items_written}});
  });
  add("DELETE", "/api/items/{id}", Access::kWrite, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_RETURN_IF_ERROR(svc.DeleteItem(c.args[0]));
    return Reply::Json({{"deleted", c.args[0]}});
  });

  // --- users ---
  add("GET", "/api/users", Access::kRead, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(idx_t offset, c.Int("offset", 0, 0, kMaxEntities));
    ENCORE_ASSIGN_OR_RETURN(idx_t limit, c.Int("limit", 50, 1, kMaxListLimit));
    return Reply::Json(svc.ListUsers(offset, limit));
  });
  add("POST", "/api/users", Access::kWrite, [&svc, max_batch](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
    ENCORE_ASSIGN_OR_RETURN(auto list, BatchOf(body, "users", max_batch));
    std::vector<User> users;
    for (size_t i = 0; i < list.size(); ++i) {
      ENCORE_ASSIGN_OR_RETURN(User user, ParseUser(list[i], "users[" + std::to_string(i) + "]"));
      users.push_back(std::move(user));
    }
    ENCORE_ASSIGN_OR_RETURN(WriteResult w, svc.PutUsers(std::move(users)));
    return Reply::Json({{"written", w.users_written}}, 201);
  });
  add("GET", "/api/users/{id}", Access::kRead, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(idx_t limit, c.Int("history", kUserHistoryLimit, 0, kMaxListLimit));
    ENCORE_ASSIGN_OR_RETURN(json user, svc.GetUser(c.args[0], limit));
    return Reply::Json(user);
  });
  add("PUT", "/api/users/{id}", Access::kWrite, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
    if (body.is_object() && !body.contains("id")) body["id"] = c.args[0];
    ENCORE_ASSIGN_OR_RETURN(User user, ParseUser(body, "user"));
    if (user.id != c.args[0]) return InvalidArgument("user.id '" + user.id + "' differs from the path id '" + c.args[0] + "'");
    ENCORE_ASSIGN_OR_RETURN(WriteResult w, svc.PutUsers({std::move(user)}));
    return Reply::Json({{"written", w.users_written}});
  });
  add("DELETE", "/api/users/{id}", Access::kWrite, [&svc](const Call& c) -> StatusOr<Reply> {
    ENCORE_RETURN_IF_ERROR(svc.DeleteUser(c.args[0]));
    return Reply::Json({{"deleted", c.args[0]}});
  });

  // --- events ---
  add("POST", "/api/events", Access::kWrite, [&svc, max_batch](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
    ENCORE_ASSIGN_OR_RETURN(auto list, BatchOf(body, "events", max_batch));
    std::vector<Event> events;
    events.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      ENCORE_ASSIGN_OR_RETURN(Event e, ParseEvent(list[i], "events[" + std::to_string(i) + "]"));
      events.push_back(std::move(e));
    }
    ENCORE_ASSIGN_OR_RETURN(WriteResult w, svc.AddEvents(std::move(events)));
    return Reply::Json({{"accepted", w.events_written + w.events_duplicate},
                        {"written", w.events_written},
                        {"duplicates", w.events_duplicate}});
  });

  // --- recommendations ---
  add("GET", "/api/recommend/{user}", Access::kRead, [&svc, request_of, model_json](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(RecommendRequest request, request_of(c));
    ENCORE_ASSIGN_OR_RETURN(bool write_back, c.Bool("write_back", false));
    ENCORE_ASSIGN_OR_RETURN(RecommendOutput out, svc.Recommend(c.args[0], request));
    if (write_back) {
      std::vector<ItemIdx> served;
      for (const RankedItem& r : out.result.items) served.push_back(r.item);
      ENCORE_RETURN_IF_ERROR(svc.WriteBack(c.args[0], served));
    }
    return Reply::Json({{"user", c.args[0]},
                        {"known_user", out.known_user},
                        {"fallback", out.result.fallback},
                        {"model", model_json(*out.model)},
                        {"n", request.n},
                        {"offset", request.offset},
                        {"items", svc.RenderRanked(out.result)}});
  });
  add("POST", "/api/session/recommend", Access::kRead, [&svc, request_of, model_json, max_n](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(RecommendRequest request, request_of(c));
    ENCORE_ASSIGN_OR_RETURN(json body, ParseBody(c.req.body));
    if (!body.is_object()) return InvalidArgument("expected {\"items\": [ITEM_ID, ...], \"n\": N}");
    std::vector<std::string> items;
    for (const auto& [k, v] : body.items()) {
      if (k == "items") {
        if (!v.is_array()) return InvalidArgument("items: expected an array of item ids");
        if (v.size() > kMaxListEntries) return ResourceExhausted("items: at most " + std::to_string(kMaxListEntries));
        for (const json& id : v) {
          if (!id.is_string()) return InvalidArgument("items: expected an array of item ids (strings)");
          items.push_back(id.get<std::string>());
        }
      } else if (k == "n") {
        if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > max_n) {
          return InvalidArgument("n: expected an integer in [1, " + std::to_string(max_n) + "]");
        }
        request.n = v.get<int64_t>();
      } else if (k == "explain") {
        if (!v.is_boolean()) return InvalidArgument("explain: expected true or false");
        request.explain = v.get<bool>();
      } else {
        return InvalidArgument("unknown field '" + k + "' (known fields: items, n, explain)");
      }
    }
    if (request.offset + request.n > max_n) return InvalidArgument("offset + n must be at most " + std::to_string(max_n));
    ENCORE_ASSIGN_OR_RETURN(RecommendOutput out, svc.RecommendSession(items, request));
    return Reply::Json({{"fallback", out.result.fallback},
                        {"model", model_json(*out.model)},
                        {"items", svc.RenderRanked(out.result)}});
  });
  add("GET", "/api/similar/{item}", Access::kRead, [&svc, max_n, filter_of](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(idx_t n, c.Int("n", 10, 1, max_n));
    ENCORE_ASSIGN_OR_RETURN(ItemFilter filter, filter_of(c));
    ENCORE_ASSIGN_OR_RETURN(auto similar, svc.Similar(c.args[0], n, filter));
    return Reply::Json({{"item", c.args[0]}, {"items", svc.RenderScored(similar)}});
  });
  add("GET", "/api/popular", Access::kRead, [&svc, max_n, filter_of](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(idx_t n, c.Int("n", 10, 1, max_n));
    ENCORE_ASSIGN_OR_RETURN(ItemFilter filter, filter_of(c));
    const std::string by = c.Param("by");
    if (!by.empty() && by != "count" && by != "trending") {
      return InvalidArgument("query parameter 'by' must be 'count' or 'trending'");
    }
    return Reply::Json({{"by", by.empty() ? "count" : by}, {"items", svc.RenderScored(svc.Popular(n, filter, by == "trending"))}});
  });
  add("GET", "/api/latest", Access::kRead, [&svc, max_n, filter_of](const Call& c) -> StatusOr<Reply> {
    ENCORE_ASSIGN_OR_RETURN(idx_t n, c.Int("n", 10, 1, max_n));
    ENCORE_ASSIGN_OR_RETURN(ItemFilter filter, filter_of(c));
    return Reply::Json({{"items", svc.RenderScored(svc.Latest(n, filter))}});
  });
  add("GET", "/api/search", Access::kRead, [&svc, max_n, filter_of](const Call& c) -> StatusOr<Reply> {
    const std::string q = c.Param("q");
    if (q.empty()) return InvalidArgument("query parameter 'q' is required");
    if (q.size() > 1024) return InvalidArgument("query parameter 'q' is longer than 1024 bytes");
    ENCORE_ASSIGN_OR_RETURN(idx_t n, c.Int("n", 10, 1, max_n));
    ENCORE_ASSIGN_OR_RETURN(ItemFilter filter, filter_of(c));
    bool personalised = false;
    ENCORE_ASSIGN_OR_RETURN(auto hits, svc.Search(q, c.Param("user"), n, filter, &personalised));
    return Reply::Json({{"q", q}, {"personalised", personalised}, {"items", svc.RenderScored(hits)}});
  });
}

Status HttpServer::Start() {
  ENCORE_RETURN_IF_ERROR(options_.Validate());
  httplib::Server& s = *server_;
  const int threads = options_.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_keep_alive_max_count(kKeepAliveMaxRequests);
  s.set_keep_alive_timeout(kKeepAliveSeconds);
  s.set_tcp_nodelay(true);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Dispatch(req, res); };
  s.Get(".*", handler);
  s.Post(".*", handler);
  s.Put(".*", handler);
  s.Delete(".*", handler);
  s.Patch(".*", handler);
  s.Options(".*", handler);
  // Errors httplib raises itself (413 body too large, 400 bad request line...) get a JSON body too.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = res.status == 413 ? "request body too large" : "bad request";
    res.set_content(ErrorBody(res.status == 413 ? "payload_too_large" : "bad_request", message), "application/json");
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(ErrorBody("internal", "unexpected error"), "application/json");
  });
  int port = options_.port;
  if (port == 0) {
    port = s.bind_to_any_port(options_.host);
    if (port < 0) return Unavailable("cannot bind " + options_.host + " on any port");
  } else if (!s.bind_to_port(options_.host, port)) {
    return Unavailable("cannot bind " + options_.host + ":" + std::to_string(port) +
                       " (in use, or not an address of this machine?)");
  }
  port_ = port;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs: wait for it, so a
  // Stop() right after Start() cannot be lost (and leave Stop() joining forever).
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server_->is_running()) return Internal("the HTTP server did not start accepting connections");
  return Status::Ok();
}

void HttpServer::Stop() {
  stopping_ = true;
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace encore::serve
