#include "models/factor_tables.h"

#include "core/types.h"
#include "models/factor_kernels.h"

namespace encore {

void SaveFactorTables(BinaryWriter& out, int32_t factors, int64_t n_users, int64_t n_items, int32_t stride,
                      const std::vector<float>& user_factors, const std::vector<float>& item_factors) {
  out.Pod<int64_t>(n_users);
  out.Pod<int64_t>(n_items);
  out.Pod<int32_t>(factors);
  out.Pod<int32_t>(stride);
  out.Vector(user_factors);
  out.Vector(item_factors);
}

Status LoadFactorTables(BinaryReader& in, const std::string& model, int32_t expected_factors,
                        FactorTables* tables) {
  int64_t n_users = 0, n_items = 0;
  int32_t factors = 0, stride = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_users));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  ENCORE_RETURN_IF_ERROR(in.Pod(&factors));
  ENCORE_RETURN_IF_ERROR(in.Pod(&stride));
  if (n_users < 0 || n_items < 0 || n_users > kMaxEntities || n_items > kMaxEntities ||
      factors != expected_factors || stride != PaddedRank(factors)) {
    return DataLoss(in.name() + ": corrupt " + model + " header (factors do not match the parameters)");
  }
  tables->n_users = n_users;
  tables->n_items = n_items;
  tables->stride = stride;
  ENCORE_RETURN_IF_ERROR(in.Vector(&tables->user_factors));
  ENCORE_RETURN_IF_ERROR(in.Vector(&tables->item_factors));
  if (tables->user_factors.size() != static_cast<size_t>(n_users * stride) ||
      tables->item_factors.size() != static_cast<size_t>(n_items * stride)) {
    return DataLoss(in.name() + ": " + model + " factor tables have the wrong size");
  }
  return Status::Ok();
}

}  // namespace encore
