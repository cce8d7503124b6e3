#include "models/factor_kernels.h"

#include <immintrin.h>

#include <cmath>

namespace encore {

// Why two builds: the product ships without -march flags, yet these loops are
// where iALS and BPR spend their time, and AVX2+FMA roughly doubles them.
namespace kernels_portable {
#define ENCORE_KERNEL_AVX2 0
#include "models/factor_kernels_impl.inc"
#undef ENCORE_KERNEL_AVX2
}  // namespace kernels_portable

#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace kernels_avx2 {
#define ENCORE_KERNEL_AVX2 1
#include "models/factor_kernels_impl.inc"
#undef ENCORE_KERNEL_AVX2
}  // namespace kernels_avx2
#pragma GCC pop_options

namespace {
const FactorKernels kPortable = {"portable", &kernels_portable::Dot, &kernels_portable::CgSolve,
                                 &kernels_portable::ExactSolve, &kernels_portable::BprStep};
const FactorKernels kAvx2 = {"avx2", &kernels_avx2::Dot, &kernels_avx2::CgSolve, &kernels_avx2::ExactSolve,
                             &kernels_avx2::BprStep};
}  // namespace

const FactorKernels& PortableFactorKernels() { return kPortable; }

const FactorKernels& BestFactorKernels() {
  static const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has_avx2 ? kAvx2 : kPortable;
}

}  // namespace encore
