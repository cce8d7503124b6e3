#include "models/registry.h"

#include <vector>

#include "models/ease.h"
#include "models/ials.h"
#include "models/popularity.h"

namespace encore {

std::span<const ModelEntry> ModelRegistry() {
  static const std::vector<ModelEntry> kModels = {
      {"ease", "EASE closed-form item-item autoencoder (Steck 2019)", &Ease::Create},
      {"ials", "implicit ALS, conjugate-gradient or exact solves (Hu et al. 2008; Rendle et al. 2022)", &Ials::Create},
      {"popularity", "most-interacted items, optionally time-decayed", &Popularity::Create},
  };
  return kModels;
}

}  // namespace encore
