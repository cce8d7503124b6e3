#include "models/registry.h"

#include <vector>

#include "models/bpr.h"
#include "models/content.h"
#include "models/ease.h"
#include "models/ensemble.h"
#include "models/fusion.h"
#include "models/gru4rec.h"
#include "models/hybrid.h"
#include "models/ials.h"
#include "models/itemknn.h"
#include "models/popularity.h"
#include "models/random.h"
#include "models/rp3beta.h"
#include "models/sasrec.h"
#include "models/userknn.h"

namespace encore {

std::span<const ModelEntry> ModelRegistry() {
  static const std::vector<ModelEntry> kModels = {
      {"bpr", "matrix factorisation by Bayesian Personalised Ranking, Hogwild SGD (Rendle et al. 2009)", &Bpr::Create},
      {"content", "content-based: recency-weighted TF-IDF profile of item text, cosine", &ContentModel::Create},
      {"ease", "EASE closed-form item-item autoencoder (Steck 2019)", &Ease::Create},
      {"ensemble", "weighted blend of registered models' per-user normalised scores (models=, weights=)", &Ensemble::Create},
      {"fusion", "multimodal: text, audio, visual (stored analyses) and collaborative inputs fused by attention, libtorch; scores new items", &FusionRecommender::Create},
      {"gru4rec", "GRU next-item sequence model (Hidasi et al. 2016), libtorch", &Gru4rec::Create},
      {"hybrid", "CF blended with a content model that scores new items: content,fusion (default), content, fusion, or LightFM-style features", &Hybrid::Create},
      {"ials", "implicit ALS, conjugate-gradient or exact solves (Hu et al. 2008; Rendle et al. 2022)", &Ials::Create},
      {"itemknn", "item-based k nearest neighbours: cosine, asymmetric cosine or BM25, shrinkage", &ItemKnn::Create},
      {"popularity", "most-interacted items, optionally time-decayed", &Popularity::Create},
      {"random", "seeded pseudo-random scores: the floor of every table, reaches cold items", &RandomModel::Create},
      {"rp3beta", "random walk item-user-item with popularity penalty (Paudel et al. 2017)", &Rp3beta::Create},
      {"sasrec", "self-attentive next-item sequence model (Kang & McAuley 2018), full softmax, libtorch", &Sasrec::Create},
      {"userknn", "user-based k nearest neighbours: cosine, asymmetric cosine or BM25, shrinkage", &UserKnn::Create},
  };
  return kModels;
}

}  // namespace encore
