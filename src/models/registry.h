// The table of models known by name. Adding a model = one line in registry.cc.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "models/recommender.h"

namespace encore {

struct ModelEntry {
  std::string name;
  std::string summary;  // one line for `--help` and docs
  std::function<StatusOr<std::unique_ptr<Recommender>>(const ModelParams&)> create;
};

std::span<const ModelEntry> ModelRegistry();

}  // namespace encore
