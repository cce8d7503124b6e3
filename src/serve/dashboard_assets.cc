#include "serve/dashboard_assets.h"

namespace encore::serve {

std::string_view DashboardHtml() {
  return R"HTML(<!doctype html><html><head><title>encore</title></head><body><h1>encore</h1></body></html>)HTML";
}

}  // namespace encore::serve
