#include "ingest/options.h"

#include <algorithm>
#include <cctype>

namespace encore {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

StatusOr<Encoding> ParseEncoding(std::string_view name) {
  std::string n = Lower(name);
  if (n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "latin-1" || n == "latin1" || n == "iso-8859-1") return Encoding::kLatin1;
  return InvalidArgument("unknown encoding '" + std::string(name) + "' (expected auto, utf-8 or latin-1)");
}

StatusOr<OnError> ParseOnError(std::string_view name) {
  if (name == "fail") return OnError::kFail;
  if (name == "skip") return OnError::kSkip;
  return InvalidArgument("unknown --on-error value '" + std::string(name) + "' (expected fail or skip)");
}

}  // namespace encore
