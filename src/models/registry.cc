#include "models/registry.h"

#include <vector>

#include "models/content.h"
#include "models/ease.h"
#include "models/gru4rec.h"
#include "models/hybrid.h"
#include "models/ials.h"
#include "models/popularity.h"
#include "models/sasrec.h"

namespace encore {

std::span<const ModelEntry> ModelRegistry() {
  static const std::vector<ModelEntry> kModels = {
      {"content", "content-based: recency-weighted TF-IDF profile of item text, cosine", &ContentModel::Create},
      {"ease", "EASE closed-form item-item autoencoder (Steck 2019)", &Ease::Create},
      {"gru4rec", "GRU next-item sequence model (Hidasi et al. 2016), libtorch", &Gru4rec::Create},
      {"hybrid", "LightFM-style: items as sums of id + genre/tag/word embeddings, WARP/BPR; scores new items from content", &Hybrid::Create},
      {"ials", "implicit ALS, conjugate-gradient or exact solves (Hu et al. 2008; Rendle et al. 2022)", &Ials::Create},
      {"popularity", "most-interacted items, optionally time-decayed", &Popularity::Create},
      {"sasrec", "self-attentive next-item sequence model (Kang & McAuley 2018), full softmax, libtorch", &Sasrec::Create},
  };
  return kModels;
}

}  // namespace encore
