// Dense float kernels for the factor models (iALS, BPR): the hot loops of the
// product. Two builds of the same code live in factor_kernels.cc, a portable one
// and one compiled for AVX2+FMA; Kernels() picks one at run time from the CPU, so
// the shipped binary needs no -march flag.
//
// Layout: a factor matrix is row-major [n, stride] floats, stride = PaddedRank(k)
// (a multiple of 8) and the padding columns are zero. Every kernel below works on
// whole padded rows and keeps the padding at zero.
#pragma once

#include <span>

#include "core/types.h"

namespace encore {

// The row stride used for `rank` factors.
inline int PaddedRank(int rank) { return (rank + 7) / 8 * 8; }

// One user's (or item's) weighted least-squares system in iALS:
//   A = gram + reg * I + sum_n (conf[n] - unobserved) * h_n h_n^T
//   b = sum_n conf[n] * h_n
// where h_n = factors + idx[n] * stride and gram already holds
// unobserved * H^T H. gram: [stride, stride] row-major, zero outside [rank, rank].
struct RowSystem {
  const float* gram = nullptr;
  const float* factors = nullptr;
  int rank = 0;
  int stride = 0;
  float reg = 0;
  float unobserved = 0;
  std::span<const ItemIdx> idx;
  std::span<const float> conf;
};

struct FactorKernels {
  const char* name;
  // sum a[f] * b[f], f < n (n a multiple of 8).
  float (*dot)(const float* a, const float* b, int n);
  // Runs `steps` conjugate-gradient steps on A x = b starting from x (warm start).
  // scratch: 3 * stride floats.
  void (*cg_solve)(const RowSystem& sys, int steps, float* x, float* scratch);
  // Solves A x = b exactly (Cholesky). scratch: stride * stride + stride floats.
  // Returns false when A is not positive definite (x untouched).
  bool (*exact_solve)(const RowSystem& sys, float* x, float* scratch);
  // One BPR SGD step on (user w, positive hi, negative hj), padded rows of size
  // n; biases are updated too. Returns the pre-update margin x_uij.
  float (*bpr_step)(float* w, float* hi, float* hj, float* bias_i, float* bias_j, float lr, float reg,
                    int n);
};

// The best kernels this CPU runs (AVX2+FMA when available).
const FactorKernels& BestFactorKernels();
// The portable build (tests compare the two).
const FactorKernels& PortableFactorKernels();

}  // namespace encore
