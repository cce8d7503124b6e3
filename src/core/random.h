// SplitMix64 (Steele, Lea and Flood 2014): the project's one small seeded
// generator step. Its sequence is the same on every platform and standard
// library (std:: distributions are not), so splits, demo data, sampled pairs
// and hashed projections reproduce exactly. Callers build their own ranges
// (Below, Uniform) on top, each documented where it is.
#pragma once

#include <cstdint>

namespace encore {

// Advances `state` by the golden-ratio increment and returns the mixed value.
inline uint64_t SplitMix64Next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace encore
