#include "core/training_environment.h"

#include <dlfcn.h>
#include <malloc.h>

namespace encore {

TrainingEnvironment::TrainingEnvironment() {
  constexpr int kMmapThreshold = 32 << 20;  // glibc's maximum: 64 MB heaps / 2
  constexpr int kTrimThreshold = 1 << 30;
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
  // Found by name, so any BLAS (or a BLAS without these calls) links.
  get_threads_ = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  set_threads_ = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (get_threads_ != nullptr && set_threads_ != nullptr) {
    saved_blas_threads_ = get_threads_();
    set_threads_(1);
  }
}

TrainingEnvironment::~TrainingEnvironment() {
  if (saved_blas_threads_ > 0) set_threads_(saved_blas_threads_);
}

}  // namespace encore
