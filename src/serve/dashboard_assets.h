// The dashboard: one static page (HTML, CSS and JS inline) embedded in the
// binary and served at `/`. It only calls the public JSON API.
#pragma once

#include <string_view>

namespace encore::serve {

std::string_view DashboardHtml();

}  // namespace encore::serve
