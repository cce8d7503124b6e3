#include "core/binary_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

namespace encore {

void BinaryWriter::String(const std::string& s) {
  Pod<uint64_t>(s.size());
  buf_.insert(buf_.end(), s.begin(), s.end());
}

void BinaryWriter::Bytes(const void* data, size_t n) {
  const auto* p = static_cast<const char*>(data);
  buf_.insert(buf_.end(), p, p + n);
}

void BinaryWriter::Header(const char* magic4, uint32_t version) {
  Bytes(magic4, 4);
  Pod(version);
}

Status BinaryWriter::WriteFile(const std::string& path) const {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return IoError("cannot create " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < buf_.size()) {
    ssize_t w = ::write(fd, buf_.data() + off, buf_.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      std::string err = std::strerror(errno);
      ::close(fd);
      std::remove(tmp.c_str());
      return IoError("cannot write " + tmp + ": " + err);
    }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::remove(tmp.c_str());
    return IoError("cannot flush " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return IoError("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

StatusOr<BinaryReader> BinaryReader::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return NotFound("cannot open " + path);
  std::streamsize size = in.tellg();
  if (size < 0) return IoError("cannot read " + path);
  in.seekg(0);
  std::vector<char> data(static_cast<size_t>(size));
  if (size > 0 && !in.read(data.data(), size)) return IoError("cannot read " + path);
  return BinaryReader(std::move(data), path);
}

Status BinaryReader::String(std::string* out, uint64_t max_len) {
  uint64_t n = 0;
  ENCORE_RETURN_IF_ERROR(Pod(&n));
  if (n > max_len || n > data_.size() - pos_) return Truncated();
  out->assign(data_.data() + pos_, n);
  pos_ += n;
  return Status::Ok();
}

StatusOr<uint32_t> BinaryReader::Header(const char* magic4, uint32_t max_version) {
  if (data_.size() - pos_ < 8) return DataLoss(name_ + ": file too short to be an encore file");
  if (std::memcmp(data_.data() + pos_, magic4, 4) != 0) {
    return DataLoss(name_ + ": expected a '" + std::string(magic4, 4) + "' file, found magic '" +
                    PeekMagic() + "'");
  }
  pos_ += 4;
  uint32_t version = 0;
  ENCORE_RETURN_IF_ERROR(Pod(&version));
  if (version == 0 || version > max_version) {
    return DataLoss(name_ + ": format version " + std::to_string(version) +
                    " is not supported (this build reads up to " + std::to_string(max_version) + ")");
  }
  return version;
}

std::string BinaryReader::PeekMagic() const {
  std::string m;
  for (size_t i = pos_; i < pos_ + 4 && i < data_.size(); ++i) {
    char c = data_[i];
    m += (c >= 32 && c < 127) ? c : '?';
  }
  return m;
}

Status BinaryReader::Truncated() const {
  return DataLoss(name_ + ": truncated or corrupt at byte " + std::to_string(pos_));
}

}  // namespace encore
