#include "eval/significance.h"

#include <vector>

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(Significance, StudentPValuesMatchTables) {
  EXPECT_NEAR(StudentTwoSidedP(2.0, 10), 0.07339, 1e-4);
  EXPECT_NEAR(StudentTwoSidedP(1.96, 1e6), 0.05, 1e-4);
  EXPECT_NEAR(StudentTwoSidedP(0.0, 5), 1.0, 1e-12);
  EXPECT_NEAR(RegularizedIncompleteBeta(2, 3, 0.5), 0.6875, 1e-12);
}

TEST(Significance, PairedTTestOnAKnownCase) {
  // Differences 1..5: mean 3, sd sqrt(2.5), t = 3 / (sqrt(2.5) / sqrt(5)) = 4.2426, df 4, p = 0.01324.
  const std::vector<double> a = {1, 2, 3, 4, 5};
  const std::vector<double> b = {0, 0, 0, 0, 0};
  PairedComparison c = ComparePaired(a, b, 2000, 0.05, 7);
  EXPECT_EQ(c.n, 5);
  EXPECT_DOUBLE_EQ(c.mean_diff, 3.0);
  EXPECT_NEAR(c.t, 4.242640687, 1e-6);
  EXPECT_NEAR(c.p_value, 0.013236, 1e-5);
  EXPECT_GT(c.ci_low, 1.0);
  EXPECT_LT(c.ci_high, 5.0);
  EXPECT_TRUE(c.significant);
}

TEST(Significance, ConstructedNoiseIsNotSignificantButAShiftIs) {
  std::vector<double> base, noise, shifted;
  for (int i = 0; i < 400; ++i) {
    const double x = (i * 37 % 101) / 100.0;  // spread values in [0, 1]
    base.push_back(x);
    noise.push_back(x + (i % 2 == 0 ? 0.01 : -0.01));  // symmetric jitter: mean difference 0
    shifted.push_back(x + 0.05 + (i % 2 == 0 ? 0.01 : -0.01));
  }
  PairedComparison same = ComparePaired(noise, base, 1000, 0.05, 1);
  EXPECT_NEAR(same.mean_diff, 0.0, 1e-12);
  EXPECT_GT(same.p_value, 0.5);
  EXPECT_FALSE(same.significant);
  EXPECT_TRUE(same.has_ci);
  EXPECT_LE(same.ci_low, 0.0);
  EXPECT_GE(same.ci_high, 0.0);
  // Without bootstrap samples there is no interval, and the t-test alone decides.
  PairedComparison no_ci = ComparePaired(shifted, base, 0, 0.05, 1);
  EXPECT_FALSE(no_ci.has_ci);
  EXPECT_TRUE(no_ci.significant);
  PairedComparison better = ComparePaired(shifted, base, 1000, 0.05, 1);
  EXPECT_NEAR(better.mean_diff, 0.05, 1e-12);
  EXPECT_LT(better.p_value, 1e-6);
  EXPECT_TRUE(better.significant);
}

TEST(Significance, IdenticalVectorsAndConstantShift) {
  const std::vector<double> a = {0.5, 1.5, 2.5};  // exact binary fractions: differences are exactly equal
  PairedComparison same = ComparePaired(a, a);
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);
  EXPECT_FALSE(same.significant);
  const std::vector<double> b = {0.25, 1.25, 2.25};
  PairedComparison shift = ComparePaired(a, b);
  EXPECT_DOUBLE_EQ(shift.p_value, 0.0);
  EXPECT_TRUE(shift.significant);
}

TEST(Significance, BootstrapIsSeeded) {
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) {
    a.push_back((i * 13 % 17) / 17.0);
    b.push_back((i * 7 % 19) / 19.0);
  }
  PairedComparison x = ComparePaired(a, b, 500, 0.05, 3);
  PairedComparison y = ComparePaired(a, b, 500, 0.05, 3);
  EXPECT_EQ(x.ci_low, y.ci_low);
  EXPECT_EQ(x.ci_high, y.ci_high);
}

}  // namespace
}  // namespace encore
