#include "models/registry.h"

#include <vector>

#include "models/popularity.h"

namespace encore {

std::span<const ModelEntry> ModelRegistry() {
  static const std::vector<ModelEntry> kModels = {
      {"popularity", "most-interacted items, optionally time-decayed", &Popularity::Create},
  };
  return kModels;
}

}  // namespace encore
