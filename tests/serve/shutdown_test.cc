// `encore serve` as a real process: SIGTERM while events are being posted must
// not lose any acknowledged event, and the process exits cleanly.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "serve_test_util.h"

namespace encore {
namespace {

using serve_test::TempDir;

// Starts `encore serve` with --port 0 and reads the bound port from its stdout.
struct ServerProcess {
  pid_t pid = -1;
  int port = 0;
  FILE* out = nullptr;

  bool Start(const std::string& db, const std::string& model) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid = fork();
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      execl(ENCORE_BIN, ENCORE_BIN, "serve", "--db", db.c_str(), "--model", model.c_str(), "--port", "0",
            "--threads", "8", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out = fdopen(fds[0], "r");
    char line[1024];
    while (fgets(line, sizeof(line), out) != nullptr) {
      std::string s(line);
      const std::string marker = "listening on http://127.0.0.1:";
      auto pos = s.find(marker);
      if (pos != std::string::npos) {
        port = std::stoi(s.substr(pos + marker.size()));
        return true;
      }
    }
    return false;
  }
  // Returns the exit status after SIGTERM (-1 on failure).
  int Terminate() {
    kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        if (out) fclose(out);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
  }
};

TEST(ServeProcess, SigtermLosesNoAcknowledgedEvent) {
  TempDir dir;
  const std::string db = dir.path() + "/store.db";
  const std::string model = dir.path() + "/pop.bin";
  ASSERT_TRUE(serve_test::BuildFixture(db, "popularity", {}, model).ok());
  idx_t before = 0;
  {
    auto store = OpenStore(db);
    ASSERT_TRUE(store.ok());
    before = (*store)->Stats()->n_events;
  }
  ServerProcess server;
  ASSERT_TRUE(server.Start(db, model));

  // Two clients post small batches as fast as they can; SIGTERM arrives mid-stream.
  std::atomic<bool> stop{false};
  std::atomic<idx_t> acknowledged{0};
  auto poster = [&](int client_id) {
    httplib::Client c("127.0.0.1", server.port);
    int64_t ts = 2000000 + client_id * 1000000;
    while (!stop) {
      nlohmann::json batch = {{"events", nlohmann::json::array()}};
      for (int i = 0; i < 5; ++i) {
        batch["events"].push_back({{"user", std::string("load").append(std::to_string(client_id))},
                                   {"item", std::string("m").append(std::to_string(i))},
                                   {"type", "click"},
                                   {"timestamp", ts++}});
      }
      auto r = c.Post("/api/events", batch.dump(), "application/json");
      if (!r) break;  // connection closed by the shutdown
      if (r->status == 200) acknowledged += nlohmann::json::parse(r->body)["written"].get<idx_t>();
    }
  };
  std::thread a(poster, 1), b(poster, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(server.Terminate(), 0);
  stop = true;
  a.join();
  b.join();
  ASSERT_GT(acknowledged.load(), 0);

  auto store = OpenStore(db);
  ASSERT_TRUE(store.ok());
  const idx_t after = (*store)->Stats()->n_events;
  // Every acknowledged event is there; at most a batch in flight per client may
  // have been committed without its acknowledgement reaching the client.
  EXPECT_GE(after - before, acknowledged.load());
  EXPECT_LE(after - before, acknowledged.load() + 2 * 5);
}

}  // namespace
}  // namespace encore
