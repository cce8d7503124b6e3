// encore serve --db PATH --model MODEL_FILE [--host 127.0.0.1] [--port 8080] [--api-key KEY] [--threads N]
//              [--report DIR] [--api-key-reads] [--max-body-mb N] [--max-batch N]
#include <dlfcn.h>

#include <csignal>
#include <cstdio>
#include <pthread.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "serve/http_server.h"
#include "serve/service.h"
#include "store/store.h"

namespace encore::cli {
namespace {

struct ServeArgs {
  std::string db;
  std::string model_path;
  serve::HttpOptions http;
  idx_t max_body_mb = 4;
  idx_t max_batch = 10000;
  int build_threads = 2;
  std::vector<std::string> weights;
};

// Serving runs many small scoring calls at once, one per request thread. A
// multithreaded BLAS inside each call makes them fight over the same cores
// and OpenBLAS's locks: measured 259 req/s instead of thousands. One BLAS
// thread per call; found by name so any BLAS (or none) links.
void UseSingleThreadedBlas() {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
}

Status RunServe(const ServeArgs& args) {
  UseSingleThreadedBlas();
  // Block SIGINT/SIGTERM before any thread starts, so every thread inherits
  // the mask and the signals are only received by sigwait below: a signal
  // then means "stop accepting, finish requests in flight, close the store".
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  serve::ServiceOptions options;
  options.model_path = args.model_path;
  options.max_batch = args.max_batch;
  options.threads = args.build_threads;
  for (const std::string& kv : args.weights) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return InvalidArgument("--weight '" + kv + "' is not key=value");
    ENCORE_RETURN_IF_ERROR(options.weighting.Set(kv.substr(0, eq), kv.substr(eq + 1)));
  }
  serve::HttpOptions http = args.http;
  http.max_body_bytes = static_cast<size_t>(args.max_body_mb) << 20;
  ENCORE_RETURN_IF_ERROR(http.Validate());

  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(args.db));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<serve::Service> service, serve::Service::Open(std::move(store), options));
  serve::HttpServer server(service.get(), http);
  ENCORE_RETURN_IF_ERROR(server.Start());
  auto model = service->model();
  const std::string base = "http://" + http.host + ":" + std::to_string(server.port());
  std::printf("encore serve: model %s (version %lld) on %s\n", model->model->Name().c_str(),
              static_cast<long long>(model->version), args.db.c_str());
  std::printf("dashboard:  %s/\n", base.c_str());
  std::printf("try:        curl '%s/api/popular?n=5'\n", base.c_str());
  std::printf("            curl '%s/api/recommend/USER_ID?n=10&explain=true'\n", base.c_str());
  std::printf("            curl -X POST %s/api/events%s -H 'Content-Type: application/json' \\\n"
              "                 -d '{\"user\":\"USER_ID\",\"item\":\"ITEM_ID\",\"type\":\"play\",\"value\":1}'\n",
              base.c_str(), http.api_key.empty() ? "" : " -H 'X-API-Key: KEY'");
  std::printf("listening on %s (Ctrl-C or SIGTERM to stop)\n", base.c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  std::printf("encore serve: %s received, finishing requests in flight\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
  std::fflush(stdout);
  server.Stop();
  service.reset();  // closes the store after the last request
  std::printf("encore serve: stopped\n");
  return Status::Ok();
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "serve recommendations, events and the dashboard over HTTP");
  cmd->add_option("--db", args->db, "store path (SQLite file)")->required();
  cmd->add_option("--model", args->model_path, "model file from `encore train`")->required();
  cmd->add_option("--host", args->http.host, "address to bind (loopback by default)")->capture_default_str();
  cmd->add_option("--port", args->http.port, "TCP port (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--api-key", args->http.api_key, "require this X-API-Key on write and admin routes");
  cmd->add_flag("--api-key-reads", args->http.api_key_for_reads, "require the API key on read routes too");
  cmd->add_option("--threads", args->http.threads, "HTTP worker threads (= concurrent keep-alive connections)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--report", args->http.report_dir, "folder with report.md/report.json from `encore eval --out`");
  cmd->add_option("--max-body-mb", args->max_body_mb, "request body limit in MiB")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--max-batch", args->max_batch, "most items/users/events in one write request")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--weight", args->weights, "event weighting key=value, as given to `encore train` (repeatable)");
  cmd->callback([args, exit_code] { *exit_code = Report("serve", RunServe(*args)); });
}

}  // namespace encore::cli
