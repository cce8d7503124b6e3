#include "eval/significance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "eval/splitters.h"

namespace encore {
namespace {

// Continued fraction for the incomplete beta (modified Lentz, as in Numerical Recipes).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr int kMaxIterations = 300;
  constexpr double kEps = 1e-15;
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

}  // namespace

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                           b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

double StudentTwoSidedP(double t, double df) {
  if (std::isnan(t) || df <= 0) return 1;
  if (std::isinf(t)) return 0;
  return RegularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
}

PairedComparison ComparePaired(std::span<const double> a, std::span<const double> b, int bootstrap_samples,
                               double alpha, uint64_t seed) {
  PairedComparison out;
  out.alpha = alpha;
  std::vector<double> diff;
  double sum_a = 0, sum_b = 0;
  const size_t n_in = std::min(a.size(), b.size());
  diff.reserve(n_in);
  for (size_t i = 0; i < n_in; ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    diff.push_back(a[i] - b[i]);
    sum_a += a[i];
    sum_b += b[i];
  }
  const idx_t n = static_cast<idx_t>(diff.size());
  out.n = n;
  if (n == 0) return out;
  const double dn = static_cast<double>(n);
  out.mean_a = sum_a / dn;
  out.mean_b = sum_b / dn;
  double mean = 0;
  for (double d : diff) mean += d;
  mean /= dn;
  out.mean_diff = mean;
  double ss = 0;
  for (double d : diff) ss += (d - mean) * (d - mean);
  if (n >= 2) {
    const double sd = std::sqrt(ss / (dn - 1));
    if (sd > 0) {
      out.t = mean / (sd / std::sqrt(dn));
      out.p_value = StudentTwoSidedP(out.t, dn - 1);
    } else {
      // Identical differences: no uncertainty left.
      out.t = mean == 0 ? 0 : std::copysign(std::numeric_limits<double>::infinity(), mean);
      out.p_value = mean == 0 ? 1 : 0;
    }
  }
  out.ci_low = out.ci_high = mean;
  if (bootstrap_samples > 0 && n >= 2) {
    SplitRng rng(seed);
    std::vector<double> means(bootstrap_samples);
    for (int s = 0; s < bootstrap_samples; ++s) {
      double acc = 0;
      for (idx_t i = 0; i < n; ++i) acc += diff[rng.Below(static_cast<uint64_t>(n))];
      means[s] = acc / dn;
    }
    std::sort(means.begin(), means.end());
    auto quantile = [&](double q) {
      const double pos = q * (bootstrap_samples - 1);
      const size_t lo = static_cast<size_t>(std::floor(pos));
      const size_t hi = std::min<size_t>(lo + 1, means.size() - 1);
      return means[lo] + (pos - static_cast<double>(lo)) * (means[hi] - means[lo]);
    };
    out.ci_low = quantile(alpha / 2);
    out.ci_high = quantile(1 - alpha / 2);
    out.has_ci = true;
  }
  out.significant = out.p_value < alpha && (out.ci_low > 0 || out.ci_high < 0);
  return out;
}

}  // namespace encore
