#include "core/strings.h"

#include <algorithm>

namespace encore {

std::vector<std::string> SplitList(std::string_view text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = std::min(text.find(sep, start), text.size());
    std::string_view part = text.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    parts.emplace_back(part);
    if (end == text.size()) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace encore
