// The HTTP API, driven through a real socket with httplib::Client against a
// server started in-process on an ephemeral loopback port.
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "content/video/analysis_digest.h"
#include "content/video/analyzer.h"
#include "serve/http_server.h"
#include "serve/service.h"
#include "serve_test_util.h"

namespace encore::serve {
namespace {

using nlohmann::json;
using serve_test::TempDir;

constexpr char kKey[] = "s3cret";

class ApiTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string db = dir_->path() + "/store.db";
    ASSERT_TRUE(serve_test::BuildFixture(db, "ials", serve_test::kSmallIals, dir_->path() + "/ials.bin").ok());
    ASSERT_TRUE(serve_test::TrainInto(db, "popularity", {}, dir_->path() + "/pop.bin").ok());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // Each test gets its own copy of the store so writes do not leak between tests.
  void SetUp() override { Start(""); }
  void TearDown() override { Stop(); }

  void Start(const std::string& api_key, idx_t max_batch = 100) {
    Stop();
    db_ = dir_->path() + "/" + testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::filesystem::copy_file(dir_->path() + "/store.db", db_, std::filesystem::copy_options::overwrite_existing);
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok());
    ServiceOptions options;
    options.model_path = dir_->path() + "/ials.bin";
    options.max_batch = max_batch;
    options.threads = 1;
    auto service = Service::Open(std::move(*store), options);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    service_ = std::move(*service);
    HttpOptions http;
    http.port = 0;
    http.threads = 4;
    http.api_key = api_key;
    http.max_body_bytes = 64 * 1024;
    server_ = std::make_unique<HttpServer>(service_.get(), http);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }
  void Stop() {
    client_.reset();
    if (server_) server_->Stop();
    server_.reset();
    service_.reset();
  }

  // Sends a request; returns (status, parsed JSON body or null when not JSON).
  std::pair<int, json> Call(const std::string& method, const std::string& path, const std::string& body = "",
                            const std::string& key = "") {
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("X-API-Key", key);
    httplib::Result r(nullptr, httplib::Error::Unknown);
    if (method == "GET") r = client_->Get(path.c_str(), headers);
    if (method == "POST") r = client_->Post(path.c_str(), headers, body, "application/json");
    if (method == "PUT") r = client_->Put(path.c_str(), headers, body, "application/json");
    if (method == "DELETE") r = client_->Delete(path.c_str(), headers);
    if (!r) return {-1, json()};
    json parsed = json::parse(r->body, nullptr, false);
    return {r->status, parsed.is_discarded() ? json() : parsed};
  }
  json Get(const std::string& path) {
    auto [status, body] = Call("GET", path);
    EXPECT_EQ(status, 200) << path << " -> " << body.dump();
    return body;
  }
  std::vector<std::string> Ids(const json& list) {
    std::vector<std::string> out;
    for (const json& it : list["items"]) out.push_back(it["id"].get<std::string>());
    return out;
  }

  static TempDir* dir_;
  std::string db_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TempDir* ApiTest::dir_ = nullptr;

TEST_F(ApiTest, HealthAndMetricsAnswer) {
  EXPECT_EQ(Get("/health/live")["status"], "live");
  EXPECT_EQ(Get("/health/ready")["status"], "ready");
  Get("/api/recommend/u0");
  auto r = client_->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("encore_http_requests_total{method=\"GET\",route=\"/api/recommend/{user}\",status=\"2xx\"} 1"),
            std::string::npos);
  EXPECT_NE(r->body.find("encore_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/recommend/{user}\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(r->body.find("encore_model_version{model=\"ials\"} 1"), std::string::npos);
  EXPECT_NE(r->body.find("encore_events_ingested_total 0"), std::string::npos);
}

TEST_F(ApiTest, DashboardPageIsServed) {
  auto r = client_->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(r->body.find("encore"), std::string::npos);
}

TEST_F(ApiTest, ItemsCrudSingleAndBulk) {
  auto [created, c] = Call("POST", "/api/items", R"({"id":"new1","kind":"clip","title":"Fresh clip","genres":["News"]})");
  EXPECT_EQ(created, 201) << c.dump();
  auto [bulk, b] = Call("POST", "/api/items",
                        R"({"items":[{"id":"new2","title":"Second"},{"id":"new3","title":"Third","language":"de"}]})");
  EXPECT_EQ(bulk, 201) << b.dump();
  EXPECT_EQ(b["written"], 2);
  json item = Get("/api/items/new1");
  EXPECT_EQ(item["title"], "Fresh clip");
  EXPECT_EQ(item["kind"], "clip");
  EXPECT_EQ(item["genres"], json::array({"News"}));
  EXPECT_EQ(Call("PUT", "/api/items/new1", R"({"title":"Renamed clip","kind":"clip"})").first, 200);
  EXPECT_EQ(Get("/api/items/new1")["title"], "Renamed clip");
  EXPECT_EQ(Get("/api/items/new3")["language"], "de");
  // New items are served at once: the newest item tops /api/latest.
  EXPECT_EQ(Ids(Get("/api/latest?n=3"))[0], "new3");
  EXPECT_EQ(Call("DELETE", "/api/items/new1").first, 200);
  EXPECT_EQ(Call("GET", "/api/items/new1").first, 404);
  EXPECT_EQ(Call("DELETE", "/api/items/new1").first, 404);
  json listed = Get("/api/items?limit=5&kind=track");
  EXPECT_EQ(listed["total"], serve_test::kClusterItems);
  EXPECT_EQ(listed["items"].size(), 5u);
}

TEST_F(ApiTest, UsersCrudSingleAndBulk) {
  EXPECT_EQ(Call("POST", "/api/users", R"({"id":"alice","attributes":{"country":"NO"}})").first, 201);
  EXPECT_EQ(Call("POST", "/api/users", R"([{"id":"bob"},{"id":"carol"}])").first, 201);
  json alice = Get("/api/users/alice");
  EXPECT_EQ(alice["attributes"]["country"], "NO");
  EXPECT_EQ(alice["history_size"], 0);
  EXPECT_EQ(Call("PUT", "/api/users/alice", R"({"attributes":{"country":"SE"}})").first, 200);
  EXPECT_EQ(Get("/api/users/alice")["attributes"]["country"], "SE");
  json u0 = Get("/api/users/u0");
  EXPECT_EQ(u0["history_size"], 7);
  EXPECT_TRUE(u0["known_to_model"].get<bool>());
  EXPECT_EQ(Call("DELETE", "/api/users/bob").first, 200);
  EXPECT_EQ(Call("GET", "/api/users/bob").first, 404);
  EXPECT_GE(Get("/api/users?limit=100")["total"].get<int>(), serve_test::kUsers + 2);
}

TEST_F(ApiTest, KnownUserGetsUnseenPersonalItemsWithExplanations) {
  json u0 = Get("/api/users/u0?history=100");
  std::set<std::string> seen;
  for (const json& h : u0["history"]) seen.insert(h["id"]);
  json rec = Get("/api/recommend/u0?n=5&explain=true");
  EXPECT_FALSE(rec["fallback"].get<bool>());
  EXPECT_TRUE(rec["known_user"].get<bool>());
  EXPECT_EQ(rec["model"]["name"], "ials");
  ASSERT_EQ(rec["items"].size(), 5u);
  int drama = 0;
  for (const json& it : rec["items"]) {
    EXPECT_FALSE(seen.count(it["id"])) << it["id"] << " was already consumed";
    ASSERT_TRUE(it.contains("explanation"));
    EXPECT_FALSE(it["explanation"]["text"].get<std::string>().empty());
    drama += it["id"].get<std::string>()[0] == 'm' ? 1 : 0;
  }
  EXPECT_GE(drama, 3) << rec.dump();  // u0 is a drama user
  // The top item is explained by history items ("because you watched").
  EXPECT_NE(rec["items"][0]["explanation"]["text"].get<std::string>().find("Because you watched"), std::string::npos)
      << rec["items"][0].dump();
  // include_consumed brings history items back.
  json again = Get("/api/recommend/u0?n=30&include_consumed=true&diversity=0");
  int consumed = 0;
  for (const json& it : again["items"]) consumed += seen.count(it["id"]) ? 1 : 0;
  EXPECT_GT(consumed, 0);
  // Paging: offset 5 continues where the first page ended.
  json page1 = Get("/api/recommend/u0?n=5&diversity=0");
  json page2 = Get("/api/recommend/u0?n=5&offset=5&diversity=0");
  json both = Get("/api/recommend/u0?n=10&diversity=0");
  std::vector<std::string> joined = Ids(page1);
  for (const auto& id : Ids(page2)) joined.push_back(id);
  EXPECT_EQ(joined, Ids(both));
}

TEST_F(ApiTest, UnknownUserFallsBackToPopularAndFresh) {
  json rec = Get("/api/recommend/nobody?n=5");
  EXPECT_TRUE(rec["fallback"].get<bool>());
  EXPECT_FALSE(rec["known_user"].get<bool>());
  EXPECT_EQ(rec["items"].size(), 5u);
  json popular = Get("/api/popular?n=5");
  EXPECT_EQ(popular["items"].size(), 5u);
}

TEST_F(ApiTest, EventsChangeTheNextRecommendations) {
  json before = Get("/api/recommend/u0?n=5&diversity=0");
  std::vector<std::string> first = Ids(before);
  // u0 (drama) now binges jazz.
  json batch = {{"events", json::array()}};
  for (int i = 0; i < 8; ++i) {
    batch["events"].push_back({{"user", "u0"}, {"item", "t" + std::to_string(i)}, {"type", "play"}, {"value", 1.0}});
  }
  auto [status, ack] = Call("POST", "/api/events", batch.dump());
  ASSERT_EQ(status, 200) << ack.dump();
  EXPECT_EQ(ack["written"], 8);
  json after = Get("/api/recommend/u0?n=5&diversity=0");
  std::vector<std::string> second = Ids(after);
  EXPECT_NE(first, second);
  int jazz = 0;
  for (const std::string& id : second) {
    EXPECT_FALSE(id[0] == 't' && std::stoi(id.substr(1)) < 8) << id << " was just played";
    jazz += id[0] == 't' ? 1 : 0;
  }
  EXPECT_GE(jazz, 2) << after.dump();  // folded-in history pulls in the remaining jazz tracks
  EXPECT_EQ(Get("/api/users/u0")["history"][0]["id"], "t7");  // newest first
  // A brand-new user is personalised from the first events on.
  EXPECT_TRUE(Get("/api/recommend/newbie")["fallback"].get<bool>());
  ASSERT_EQ(Call("POST", "/api/events", R"({"user":"newbie","item":"c1","type":"like"})").first, 200);
  ASSERT_EQ(Call("POST", "/api/events", R"({"user":"newbie","item":"c2","type":"play","value":0.9})").first, 200);
  json newbie = Get("/api/recommend/newbie?n=5&diversity=0&explain=true");
  EXPECT_FALSE(newbie["fallback"].get<bool>());
  EXPECT_EQ(Ids(newbie)[0][0], 'c') << newbie.dump();
  // Popularity counters are live too.
  auto r = client_->Get("/metrics");
  EXPECT_NE(r->body.find("encore_events_ingested_total 10"), std::string::npos);
}

TEST_F(ApiTest, WriteBackHidesServedItemsNextTime) {
  std::vector<std::string> first = Ids(Get("/api/recommend/u1?n=4&write_back=true"));
  std::vector<std::string> second = Ids(Get("/api/recommend/u1?n=4"));
  for (const std::string& id : second) {
    EXPECT_EQ(std::count(first.begin(), first.end(), id), 0) << id << " was served before";
  }
}

TEST_F(ApiTest, BusinessFiltersApply) {
  for (const json& it : Get("/api/recommend/u0?n=8&kind=track")["items"]) EXPECT_EQ(it["kind"], "track");
  for (const json& it : Get("/api/recommend/u0?n=8&genre=comedy")["items"]) EXPECT_EQ(it["genres"][0], "Comedy");
  for (const json& it : Get("/api/recommend/u0?n=5&language=fr")["items"]) EXPECT_EQ(it["id"].get<std::string>()[0], 'c');
  std::vector<std::string> base = Ids(Get("/api/recommend/u0?n=3&diversity=0"));
  std::vector<std::string> excluded = Ids(Get("/api/recommend/u0?n=3&diversity=0&exclude=" + base[0] + "," + base[1]));
  EXPECT_EQ(std::count(excluded.begin(), excluded.end(), base[0]), 0);
  EXPECT_EQ(std::count(excluded.begin(), excluded.end(), base[1]), 0);
}

TEST_F(ApiTest, SimilarSessionPopularLatestAndSearch) {
  json similar = Get("/api/similar/m0?n=5");
  ASSERT_EQ(similar["items"].size(), 5u);
  int drama = 0;
  for (const json& it : similar["items"]) {
    EXPECT_NE(it["id"], "m0");
    drama += it["id"].get<std::string>()[0] == 'm' ? 1 : 0;
  }
  EXPECT_GE(drama, 3);
  EXPECT_EQ(Call("GET", "/api/similar/nope").first, 404);

  auto [status, session] = Call("POST", "/api/session/recommend", R"({"items":["t0","t1","t2"],"n":4,"explain":true})");
  ASSERT_EQ(status, 200) << session.dump();
  EXPECT_FALSE(session["fallback"].get<bool>());
  for (const json& it : session["items"]) {
    EXPECT_NE(it["id"], "t0");
    EXPECT_TRUE(it.contains("explanation"));
  }
  EXPECT_EQ(session["items"][0]["id"].get<std::string>()[0], 't');

  EXPECT_EQ(Get("/api/popular?n=3&by=trending")["items"].size(), 3u);
  EXPECT_EQ(Ids(Get("/api/latest?n=1"))[0], "t11");

  json search = Get("/api/search?q=lunar%20odyssey");
  EXPECT_EQ(Ids(search)[0], "lunar");
  json sax = Get("/api/search?q=saxophone&user=u2&n=3");
  EXPECT_TRUE(sax["personalised"].get<bool>());
  for (const json& it : sax["items"]) EXPECT_EQ(it["kind"], "track");
}

TEST_F(ApiTest, WriteRoutesNeedTheApiKeyWhenConfigured) {
  Start(kKey);
  EXPECT_EQ(Call("POST", "/api/items", R"({"id":"x1"})").first, 401);
  EXPECT_EQ(Call("POST", "/api/items", R"({"id":"x1"})", "wrong").first, 401);
  EXPECT_EQ(Call("POST", "/api/items", R"({"id":"x1"})", kKey).first, 201);
  EXPECT_EQ(Call("POST", "/api/events", R"({"user":"u0","item":"x1"})").first, 401);
  EXPECT_EQ(Call("POST", "/api/models/reload", "").first, 401);
  EXPECT_EQ(Call("DELETE", "/api/items/x1").first, 401);
  EXPECT_EQ(Call("GET", "/api/recommend/u0?write_back=true").first, 401);
  EXPECT_EQ(Call("GET", "/api/recommend/u0").first, 200);  // reads stay open
  EXPECT_EQ(Call("GET", "/api/items/x1").first, 200);
}

TEST_F(ApiTest, BadInputGetsA4xxJsonErrorNeverA500) {
  Start("", /*max_batch=*/5);
  struct Case {
    const char* method;
    std::string path;
    std::string body;
    int status;
  };
  std::string many = R"({"events":[)";
  for (int i = 0; i < 6; ++i) many += std::string(i ? "," : "") + R"({"user":"u0","item":"m1"})";
  many += "]}";
  const std::vector<Case> cases = {
      {"POST", "/api/items", "{not json", 400},
      {"POST", "/api/items", "", 400},
      {"POST", "/api/items", R"({"id":"a","title":5})", 400},
      {"POST", "/api/items", R"({"id":"a","colour":"red"})", 400},
      {"POST", "/api/items", R"({"id":""})", 400},
      {"POST", "/api/items", R"({"id":"a","kind":"spaceship"})", 400},
      {"POST", "/api/items", R"({"id":"a","genres":"Drama"})", 400},
      {"POST", "/api/items", R"({"id":"a","created_at":-5})", 400},
      {"POST", "/api/items", R"("just a string")", 400},
      {"POST", "/api/items", R"([])", 400},
      {"POST", "/api/items", R"([1,2])", 400},
      {"POST", "/api/users", R"({"id":7})", 400},
      {"POST", "/api/events", R"({"user":"u0","item":"does-not-exist"})", 404},
      {"POST", "/api/events", R"({"user":"u0","item":"m1","type":"teleport"})", 400},
      {"POST", "/api/events", R"({"user":"u0","item":"m1","value":"high"})", 400},
      {"POST", "/api/events", R"({"user":"u0","item":"m1","timestamp":1.5})", 400},
      {"POST", "/api/events", R"({"item":"m1"})", 400},
      {"POST", "/api/events", many, 413},
      {"POST", "/api/events", std::string(70 * 1024, '['), 413},
      {"GET", "/api/recommend/u0?n=-1", "", 400},
      {"GET", "/api/recommend/u0?n=0", "", 400},
      {"GET", "/api/recommend/u0?n=100000000", "", 400},
      {"GET", "/api/recommend/u0?n=99999999999999999999999", "", 400},
      {"GET", "/api/recommend/u0?n=ten", "", 400},
      {"GET", "/api/recommend/u0?n=5x", "", 400},
      {"GET", "/api/recommend/u0?offset=-3", "", 400},
      {"GET", "/api/recommend/u0?offset=999&n=999", "", 400},
      {"GET", "/api/recommend/u0?kind=spaceship", "", 400},
      {"GET", "/api/recommend/u0?explain=maybe", "", 400},
      {"GET", "/api/recommend/u0?diversity=2", "", 400},
      {"GET", "/api/similar/m0?n=-2", "", 400},
      {"GET", "/api/similar/unknown-item", "", 404},
      {"GET", "/api/items/unknown-item", "", 404},
      {"GET", "/api/users/unknown-user", "", 404},
      {"DELETE", "/api/users/unknown-user", "", 404},
      {"GET", "/api/search", "", 400},
      {"GET", "/api/popular?by=mood", "", 400},
      {"GET", "/api/latest?n=abc", "", 400},
      {"POST", "/api/session/recommend", R"({"items":"m1"})", 400},
      {"POST", "/api/session/recommend", R"({"items":["nope"]})", 404},
      {"POST", "/api/session/recommend", R"({"items":["m1"],"n":-4})", 400},
      {"POST", "/api/models/reload", R"({"path":"/does/not/exist.bin"})", 404},
      {"POST", "/api/models/reload", R"({"path":5})", 400},
      {"PUT", "/api/items/abc", R"({"id":"other"})", 400},
      {"GET", "/api/no/such/route", "", 404},
      {"DELETE", "/api/events", "", 405},
  };
  for (const Case& c : cases) {
    auto [status, body] = Call(c.method, c.path, c.body);
    EXPECT_EQ(status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80) << " -> " << body.dump();
    ASSERT_TRUE(body.is_object()) << c.method << " " << c.path << ": not a JSON body";
    EXPECT_TRUE(body.contains("error") && body["error"]["message"].is_string() &&
                !body["error"]["message"].get<std::string>().empty())
        << c.method << " " << c.path << " -> " << body.dump();
  }
  // A corrupt model file is refused and the old model stays in service.
  const std::string bad = dir_->path() + "/corrupt.bin";
  std::ofstream(bad) << "ENCMgarbage";
  auto [status, body] = Call("POST", "/api/models/reload", json{{"path", bad}}.dump());
  EXPECT_GE(status, 400);
  EXPECT_LT(status, 500) << body.dump();
  EXPECT_EQ(Get("/api/model")["name"], "ials");
  EXPECT_EQ(Get("/health/ready")["status"], "ready");
}

TEST_F(ApiTest, ReloadSwapsTheModelWhileRequestsKeepFlowing) {
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, served{0};
  std::thread reader([&] {
    httplib::Client c("127.0.0.1", server_->port());
    while (!done) {
      auto r = c.Get("/api/recommend/u3?n=5");
      if (!r || r->status != 200) ++failures;
      ++served;
    }
  });
  for (int i = 0; i < 4; ++i) {
    const std::string path = dir_->path() + (i % 2 == 0 ? "/pop.bin" : "/ials.bin");
    auto [status, body] = Call("POST", "/api/models/reload", json{{"path", path}}.dump());
    ASSERT_EQ(status, 200) << body.dump();
    EXPECT_EQ(body["model"]["version"], i + 2);
    EXPECT_EQ(body["model"]["name"], i % 2 == 0 ? "popularity" : "ials");
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(served, 0);
  // Reload without a path goes back to the file given at start.
  auto [status, body] = Call("POST", "/api/models/reload", "");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["model"]["name"], "ials");
  auto r = client_->Get("/metrics");
  EXPECT_NE(r->body.find("encore_model_version{model=\"ials\"} 6"), std::string::npos);
}

TEST_F(ApiTest, ReloadRebuildsNeighboursFromLiveEvents) {
  // t5 (jazz) has only jazz neighbours; then twelve new listeners play it together with m0 (drama).
  auto has_m0 = [&] {
    for (const std::string& id : Ids(Get("/api/similar/t5?n=5"))) {
      if (id == "m0") return true;
    }
    return false;
  };
  EXPECT_FALSE(has_m0());
  json batch = {{"events", json::array()}};
  for (int u = 0; u < 12; ++u) {
    for (const char* item : {"m0", "t5"}) {
      batch["events"].push_back({{"user", "fan" + std::to_string(u)}, {"item", item}, {"type", "play"}, {"value", 1.0}});
    }
  }
  ASSERT_EQ(Call("POST", "/api/events", batch.dump()).first, 200);
  EXPECT_FALSE(has_m0());  // neighbours are rebuilt on reload, not per event
  ASSERT_EQ(Call("POST", "/api/models/reload", "").first, 200);
  EXPECT_TRUE(has_m0()) << Get("/api/similar/t5?n=5").dump();
}

TEST_F(ApiTest, ServesTheFusionModelFromItsVectors) {
  const std::string path = dir_->path() + "/fusion.bin";
  ASSERT_TRUE(serve_test::TrainInto(db_, "fusion", {{"dim", "8"}, {"hidden", "16"}, {"epochs", "10"}, {"batch_size", "32"}},
                                    path)
                  .ok());
  auto [status, body] = Call("POST", "/api/models/reload", json{{"path", path}}.dump());
  ASSERT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body["model"]["name"], "fusion");
  // The fused vectors are the vector index: a drama's nearest items are dramas.
  json similar = Get("/api/similar/m0?n=5");
  ASSERT_EQ(similar["items"].size(), 5u);
  int drama = 0;
  for (const json& it : similar["items"]) drama += it["id"].get<std::string>()[0] == 'm' ? 1 : 0;
  EXPECT_GE(drama, 3) << similar.dump();
  // A jazz listener gets jazz.
  json recs = Get("/api/recommend/u2?n=5&diversity=0");
  ASSERT_EQ(recs["items"].size(), 5u);
  int jazz = 0;
  for (const json& it : recs["items"]) jazz += it["id"].get<std::string>()[0] == 't' ? 1 : 0;
  EXPECT_GE(jazz, 3) << recs.dump();
}

// A video analysis as `encore analyze --db` stores it: 2 shots with titles, a
// 120 BPM soundtrack in A minor and a long transcript.
video::MediaAnalysis SampleAnalysis() {
  video::MediaAnalysis a;
  a.info.path = "/media/song.mp4";
  a.info.duration_s = 42;
  a.kind = "video";
  audio::AudioFeatures f;
  f.duration_s = 42;
  f.tempo_bpm = 120;
  f.key = 9;
  f.mode = audio::Mode::kMinor;
  f.key_strength = 0.81;
  f.music_fraction = 0.6;
  f.speech_fraction = 0.4;
  a.audio = f;
  speech::TranscriptSegment seg;
  seg.start_s = 1;
  seg.end_s = 40;
  for (int i = 0; i < 60; ++i) {
    if (i) seg.text += ' ';
    seg.text += "weather";
  }
  a.transcript.segments = {seg};
  video::ShotAnalysis s1, s2;
  s1.shot.end_s = 20;
  s1.text = {{"EVENING NEWS", 91}};
  s2.shot.start_s = 20;
  s2.shot.end_s = 42;
  s2.shot.transition_in = video::TransitionKind::kCut;
  a.shots = {s1, s2};
  a.on_screen_text = {"EVENING NEWS"};
  a.tags = {"video", "music", "moderate tempo", "minor key"};
  a.summary = "the weather for today";
  a.description = "A 42 s video in 2 shots.";
  return a;
}

TEST_F(ApiTest, ItemShowsItsStoredMediaAnalysis) {
  auto [created, c] = Call("POST", "/api/items", R"({"id":"song","kind":"clip","title":"Song","media":"/media/song.mp4"})");
  ASSERT_EQ(created, 201) << c.dump();
  // Not analysed yet: no digest on the item, 404 with a hint on the analysis route.
  EXPECT_FALSE(Get("/api/items/song").contains("analysis"));
  auto [none, n] = Call("GET", "/api/items/song/analysis");
  EXPECT_EQ(none, 404);
  EXPECT_NE(n["error"]["message"].get<std::string>().find("encore analyze --db"), std::string::npos) << n.dump();

  // `encore analyze --db` writes through its own connection; the server sees it at once.
  {
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->PutItemData("song", video::kAnalysisKey, video::kAnalysisVersion,
                                      video::ToJson(SampleAnalysis()).dump()).ok());
    ASSERT_TRUE((*store)->PutItemData("m0", video::kAnalysisKey, video::kAnalysisVersion, "{not json").ok());
  }
  json item = Get("/api/items/song");
  ASSERT_TRUE(item.contains("analysis")) << item.dump();
  const json& a = item["analysis"];
  EXPECT_EQ(a["kind"], "video");
  EXPECT_DOUBLE_EQ(a["tempo_bpm"].get<double>(), 120);
  EXPECT_EQ(a["key"], "A minor");
  EXPECT_EQ(a["shot_count"], 2);
  ASSERT_EQ(a["shots"].size(), 2u);
  EXPECT_EQ(a["shots"][0]["text"], json::array({"EVENING NEWS"}));
  EXPECT_EQ(a["shots"][1]["transition_in"], "cut");
  EXPECT_EQ(a["tags"], json::array({"video", "music", "moderate tempo", "minor key"}));
  EXPECT_EQ(a["summary"], "the weather for today");
  EXPECT_EQ(a["transcript_words"], 60);
  const std::string excerpt = a["transcript_excerpt"].get<std::string>();
  EXPECT_LE(excerpt.size(), video::DigestOptions{}.excerpt_chars + 3);
  EXPECT_EQ(excerpt.substr(excerpt.size() - 3), "...");
  EXPECT_EQ(excerpt.rfind("weather ", 0), 0u);

  json digest = Get("/api/items/song/analysis");
  EXPECT_EQ(digest["item"], "song");
  EXPECT_EQ(digest["analysis"], a);
  json full = Get("/api/items/song/analysis?full=true");
  EXPECT_EQ(full["analysis"]["audio"]["vector"].size(), 0u);  // the sample has no feature vector
  EXPECT_EQ(full["analysis"]["transcript"]["segments"].size(), 1u);
  EXPECT_EQ(full["analysis"]["version"], video::kAnalysisVersion);

  // Search reads the analyses after a reload: "weather" is only in the song's transcript.
  ASSERT_EQ(Call("POST", "/api/models/reload", "").first, 200);
  json found = Get("/api/search?q=weather&n=3");
  ASSERT_FALSE(found["items"].empty()) << found.dump();
  EXPECT_EQ(found["items"][0]["id"], "song") << found.dump();

  EXPECT_EQ(Call("GET", "/api/items/nope/analysis").first, 404);
  EXPECT_EQ(Call("GET", "/api/items/song/analysis?full=maybe").first, 400);
  // A corrupt stored value is a server-side data error, never a crash.
  auto [bad, b] = Call("GET", "/api/items/m0/analysis");
  EXPECT_EQ(bad, 500) << b.dump();
  EXPECT_EQ(b["error"]["code"], "data_loss");
  EXPECT_FALSE(Get("/api/items/m0").contains("analysis"));  // no media path, no digest
}

}  // namespace
}  // namespace encore::serve
