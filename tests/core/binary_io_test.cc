#include "core/binary_io.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace encore {
namespace {

TEST(BinaryIo, RoundTripsThroughAFile) {
  auto path = (std::filesystem::temp_directory_path() / "encore_binary_io_test.bin").string();
  BinaryWriter w;
  w.Header("TEST", 2);
  w.Pod<int32_t>(-7);
  w.String("héllo");
  w.Vector(std::vector<float>{1.5f, 2.5f});
  ASSERT_TRUE(w.WriteFile(path).ok());
  auto r = BinaryReader::FromFile(path);
  ASSERT_TRUE(r.ok());
  auto version = r->Header("TEST", 2);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 2u);
  int32_t i = 0;
  std::string s;
  std::vector<float> v;
  ASSERT_TRUE(r->Pod(&i).ok());
  ASSERT_TRUE(r->String(&s).ok());
  ASSERT_TRUE(r->Vector(&v).ok());
  EXPECT_EQ(i, -7);
  EXPECT_EQ(s, "héllo");
  EXPECT_EQ(v, (std::vector<float>{1.5f, 2.5f}));
  EXPECT_TRUE(r->AtEnd());
  std::filesystem::remove(path);
}

TEST(BinaryIo, TruncatedWrongMagicAndFutureVersionAreDataLoss) {
  BinaryWriter w;
  w.Header("TEST", 1);
  w.Vector(std::vector<double>(100, 1.0));
  std::vector<char> cut(w.buffer().begin(), w.buffer().begin() + 30);
  BinaryReader r(cut);
  ASSERT_TRUE(r.Header("TEST", 1).ok());
  std::vector<double> v;
  EXPECT_EQ(r.Vector(&v).code(), StatusCode::kDataLoss);

  BinaryReader wrong(w.buffer());
  EXPECT_EQ(wrong.Header("ABCD", 1).status().code(), StatusCode::kDataLoss);

  BinaryWriter future;
  future.Header("TEST", 9);
  BinaryReader fr(future.buffer());
  EXPECT_EQ(fr.Header("TEST", 1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(BinaryReader::FromFile("/nonexistent/encore.bin").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace encore
