#include "models/gru4rec.h"

namespace encore {

StatusOr<std::unique_ptr<Recommender>> Gru4rec::Create(const ModelParams& params) {
  SequenceOptions o;
  o.arch = SequenceArch::kGru4rec;
  o.hidden = 64;
  o.blocks = 1;  // GRU layers
  ENCORE_RETURN_IF_ERROR(ParseOptions("gru4rec", params, &o));
  return std::unique_ptr<Recommender>(new Gru4rec(std::move(o)));
}

}  // namespace encore
