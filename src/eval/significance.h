// Paired comparison of two models evaluated on the same users: a two-sided
// paired t-test and a percentile bootstrap confidence interval of the mean
// difference (users resampled with replacement, seeded).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "core/types.h"

namespace encore {

struct PairedComparison {
  std::string metric;
  std::string model_a;
  std::string model_b;
  idx_t n = 0;             // paired users
  double mean_a = 0;
  double mean_b = 0;
  double mean_diff = 0;    // mean(a - b)
  double t = 0;            // paired t statistic (inf when the differences have no variance)
  double p_value = 1;      // two-sided, Student t with n - 1 degrees of freedom
  double ci_low = 0;       // bootstrap (1 - alpha) interval of mean(a - b); both mean_diff
  double ci_high = 0;      //   when has_ci is false
  bool has_ci = false;     // the bootstrap ran (bootstrap_samples > 0 and n >= 2)
  double alpha = 0.05;
  // p_value < alpha and, when there is one, the bootstrap interval excludes 0.
  bool significant = false;
};

// REQUIRES: a.size() == b.size(). Non-finite pairs are dropped. bootstrap_samples
// 0 skips the bootstrap (interval = [mean_diff, mean_diff]).
PairedComparison ComparePaired(std::span<const double> a, std::span<const double> b, int bootstrap_samples = 1000,
                               double alpha = 0.05, uint64_t seed = 42);

// Two-sided p-value of a Student t statistic with `df` degrees of freedom.
double StudentTwoSidedP(double t, double df);

// Regularised incomplete beta function I_x(a, b).
double RegularizedIncompleteBeta(double a, double b, double x);

}  // namespace encore
