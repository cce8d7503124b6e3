#include "content/fusion/fusion_model.h"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "content/fusion/media_inputs.h"

namespace encore::fusion {
namespace {

// Four taste clusters of 30 items. Text: cluster one-hot + noise (every item);
// audio: a weaker cluster signal (even items only); collaborative: the cluster
// one-hot (items that have interactions, i.e. not the last 5 of each cluster).
// Users consume 6 items of one cluster. Items 25..29 of each cluster are cold.
constexpr int kClusters = 4;
constexpr int kPerCluster = 30;
constexpr int kCold = 5;
constexpr int kItems = kClusters * kPerCluster;
constexpr int kUsersPerCluster = 25;

int ClusterOf(int item) { return item / kPerCluster; }
bool IsCold(int item) { return item % kPerCluster >= kPerCluster - kCold; }

ModalityInputs MakeInputs() {
  std::mt19937 gen(7);
  std::normal_distribution<float> noise(0, 0.3f);
  ModalityInputs in(kItems);
  std::vector<float> text(kItems * 8), audio(kItems * 6, 0), collab(kItems * 4, 0);
  std::vector<uint8_t> all(kItems, 1), audio_p(kItems, 0), collab_p(kItems, 0);
  for (int i = 0; i < kItems; ++i) {
    for (int d = 0; d < 8; ++d) text[i * 8 + d] = (d == ClusterOf(i) ? 1.0f : 0.0f) + noise(gen);
    if (i % 2 == 0) {
      audio_p[i] = 1;
      for (int d = 0; d < 6; ++d) audio[i * 6 + d] = (d == ClusterOf(i) ? 0.5f : 0.0f) + noise(gen);
    }
    if (!IsCold(i)) {
      collab_p[i] = 1;
      collab[i * 4 + ClusterOf(i)] = 1;
    }
  }
  in.Set(Modality::kText, 8, text, all);
  in.Set(Modality::kAudio, 6, audio, audio_p);
  in.Set(Modality::kCollaborative, 4, collab, collab_p);
  return in;
}

Interactions MakeTrain() {
  std::vector<Interaction> pairs;
  const int users = kClusters * kUsersPerCluster;
  for (int u = 0; u < users; ++u) {
    const int c = u % kClusters;
    for (int k = 0; k < 6; ++k) {
      const int item = c * kPerCluster + (u / kClusters + 3 * k) % (kPerCluster - kCold);
      pairs.push_back({u, item, 1.0f, 1000 + k});
    }
  }
  return Interactions::FromTriplets(users, kItems, pairs);
}

FusionOptions SmallOptions() {
  FusionOptions o;
  o.dim = 8;
  o.hidden = 16;
  o.epochs = 12;
  o.batch_size = 64;
  o.pairs_per_user = 6;
  return o;
}

std::array<int, kModalities> Dims() { return MakeInputs().dims; }

RunContext OneThread(uint64_t seed = 42) {
  RunContext run;
  run.threads = 1;
  run.seed = seed;
  run.progress = false;
  return run;
}

double Cosine(const std::vector<float>& v, int dim, int a, int b) {
  double dot = 0;
  for (int d = 0; d < dim; ++d) dot += v[a * dim + d] * v[b * dim + d];
  return dot;  // rows are unit length
}

// Mean cosine of cold items (dim-8 vectors) to the warm items of their own cluster, and to the others'.
std::pair<double, double> ColdToWarmCosines(const std::vector<float>& v) {
  double same = 0, other = 0;
  int n_same = 0, n_other = 0;
  for (int cold = 0; cold < kItems; ++cold) {
    if (!IsCold(cold)) continue;
    for (int warm = 0; warm < kItems; ++warm) {
      if (IsCold(warm)) continue;
      const bool own = ClusterOf(cold) == ClusterOf(warm);
      (own ? same : other) += Cosine(v, 8, cold, warm);
      ++(own ? n_same : n_other);
    }
  }
  return {same / n_same, other / n_other};
}

TEST(FusionModel, EmbedsEveryItemAsAUnitVectorWithAttentionOverPresentModalities) {
  auto model = FusionModel::Create(Dims(), SmallOptions(), 1);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ModalityInputs in = MakeInputs();
  in.present[0][3] = 0;  // item 3: no modality at all (text off; odd: no audio; collab off below)
  in.present[3][3] = 0;
  std::vector<float> vectors, attention;
  ASSERT_TRUE((*model)->Embed(in, &vectors, &attention).ok());
  ASSERT_EQ(vectors.size(), static_cast<size_t>(kItems * 8));
  ASSERT_EQ(attention.size(), static_cast<size_t>(kItems * kModalities));
  for (int i = 0; i < kItems; ++i) {
    double norm = 0, attn = 0;
    for (int d = 0; d < 8; ++d) norm += vectors[i * 8 + d] * vectors[i * 8 + d];
    for (int m = 0; m < kModalities; ++m) {
      attn += attention[i * kModalities + m];
      if (m == static_cast<int>(Modality::kVisual) || !in.present[m][i]) {
        EXPECT_EQ(attention[i * kModalities + m], 0.0f) << "item " << i << " modality " << m;
      }
    }
    if (i == 3) {
      EXPECT_EQ(norm, 0.0) << "an item with no modality embeds to zero";
      EXPECT_EQ(attn, 0.0);
    } else {
      EXPECT_NEAR(norm, 1.0, 1e-4) << i;
      EXPECT_NEAR(attn, 1.0, 1e-4) << i;
    }
  }
  EXPECT_EQ((*model)->dim(), 8);
}

TEST(FusionModel, MissingModalityValuesDoNotMatter) {
  auto model = FusionModel::Create(Dims(), SmallOptions(), 1);
  ASSERT_TRUE(model.ok());
  ModalityInputs in = MakeInputs();
  std::vector<float> before, after;
  ASSERT_TRUE((*model)->Embed(in, &before).ok());
  // Item 1 has no audio and item 27 (cold) no collaborative vector: garbage there changes nothing.
  for (int d = 0; d < 6; ++d) in.values[1][1 * 6 + d] = 1000.0f + d;
  for (int d = 0; d < 4; ++d) in.values[3][27 * 4 + d] = -55.0f;
  ASSERT_TRUE((*model)->Embed(in, &after).ok());
  EXPECT_EQ(before, after);
  // Present values do matter.
  in.values[0][1 * 8] += 5.0f;
  ASSERT_TRUE((*model)->Embed(in, &after).ok());
  EXPECT_NE(before, after);
}

TEST(FusionModel, LossDecreasesAndColdItemsLandNearTheirCluster) {
  auto model = FusionModel::Create(Dims(), SmallOptions(), 3);
  ASSERT_TRUE(model.ok());
  ModalityInputs in = MakeInputs();
  std::vector<double> loss;
  Status fit = (*model)->Fit(in, MakeTrain(), OneThread(), &loss);
  ASSERT_TRUE(fit.ok()) << fit.ToString();
  ASSERT_EQ(loss.size(), 12u);
  EXPECT_LT(loss.back(), 0.8 * loss.front()) << loss.front() << " -> " << loss.back();
  std::vector<float> v;
  ASSERT_TRUE((*model)->Embed(in, &v).ok());
  // Cold items (text and maybe audio only) vs warm items of their own and other clusters.
  const auto [same, other] = ColdToWarmCosines(v);
  EXPECT_GT(same, other + 0.3) << same << " vs " << other;
}

TEST(FusionModel, SameSeedSameModelAndSaveLoadRoundTrips) {
  ModalityInputs in = MakeInputs();
  Interactions train = MakeTrain();
  FusionOptions o = SmallOptions();
  o.epochs = 3;
  std::vector<float> a, b, c, loaded;
  {
    auto m1 = FusionModel::Create(Dims(), o, 5);
    auto m2 = FusionModel::Create(Dims(), o, 5);
    auto m3 = FusionModel::Create(Dims(), o, 6);
    ASSERT_TRUE(m1.ok() && m2.ok() && m3.ok());
    ASSERT_TRUE((*m1)->Fit(in, train, OneThread(9)).ok());
    ASSERT_TRUE((*m2)->Fit(in, train, OneThread(9)).ok());
    ASSERT_TRUE((*m3)->Fit(in, train, OneThread(10)).ok());
    ASSERT_TRUE((*m1)->Embed(in, &a).ok());
    ASSERT_TRUE((*m2)->Embed(in, &b).ok());
    ASSERT_TRUE((*m3)->Embed(in, &c).ok());
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);

    BinaryWriter out;
    ASSERT_TRUE((*m1)->Save(out).ok());
    BinaryReader reader(out.buffer(), "fusion.bin");
    auto back = FusionModel::Load(reader);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(reader.AtEnd());
    ASSERT_TRUE((*back)->Embed(in, &loaded).ok());
    EXPECT_EQ(a, loaded);
    EXPECT_EQ((*back)->input_dims(), Dims());
    EXPECT_EQ((*back)->options().temperature, o.temperature);

    // Truncated and corrupt streams are DataLoss, never a crash.
    for (size_t cut : {size_t{3}, size_t{40}, out.buffer().size() / 2, out.buffer().size() - 1}) {
      std::vector<char> bytes(out.buffer().begin(), out.buffer().begin() + static_cast<std::ptrdiff_t>(cut));
      BinaryReader truncated(bytes, "cut.bin");
      auto bad = FusionModel::Load(truncated);
      EXPECT_FALSE(bad.ok()) << "cut at " << cut;
    }
  }
}

// Text as sparse terms: word c*10 + (i % 5) of a 40-word vocabulary, so items of a
// cluster share words; cold items' words are seen on warm items too, except word 39
// which only cold items carry (its vector stays zero: it adds nothing).
ModalityInputs MakeSparseInputs() {
  ModalityInputs in(kItems);
  std::vector<idx_t> ptr = {0};
  std::vector<int32_t> ids;
  std::vector<float> values;
  for (int i = 0; i < kItems; ++i) {
    ids.push_back(ClusterOf(i) * 10 + i % 5);
    values.push_back(0.8f);
    if (IsCold(i)) {
      ids.push_back(39);
      values.push_back(0.6f);
    }
    ptr.push_back(static_cast<idx_t>(ids.size()));
  }
  in.SetSparse(Modality::kText, 40, ptr, ids, values, std::vector<uint8_t>(kItems, 1));
  return in;
}

TEST(FusionModel, SparseTextLearnsAVectorPerTermAndRoundTrips) {
  ModalityInputs in = MakeSparseInputs();
  const std::array<bool, kModalities> sparse = {true, false, false, false};
  auto model = FusionModel::Create(in.dims, SmallOptions(), 3, sparse);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE((*model)->Fit(in, MakeTrain(), OneThread()).ok());
  std::vector<float> v;
  ASSERT_TRUE((*model)->Embed(in, &v).ok());
  const auto [same, other] = ColdToWarmCosines(v);
  EXPECT_GT(same, other + 0.3) << same << " vs " << other;

  BinaryWriter out;
  ASSERT_TRUE((*model)->Save(out).ok());
  BinaryReader reader(out.buffer(), "sparse.bin");
  auto back = FusionModel::Load(reader);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  std::vector<float> loaded;
  ASSERT_TRUE((*back)->Embed(in, &loaded).ok());
  EXPECT_EQ(v, loaded);
  // Dense inputs for a sparse model, and malformed sparse rows, are clear errors.
  EXPECT_EQ((*model)->Embed(MakeInputs(), &loaded).code(), StatusCode::kInvalidArgument);
  ModalityInputs bad_id = MakeSparseInputs();
  bad_id.ids[0][4] = 40;
  EXPECT_NE(bad_id.Validate().message().find("out of range"), std::string::npos);
  ModalityInputs bad_ptr = MakeSparseInputs();
  bad_ptr.row_ptr[0][7] = 1000;
  EXPECT_NE(bad_ptr.Validate().message().find("malformed"), std::string::npos);
}

TEST(FusionModel, BadInputsAreClearErrors) {
  FusionOptions o = SmallOptions();
  EXPECT_FALSE(FusionModel::Create({0, 0, 0, 0}, o, 1).ok());
  o.temperature = 0;
  EXPECT_FALSE(FusionModel::Create(Dims(), o, 1).ok());
  o = SmallOptions();
  o.batch_size = 1;
  EXPECT_NE(o.Validate().message().find("batch_size"), std::string::npos);

  auto model = FusionModel::Create(Dims(), SmallOptions(), 1);
  ASSERT_TRUE(model.ok());
  std::vector<float> v;
  ModalityInputs wrong = MakeInputs();
  wrong.Set(Modality::kVisual, 3, std::vector<float>(kItems * 3, 0), std::vector<uint8_t>(kItems, 1));
  Status s = (*model)->Embed(wrong, &v);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("built for"), std::string::npos) << s.ToString();
  ModalityInputs nan = MakeInputs();
  nan.values[0][17] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE((*model)->Embed(nan, &v).message().find("not finite"), std::string::npos);
  ModalityInputs short_values = MakeInputs();
  short_values.values[0].pop_back();
  EXPECT_EQ((*model)->Embed(short_values, &v).code(), StatusCode::kInvalidArgument);
  // Interactions over more items than the inputs have.
  std::vector<Interaction> pairs = {{0, 0, 1.0f, 1}, {0, kItems + 2, 1.0f, 2}};
  EXPECT_EQ((*model)->Fit(MakeInputs(), Interactions::FromTriplets(1, kItems + 3, pairs), OneThread()).code(),
            StatusCode::kInvalidArgument);
  // Nobody consumed two items: nothing to learn from.
  std::vector<Interaction> single = {{0, 0, 1.0f, 1}};
  EXPECT_EQ((*model)->Fit(MakeInputs(), Interactions::FromTriplets(1, kItems, single), OneThread()).code(),
            StatusCode::kFailedPrecondition);
}

TEST(MediaInputs, AudioAndVisualVectorsFromAStoredAnalysis) {
  nlohmann::json a;
  std::vector<float> out;
  EXPECT_FALSE(AudioInput(a, &out));
  EXPECT_FALSE(VisualInput(a, &out));
  a["audio"]["vector"] = std::vector<float>(kAudioInputDim, 0.25f);
  ASSERT_TRUE(AudioInput(a, &out));
  EXPECT_EQ(out.size(), static_cast<size_t>(kAudioInputDim));
  EXPECT_EQ(out[5], 0.25f);
  a["audio"]["vector"] = std::vector<float>(3, 0.25f);
  EXPECT_FALSE(AudioInput(a, &out)) << "wrong size";

  std::vector<float> dark(video::kHistBins, 0), light(video::kHistBins, 0);
  dark[0] = 1;
  light[63] = 1;
  a["shots"] = {{{"start_s", 0}, {"end_s", 3}, {"brightness", 0.1}, {"saturation", 0.2}, {"motion", 0.0}, {"histogram", dark}},
                {{"start_s", 3}, {"end_s", 4}, {"brightness", 0.9}, {"saturation", 0.2}, {"motion", 0.4}, {"histogram", light}}};
  ASSERT_TRUE(VisualInput(a, &out));
  ASSERT_EQ(out.size(), static_cast<size_t>(kVisualInputDim));
  EXPECT_NEAR(out[0], 0.75, 1e-6);   // duration-weighted
  EXPECT_NEAR(out[63], 0.25, 1e-6);
  EXPECT_NEAR(out[video::kHistBins], 0.3, 1e-6);      // brightness
  EXPECT_NEAR(out[video::kHistBins + 2], 0.1, 1e-6);  // motion
  EXPECT_NEAR(out[video::kHistBins + 3], std::log1p(2 * 60.0 / 4), 1e-5);  // shots per minute
  a["shots"][1]["histogram"] = "broken";
  EXPECT_FALSE(VisualInput(a, &out));
}

}  // namespace
}  // namespace encore::fusion
