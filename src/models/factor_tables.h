// The user and item factor tables of a matrix-factorisation model (iALS, BPR)
// as they are stored in a model file: one writer and one validating reader, so
// every factor model checks a loaded file the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/binary_io.h"
#include "core/status.h"
#include "core/types.h"

namespace encore {

struct FactorTables {
  int64_t n_users = 0;
  int64_t n_items = 0;
  int32_t stride = 0;              // PaddedRank(factors)
  std::vector<float> user_factors;  // [n_users, stride]
  std::vector<float> item_factors;  // [n_items, stride]
};

// Row `row` of a [n, stride] factor table, without its padding columns.
inline std::vector<float> FactorRow(const std::vector<float>& table, idx_t row, int stride, int factors) {
  const float* begin = table.data() + row * stride;
  return {begin, begin + factors};
}

// user_factors: [n_users, stride]; item_factors: [n_items, stride].
void SaveFactorTables(BinaryWriter& out, int32_t factors, int64_t n_users, int64_t n_items, int32_t stride,
                      const std::vector<float>& user_factors, const std::vector<float>& item_factors);

// Reads tables written by SaveFactorTables. Fails with DataLoss naming `model`
// when the file's factor count differs from `expected_factors` or any size is
// inconsistent.
Status LoadFactorTables(BinaryReader& in, const std::string& model, int32_t expected_factors,
                        FactorTables* tables);

}  // namespace encore
