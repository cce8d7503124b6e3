#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace encore {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, idx_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && StderrIsTerminal()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Advance(idx_t amount) {
  done_.fetch_add(amount, std::memory_order_relaxed);
  if (enabled_) Draw(false);
}

void Progress::SetNote(const std::string& note) {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    note_ = note;
  }
  Draw(false);
}

void Progress::Finish() {
  if (!enabled_ || finished_) return;
  Draw(true);
  std::fputc('\n', stderr);
  finished_ = true;
}

void Progress::Draw(bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  idx_t done = done_.load();
  constexpr int kWidth = 30;
  if (total_ > 0) {
    double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    int filled = static_cast<int>(frac * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %lld/%lld %.1fs %s\x1b[K", label_.c_str(), bar.c_str(),
                 frac * 100, static_cast<long long>(done), static_cast<long long>(total_), secs,
                 note_.c_str());
  } else {
    std::fprintf(stderr, "\r%s %lld %.1fs %s\x1b[K", label_.c_str(), static_cast<long long>(done),
                 secs, note_.c_str());
  }
  std::fflush(stderr);
}

}  // namespace encore
