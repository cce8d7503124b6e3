#include "ingest/text_file.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

namespace encore {

StatusOr<TextFile> TextFile::Open(const std::string& path, idx_t max_line_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFound(path + ": no such file");
  if (S_ISDIR(st.st_mode)) return InvalidArgument(path + ": is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError(path + ": cannot open for reading");
  TextFile file;
  file.path_ = path;
  file.max_line_bytes_ = max_line_bytes;
  file.data_.resize(static_cast<size_t>(st.st_size));
  if (!file.data_.empty() && !in.read(file.data_.data(), static_cast<std::streamsize>(file.data_.size()))) {
    return IoError(path + ": read failed");
  }
  // A UTF-8 byte-order mark is not part of the first field.
  if (file.data_.rfind("\xEF\xBB\xBF", 0) == 0) file.pos_ = 3;
  if (file.data_.find_first_not_of(" \t\r\n", file.pos_) == std::string::npos) {
    return InvalidArgument(path + ": file is empty");
  }
  return file;
}

bool TextFile::Next(std::string_view* line, Status* error) {
  while (pos_ < data_.size()) {
    size_t end = data_.find('\n', pos_);
    if (end == std::string::npos) end = data_.size();
    std::string_view l(data_.data() + pos_, end - pos_);
    pos_ = end + 1;
    ++line_number_;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (static_cast<idx_t>(l.size()) > max_line_bytes_) {
      *error = LineError("line is " + std::to_string(l.size()) + " bytes long, over the limit of " +
                         std::to_string(max_line_bytes_) + " bytes (is this the right file?)");
      *line = {};
      return true;
    }
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    *error = Status::Ok();
    *line = l;
    return true;
  }
  return false;
}

Status TextFile::LineError(const std::string& what) const {
  return InvalidArgument(path_ + ":" + std::to_string(line_number_) + ": " + what);
}

Status TextFile::FieldError(size_t field, std::string_view name, const std::string& what) const {
  return LineError("field " + std::to_string(field + 1) + " (" + std::string(name) + "): " + what);
}

void SplitDelimited(std::string_view line, char delimiter, std::vector<std::string_view>* fields) {
  fields->clear();
  size_t start = 0;
  while (true) {
    size_t end = line.find(delimiter, start);
    if (end == std::string_view::npos) {
      fields->push_back(line.substr(start));
      return;
    }
    fields->push_back(line.substr(start, end - start));
    start = end + 1;
  }
}

Status SplitCsv(std::string_view line, std::vector<std::string>* fields) {
  fields->clear();
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return InvalidArgument("unterminated quoted field");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      if (i < line.size() && line[i] != ',') {
        return InvalidArgument("unexpected text after a closing quote in field " +
                               std::to_string(fields->size() + 1));
      }
    } else {
      size_t end = line.find(',', i);
      if (end == std::string_view::npos) end = line.size();
      field.assign(line.substr(i, end - i));
      if (field.find('"') != std::string::npos) {
        return InvalidArgument("stray quote in unquoted field " + std::to_string(fields->size() + 1));
      }
      i = end;
    }
    fields->push_back(std::move(field));
    if (i >= line.size()) return Status::Ok();
    ++i;  // the comma
    if (i == line.size()) {
      fields->emplace_back();
      return Status::Ok();
    }
  }
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

namespace {

void Latin1ToUtf8(std::string_view raw, std::string* out) {
  out->clear();
  out->reserve(raw.size() + raw.size() / 4);
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      *out += ch;
    } else {
      *out += static_cast<char>(0xC0 | (c >> 6));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
}

bool IsAscii(std::string_view raw) {
  for (char c : raw) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

Status DecodeText(std::string_view raw, Encoding encoding, std::string* out) {
  if (IsAscii(raw)) {
    out->assign(raw);
    return Status::Ok();
  }
  switch (encoding) {
    case Encoding::kLatin1:
      Latin1ToUtf8(raw, out);
      return Status::Ok();
    case Encoding::kUtf8:
      if (!IsValidUtf8(raw)) return InvalidArgument("invalid UTF-8 (try --encoding latin-1 or auto)");
      out->assign(raw);
      return Status::Ok();
    case Encoding::kAuto:
      if (IsValidUtf8(raw)) out->assign(raw);
      else Latin1ToUtf8(raw, out);
      return Status::Ok();
  }
  return Internal("unknown encoding");
}

bool ParseInt(std::string_view text, int64_t* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

bool ParseNumber(std::string_view text, double* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*out);
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Status FieldReader::ExpectCount(size_t n, char delimiter) const {
  if (fields_.size() == n) return Status::Ok();
  std::string d = delimiter == '\t' ? "tab" : std::string("'") + delimiter + "'";
  return file_.LineError("expected " + std::to_string(n) + " fields separated by " + d + ", found " +
                         std::to_string(fields_.size()));
}

namespace {

std::string Quoted(std::string_view raw) {
  constexpr size_t kMaxShown = 40;
  std::string shown(raw.substr(0, kMaxShown));
  if (raw.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

}  // namespace

StatusOr<int64_t> FieldReader::Int(size_t i, std::string_view name) const {
  int64_t v = 0;
  if (!ParseInt(fields_[i], &v)) return file_.FieldError(i, name, Quoted(fields_[i]) + " is not an integer");
  return v;
}

StatusOr<double> FieldReader::Number(size_t i, std::string_view name) const {
  double v = 0;
  if (!ParseNumber(fields_[i], &v)) return file_.FieldError(i, name, Quoted(fields_[i]) + " is not a number");
  return v;
}

StatusOr<std::string> FieldReader::Text(size_t i, std::string_view name, bool required) const {
  if (required && fields_[i].empty()) return file_.FieldError(i, name, "must not be empty");
  std::string out;
  Status st = DecodeText(fields_[i], encoding_, &out);
  if (!st.ok()) return file_.FieldError(i, name, st.message());
  return out;
}

Status ErrorSink::Skip(Status error) {
  if (mode_ == OnError::kFail) return error;
  ++report_->lines_skipped;
  if (report_->skip_reasons.size() < kMaxSkipReasons) report_->skip_reasons.push_back(error.message());
  return Status::Ok();
}

Status ExpectHeader(TextFile& file, std::string_view expected) {
  std::string_view line;
  Status error;
  if (!file.Next(&line, &error)) return InvalidArgument(file.path() + ": file is empty");
  ENCORE_RETURN_IF_ERROR(error);
  if (line != expected) {
    return file.LineError("expected the header '" + std::string(expected) + "', found '" +
                          std::string(line.substr(0, 80)) + "'");
  }
  return Status::Ok();
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / name).string();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace encore
