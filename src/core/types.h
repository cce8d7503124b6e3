// Identifiers. External ids are the catalogue's strings (std::string); internal
// indices are dense 0..n-1 integers assigned by the store, with one mapping
// table per entity (users, items) kept by the store.
#pragma once

#include <cstdint>
#include <limits>

namespace encore {

using idx_t = int64_t;    // counts and offsets
using UserIdx = int32_t;  // dense internal user index
using ItemIdx = int32_t;  // dense internal item index

inline constexpr UserIdx kNoUser = -1;
inline constexpr ItemIdx kNoItem = -1;
// Upper bound on the number of users or items in one store (fits int32).
inline constexpr idx_t kMaxEntities = std::numeric_limits<int32_t>::max() - 1;

}  // namespace encore
