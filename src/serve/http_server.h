// The HTTP front of `encore serve` (cpp-httplib): routing, API-key checks,
// parameter validation, JSON errors, metrics, the dashboard page. Every route
// answers JSON; expected failures are 4xx with {"error": {"code", "message"}},
// and exceptions from third-party code are caught here and become 500s.
//
// Thread-safety: Start/Stop from one controlling thread; handlers run on the
// server's worker pool and only touch the (thread-safe) Service.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "serve/service.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace encore::serve {

struct HttpOptions {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise
  int port = 8080;                 // 0 = any free port (see HttpServer::port())
  std::string api_key;             // when set, write and admin routes need X-API-Key
  bool api_key_for_reads = false;  // ...and read routes too
  int threads = 32;                // worker threads = concurrent keep-alive connections served
  size_t max_body_bytes = 4 << 20; // larger bodies get 413
  std::string report_dir;          // `encore eval --out` folder shown on the dashboard (optional)

  Status Validate() const;
};

class HttpServer {
 public:
  HttpServer(Service* service, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the socket and serves on a background thread. Returns once the
  // socket accepts connections.
  Status Start();
  // The bound port (after Start).
  int port() const { return port_; }
  // Graceful stop: no new connections, requests in flight complete (their
  // events are committed before they are acknowledged). Idempotent.
  void Stop();

 private:
  struct Route;
  struct Call;
  struct Reply;
  void AddRoutes();
  void Dispatch(const httplib::Request& request, httplib::Response& response);

  Service* service_;
  HttpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::vector<std::unique_ptr<Route>> routes_;
  int unmatched_metric_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
};

}  // namespace encore::serve
