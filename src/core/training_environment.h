// The process settings a neural network (libtorch) trains best under on a few
// cores, held for the lifetime of one object. Used by the sequence models and
// the fusion model.
//
// Measured on ml-100k at the sasrec reference configuration (encore_sequence_bench, shared 2-core machine at load
// ~15), CPU seconds of the second epoch: 20.2 on 2 threads as torch leaves it;
// with both changes below 3.1 on 2 threads with OMP_WAIT_POLICY=passive and 3.0
// on 1 thread (14.4 on 2 threads with OpenMP's default spin-waiting, which a
// process cannot change once libgomp is loaded: docs/sequence-models.md).
// - OpenBLAS (torch's matrix products) keeps its own pool of threads next to
//   torch's OpenMP threads (element-wise kernels); together they oversubscribe
//   the cores, and idle OpenMP threads spin while a product runs. BLAS runs on
//   the calling thread while training and gets its thread count back after.
// - glibc hands freed blocks of several MB (logit chunks, attention maps) back
//   to the kernel and page-faults them in again on the next step (a third of
//   the CPU time was system time). Large blocks are kept on the heap instead;
//   this is process-wide and stays after training (mallopt has no getter).
#pragma once

namespace encore {

class TrainingEnvironment {
 public:
  TrainingEnvironment();
  ~TrainingEnvironment();
  TrainingEnvironment(const TrainingEnvironment&) = delete;
  TrainingEnvironment& operator=(const TrainingEnvironment&) = delete;

 private:
  using GetThreads = int (*)();
  using SetThreads = void (*)(int);
  GetThreads get_threads_ = nullptr;
  SetThreads set_threads_ = nullptr;
  int saved_blas_threads_ = 0;
};

}  // namespace encore
