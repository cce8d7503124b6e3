// Chinese word segmentation with friso (Debian libfriso-dev + friso-dict).
//
// friso loads its lexicon from an ini file; Debian ships it at
// /etc/friso/friso.ini (the path in friso.pc does not exist). Loading takes
// ~0.3 s and ~40 MB, so one segmenter is shared: Shared() loads it once per
// process on first use and keeps it read-only afterwards.
//
// Thread-safety: Segment() may be called concurrently (calls are serialised
// internally; friso's task state is not shared but its lexicon cache is not
// documented as thread-safe).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace encore::text {

inline constexpr const char* kFrisoIniPath = "/etc/friso/friso.ini";

class ChineseSegmenter {
 public:
  ~ChineseSegmenter();
  ChineseSegmenter(const ChineseSegmenter&) = delete;
  ChineseSegmenter& operator=(const ChineseSegmenter&) = delete;

  // Loads friso from `ini_path`. NotFound when the file is missing (install
  // friso-dict), Internal when friso rejects it.
  static StatusOr<std::unique_ptr<ChineseSegmenter>> Load(const std::string& ini_path = kFrisoIniPath);
  // The process-wide segmenter loaded from kFrisoIniPath (loaded on first call;
  // a failure is remembered and returned to every caller).
  static StatusOr<const ChineseSegmenter*> Shared();

  // Segments a run of CJK text (valid UTF-8) into words; punctuation is dropped.
  std::vector<std::string> Segment(std::string_view text) const;

 private:
  ChineseSegmenter() = default;
  struct Friso;
  std::unique_ptr<Friso> friso_;
  mutable std::mutex mu_;
};

}  // namespace encore::text
