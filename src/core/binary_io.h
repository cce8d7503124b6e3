// Versioned binary files (model files, indexes). A writer writes to PATH.tmp and
// renames on Commit(), so a crash never leaves a half-written file behind. A
// reader loads the whole file and bounds-checks every read, so a truncated or
// hostile file yields DataLoss instead of a crash.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/status.h"

namespace encore {

class BinaryWriter {
 public:
  BinaryWriter() = default;  // writes to memory only
  template <typename T>
  void Pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&v);
    buf_.insert(buf_.end(), p, p + sizeof(T));
  }
  void String(const std::string& s);
  template <typename T>
  void Vector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    Pod<uint64_t>(v.size());
    const auto* p = reinterpret_cast<const char*>(v.data());
    buf_.insert(buf_.end(), p, p + v.size() * sizeof(T));
  }
  void Bytes(const void* data, size_t n);
  // Writes magic (exactly 4 chars) and a format version.
  void Header(const char* magic4, uint32_t version);

  const std::vector<char>& buffer() const { return buf_; }
  // Writes the buffer to `path` atomically (temp file, fsync, rename).
  Status WriteFile(const std::string& path) const;

 private:
  std::vector<char> buf_;
};

class BinaryReader {
 public:
  explicit BinaryReader(std::vector<char> data, std::string name = "buffer")
      : data_(std::move(data)), name_(std::move(name)) {}
  static StatusOr<BinaryReader> FromFile(const std::string& path);

  template <typename T>
  Status Pod(T* out) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (pos_ + sizeof(T) > data_.size()) return Truncated();
    std::memcpy(out, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }
  Status String(std::string* out, uint64_t max_len = 1ull << 30);
  template <typename T>
  Status Vector(std::vector<T>* out, uint64_t max_elems = 1ull << 34) {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t n = 0;
    ENCORE_RETURN_IF_ERROR(Pod(&n));
    if (n > max_elems || n > (data_.size() - pos_) / sizeof(T)) return Truncated();
    out->resize(n);
    std::memcpy(out->data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return Status::Ok();
  }
  // Checks magic and returns the version; rejects versions above max_version.
  StatusOr<uint32_t> Header(const char* magic4, uint32_t max_version);
  // Reads the 4-byte magic without consuming it.
  std::string PeekMagic() const;
  bool AtEnd() const { return pos_ == data_.size(); }
  const std::string& name() const { return name_; }

 private:
  Status Truncated() const;
  std::vector<char> data_;
  std::string name_;
  size_t pos_ = 0;
};

}  // namespace encore
