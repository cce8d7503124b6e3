#include "models/sasrec.h"

namespace encore {

StatusOr<std::unique_ptr<Recommender>> Sasrec::Create(const ModelParams& params) {
  SequenceOptions o;
  o.arch = SequenceArch::kSasrec;
  ENCORE_RETURN_IF_ERROR(ParseOptions("sasrec", params, &o));
  return std::unique_ptr<Recommender>(new Sasrec(std::move(o)));
}

}  // namespace encore
