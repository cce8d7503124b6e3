#include "content/audio/features.h"

#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "content/media/test_media.h"

namespace encore::audio {
namespace {

namespace tm = media::testmedia;

#define ASSERT_OK(expr)                    \
  do {                                     \
    ::encore::Status _s = (expr);          \
    ASSERT_TRUE(_s.ok()) << _s.ToString(); \
  } while (0)

class AudioFeaturesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = tm::MakeTempDir("audio-test");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = *dir;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string Path(const std::string& name) { return dir_ + "/" + name; }

  static StatusOr<AudioFeatures> Analyse(const std::string& path) {
    media::AudioDecodeOptions options;
    options.sample_rate = media::kMusicSampleRate;
    ENCORE_ASSIGN_OR_RETURN(media::AudioBuffer audio, media::DecodeAudio(path, options));
    return ExtractAudioFeatures(audio);
  }
  static std::string dir_;
};
std::string AudioFeaturesTest::dir_;

bool HasTag(const AudioFeatures& f, const std::string& tag) {
  auto tags = Tags(f);
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

TEST_F(AudioFeaturesTest, ClickTrackTempoWithinTwoPercent) {
  for (double bpm : {60.0, 96.0, 128.0, 175.0}) {
    std::string path = Path("click" + std::to_string(static_cast<int>(bpm)) + ".wav");
    ASSERT_OK(tm::ClickTrack(bpm, 12.0, path));
    auto f = Analyse(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_NEAR(f->tempo_bpm, bpm, 0.02 * bpm) << "true tempo " << bpm;
    EXPECT_GT(f->beat_regularity, 0.8) << bpm << " BPM, onsets/s " << f->onset_rate;
    EXPECT_GT(f->onset_rate, 0.8 * bpm / 60);
    EXPECT_LT(f->speech_fraction, 0.2) << "clicks are not speech";
  }
}

TEST_F(AudioFeaturesTest, TonePitchWithinOneSemitone) {
  for (double midi : {45.0, 57.0, 64.0, 69.0, 76.0}) {
    const double hz = tm::MidiToHz(midi);
    std::string path = Path("tone" + std::to_string(static_cast<int>(midi)) + ".wav");
    ASSERT_OK(tm::Tones({hz}, 2.0, path));
    auto f = Analyse(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_NEAR(f->pitch_median_midi, midi, 1.0) << hz << " Hz";
    EXPECT_GT(f->pitched_fraction, 0.9);
    EXPECT_LT(f->pitch_std_semitones, 0.5);
  }
}

TEST_F(AudioFeaturesTest, TriadKeyAndMode) {
  struct Case {
    std::vector<double> midi;
    int key;
    Mode mode;
  };
  const std::vector<Case> cases = {
      {{60, 64, 67}, 0, Mode::kMajor},   // C E G
      {{57, 60, 64}, 9, Mode::kMinor},   // A C E
      {{62, 66, 69}, 2, Mode::kMajor},   // D F# A
      {{64, 67, 71}, 4, Mode::kMinor},   // E G B
  };
  for (const Case& c : cases) {
    std::vector<double> hz;
    for (double m : c.midi) hz.push_back(tm::MidiToHz(m));
    std::string path = Path("triad" + std::to_string(c.key) + ".wav");
    ASSERT_OK(tm::Tones(hz, 2.0, path));
    auto f = Analyse(path);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(KeyName(f->key, f->mode), KeyName(c.key, c.mode));
    EXPECT_TRUE(HasTag(*f, c.mode == Mode::kMinor ? "minor key" : "major key"));
  }
}

TEST_F(AudioFeaturesTest, SpeechIsDetectedAndTagged) {
  ASSERT_OK(tm::Speech("The quick brown fox jumps over the lazy dog. A recommendation engine listens to every "
                       "podcast and reads the titles of every film.",
                       "slt", Path("speech.wav")));
  auto f = Analyse(Path("speech.wav"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_GT(f->speech_fraction, 0.6);
  EXPECT_TRUE(HasTag(*f, "speech-heavy"));
}

TEST_F(AudioFeaturesTest, VectorHasTheDocumentedLayout) {
  ASSERT_OK(tm::RunCommand("sox -n -r 22050 -c 1 " + Path("silence.wav") + " trim 0 2"));
  auto f = Analyse(Path("silence.wav"));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(HasTag(*f, "mostly silent"));
  EXPECT_EQ(f->key, -1);
  std::vector<float> v = FeatureVector(*f);
  EXPECT_EQ(v.size(), static_cast<size_t>(kAudioFeatureDim));
  EXPECT_EQ(FeatureNames().size(), static_cast<size_t>(kAudioFeatureDim));
  for (float x : v) EXPECT_TRUE(std::isfinite(x));
}

TEST_F(AudioFeaturesTest, RejectsTooShortAudio) {
  media::AudioBuffer audio;
  audio.sample_rate = 22050;
  audio.samples.assign(100, 0.0f);
  EXPECT_EQ(ExtractAudioFeatures(audio).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace encore::audio
