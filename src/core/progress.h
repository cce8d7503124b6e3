// A progress bar on stderr, drawn only when stderr is a terminal and enabled;
// otherwise silent. Thread-safe Advance().
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "core/types.h"

namespace encore {

class Progress {
 public:
  // total <= 0 means unknown (a counter is shown instead of a bar).
  Progress(std::string label, idx_t total, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Advance(idx_t amount = 1);
  // Extra text shown after the bar, e.g. "loss 0.123".
  void SetNote(const std::string& note);
  void Finish();

 private:
  void Draw(bool force);

  std::string label_;
  idx_t total_;
  bool enabled_;
  std::atomic<idx_t> done_{0};
  std::mutex mu_;
  std::string note_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool finished_ = false;
};

// True when stderr is attached to a terminal.
bool StderrIsTerminal();

}  // namespace encore
