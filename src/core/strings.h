// Small string helpers shared by the parameter, flag and query parsers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace encore {

// Splits "a, b,,c" at `sep` into {"a", "b", "", "c"}: spaces around each part are
// trimmed, empty parts are kept (so callers can reject them), "" gives {""}.
std::vector<std::string> SplitList(std::string_view text, char sep = ',');

}  // namespace encore
