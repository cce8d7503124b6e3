// Media understanding accuracy and speed on generated media (docs/benchmarks.md,
// "Media understanding"). Usage: encore_media_bench [--quick] [--keep DIR]
//   speech: flite sentences in four voices -> word error rate
//   tempo:  click tracks 60..180 BPM, plain and with quieter off-beat eighths -> within 2%
//   pitch:  sine tones MIDI 40..84 -> within one semitone
//   key:    major/minor triads and scales ending on the tonic triad, all 12 roots -> key correct
//   shots:  random 5-7 shot videos with cuts, fades and dissolves -> boundary F1 (+-0.5 s)
//   titles: drawtext titles on varied backgrounds -> exact match of on-screen text
//   speed:  seconds of media analysed per CPU second of the analysing thread
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "content/media/test_media.h"
#include "content/speech/transcriber.h"
#include "content/video/analyzer.h"

namespace {

using namespace encore;
namespace tm = media::testmedia;

double CpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

void Check(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "media_bench: %s\n", s.ToString().c_str());
    std::exit(1);
  }
}

struct Speed {
  double media_s = 0;
  double cpu_s = 0;
  void Add(double m, double c) {
    media_s += m;
    cpu_s += c;
  }
  double Ratio() const { return cpu_s > 0 ? media_s / cpu_s : 0; }
};

StatusOr<audio::AudioFeatures> Features(const std::string& path, Speed* speed) {
  media::AudioDecodeOptions o;
  o.sample_rate = media::kMusicSampleRate;
  const double t0 = CpuNow();
  ENCORE_ASSIGN_OR_RETURN(media::AudioBuffer a, media::DecodeAudio(path, o));
  ENCORE_ASSIGN_OR_RETURN(audio::AudioFeatures f, audio::ExtractAudioFeatures(a));
  speed->Add(a.duration_s(), CpuNow() - t0);
  return f;
}

const std::vector<std::string> kSentences = {
    "the weather today is sunny and warm",
    "please call me back when you get home",
    "the meeting has been moved to thursday afternoon",
    "we watched a documentary about the ocean last night",
    "this song reminds me of my summer holidays",
    "the train to london leaves at seven o'clock",
    "she bought fresh bread and cheese at the market",
    "our team won the final match of the season",
    "turn left at the next corner and drive straight ahead",
    "the film was longer than i expected but very good",
    "he plays the guitar in a small jazz band",
    "the children are reading books in the library",
};
const std::vector<std::string> kTitles = {
    "EVENING NEWS", "WEATHER REPORT", "THE END", "CHAPTER ONE", "BREAKING NEWS", "LIVE CONCERT",
    "SPORTS TONIGHT", "COOKING SHOW", "NATURE DOCUMENTARY", "MUSIC VIDEO", "Welcome Home", "Top Ten Hits",
    "Season Finale", "Coming Soon", "Episode 42", "Road Trip 2024", "Ocean Life", "Jazz Night",
    "Morning Show", "Credits",
};
const std::vector<std::string> kBackgrounds = {"color=c=navy", "color=c=darkgreen", "color=c=darkred", "smptebars",
                                               "testsrc2", "color=c=gray"};
const std::vector<std::string> kShotSources = {"testsrc2",        "smptebars",         "rgbtestsrc",
                                               "color=c=navy",    "color=c=darkred",   "color=c=darkgreen",
                                               "color=c=orange",  "color=c=purple",    "pal75bars",
                                               "yuvtestsrc",      "color=c=teal",      "color=c=olive"};

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string keep, only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    else if (std::strcmp(argv[i], "--keep") == 0 && i + 1 < argc) keep = argv[++i];
    else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
  }
  auto dir_or = keep.empty() ? tm::MakeTempDir("media-bench") : StatusOr<std::string>(keep);
  Check(dir_or.status());
  const std::string dir = *dir_or;
  std::filesystem::create_directories(dir);
  auto path = [&](const std::string& name) { return dir + "/" + name; };
  Speed audio_speed, speech_speed, video_speed;

  auto run = [&](const char* part) { return only.empty() || only == part; };
  // Speech.
  if (run("speech")) {
    auto transcriber = speech::Transcriber::Create();
    Check(transcriber.status());
    const std::vector<std::string> voices = quick ? std::vector<std::string>{"slt"}
                                                  : std::vector<std::string>{"slt", "kal16", "rms", "awb"};
    for (const std::string& voice : voices) {
      double errors = 0, words = 0;
      for (size_t i = 0; i < kSentences.size(); ++i) {
        const std::string wav = path("speech_" + voice + std::to_string(i) + ".wav");
        Check(tm::Speech(kSentences[i], voice, wav));
        media::AudioDecodeOptions o;
        o.sample_rate = media::kSpeechSampleRate;
        const double t0 = CpuNow();
        auto a = media::DecodeAudio(wav, o);
        Check(a.status());
        auto t = (*transcriber)->Transcribe(*a);
        Check(t.status());
        speech_speed.Add(a->duration_s(), CpuNow() - t0);
        const double n = static_cast<double>(speech::NormalizeWords(kSentences[i]).size());
        errors += speech::WordErrorRate(kSentences[i], t->Text()) * n;
        words += n;
      }
      std::printf("speech  voice %-6s WER %.1f%% over %.0f words\n", voice.c_str(), 100 * errors / words, words);
    }
  }

  // Tempo.
  if (run("tempo")) {
    int ok = 0, total = 0, ok_plain = 0, total_plain = 0;
    for (int bpm = 60; bpm <= 180; bpm += quick ? 24 : 6) {
      for (int variant = 0; variant < 2; ++variant) {
        const std::string wav = path("click" + std::to_string(bpm) + "_" + std::to_string(variant) + ".wav");
        Check(tm::ClickTrack(bpm, 15.0, wav));
        if (variant == 1) {
          // Quieter off-beat eighths: the beat must not be read at double tempo.
          const std::string eighths = path("eighths.wav");
          Check(tm::ClickTrack(2.0 * bpm, 15.0, eighths));
          Check(tm::RunCommand("sox -m " + wav + " -v 0.35 " + eighths + " " + path("mixed.wav") + " && mv " +
                               path("mixed.wav") + " " + wav));
        }
        auto f = Features(wav, &audio_speed);
        Check(f.status());
        const bool good = std::abs(f->tempo_bpm - bpm) <= 0.02 * bpm;
        ok += good;
        ++total;
        if (variant == 0) {
          ok_plain += good;
          ++total_plain;
        }
        if (!good) std::printf("tempo   miss: %d BPM (variant %d) read %.1f\n", bpm, variant, f->tempo_bpm);
      }
    }
    std::printf("tempo   within 2%%: %d/%d (%.0f%%); plain clicks %d/%d\n", ok, total, 100.0 * ok / total, ok_plain,
                total_plain);
  }

  // Pitch.
  if (run("pitch")) {
    int ok = 0, total = 0;
    double worst = 0;
    for (int midi = 40; midi <= 84; midi += quick ? 8 : 2) {
      const std::string wav = path("tone" + std::to_string(midi) + ".wav");
      Check(tm::Tones({tm::MidiToHz(midi)}, 2.0, wav));
      auto f = Features(wav, &audio_speed);
      Check(f.status());
      const double err = std::abs(f->pitch_median_midi - midi);
      worst = std::max(worst, err);
      ok += err <= 1.0;
      ++total;
    }
    std::printf("pitch   within one semitone: %d/%d, worst error %.2f semitones\n", ok, total, worst);
  }

  // Key.
  if (run("key")) {
    int ok = 0, total = 0;
    const int major_scale[] = {0, 2, 4, 5, 7, 9, 11, 12};
    const int minor_scale[] = {0, 2, 3, 5, 7, 8, 11, 12};  // harmonic minor
    for (int root = 0; root < 12; root += quick ? 3 : 1) {
      for (int minor = 0; minor < 2; ++minor) {
        const int base = 57 + root;  // A3 + root
        const int third = minor ? 3 : 4;
        std::vector<double> triad = {tm::MidiToHz(base), tm::MidiToHz(base + third), tm::MidiToHz(base + 7)};
        const int tonic = (base % 12);
        for (int clip = 0; clip < 2; ++clip) {
          const std::string wav = path("key" + std::to_string(root) + "_" + std::to_string(minor) + "_" + std::to_string(clip) + ".wav");
          if (clip == 0) {
            Check(tm::Tones(triad, 2.0, wav));
          } else {
            std::vector<std::vector<double>> notes;
            for (int step : minor ? minor_scale : major_scale) notes.push_back({tm::MidiToHz(base + step)});
            notes.push_back(triad);
            notes.push_back(triad);
            Check(tm::Melody(notes, 0.4, wav));
          }
          auto f = Features(wav, &audio_speed);
          Check(f.status());
          const bool good = f->key == tonic && (f->mode == audio::Mode::kMinor) == (minor == 1);
          ok += good;
          ++total;
          if (!good) {
            std::printf("key     miss: %s %s read %s\n", audio::KeyName(tonic, minor ? audio::Mode::kMinor : audio::Mode::kMajor).c_str(),
                        clip ? "scale" : "triad", audio::KeyName(f->key, f->mode).c_str());
          }
        }
      }
    }
    std::printf("key     correct: %d/%d (%.0f%%)\n", ok, total, 100.0 * ok / total);
  }

  // Shots and titles through the full analyser.
  if (run("video")) {
    video::AnalyzerOptions options;
    options.transcribe = false;
    auto analyzer = video::MediaAnalyzer::Create(options);
    Check(analyzer.status());
    std::mt19937 rng(12345);
    int tp = 0, fp = 0, fn = 0;
    const int videos = quick ? 3 : 12;
    for (int v = 0; v < videos; ++v) {
      tm::VideoSpec spec;
      const int shots = 5 + static_cast<int>(rng() % 3);
      std::vector<std::string> sources = kShotSources;
      std::shuffle(sources.begin(), sources.end(), rng);
      for (int s = 0; s < shots; ++s) {
        const auto kind = static_cast<tm::Transition>(rng() % 3);
        spec.shots.push_back(tm::MakeShot(sources[static_cast<size_t>(s)], 1.5 + (rng() % 20) / 10.0, kind));
      }
      const std::string mp4 = path("shots" + std::to_string(v) + ".mp4");
      Check(tm::Video(spec, mp4));
      const double t0 = CpuNow();
      auto shots_found = video::DetectShots(mp4);
      Check(shots_found.status());
      double length = 0;
      for (const auto& s : spec.shots) length += s.seconds;
      video_speed.Add(length, CpuNow() - t0);
      std::vector<double> truth = tm::ShotBoundaries(spec);
      std::vector<bool> matched(truth.size(), false);
      for (size_t i = 1; i < shots_found->size(); ++i) {
        const double t = (*shots_found)[i].start_s;
        bool hit = false;
        for (size_t j = 0; j < truth.size(); ++j) {
          if (!matched[j] && std::abs(truth[j] - t) <= 0.5) {
            matched[j] = hit = true;
            break;
          }
        }
        hit ? ++tp : ++fp;
        if (!hit) {
          std::printf("shots   video %d: false %s at %.2f s\n", v,
                      std::string(video::TransitionName((*shots_found)[i].transition_in)).c_str(), t);
        }
      }
      for (size_t j = 0; j < truth.size(); ++j) {
        if (matched[j]) continue;
        ++fn;
        std::printf("shots   video %d: missed %s at %.2f s (%s -> %s)\n", v,
                    spec.shots[j + 1].in == tm::Transition::kCut ? "cut" : (spec.shots[j + 1].in == tm::Transition::kDissolve ? "dissolve" : "fade"),
                    truth[j], spec.shots[j].source.c_str(), spec.shots[j + 1].source.c_str());
      }
    }
    const double precision = tp + fp > 0 ? static_cast<double>(tp) / (tp + fp) : 0;
    const double recall = tp + fn > 0 ? static_cast<double>(tp) / (tp + fn) : 0;
    std::printf("shots   boundaries %d true, %d false, %d missed: precision %.3f recall %.3f F1 %.3f\n", tp, fp, fn,
                precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0);

    int exact = 0;
    const size_t titles = quick ? 6 : kTitles.size();
    for (size_t t = 0; t < titles; ++t) {
      tm::VideoSpec spec;
      spec.shots = {tm::MakeShot(kBackgrounds[t % kBackgrounds.size()], 2.0, tm::Transition::kCut, kTitles[t])};
      const std::string mp4 = path("title" + std::to_string(t) + ".mp4");
      Check(tm::Video(spec, mp4));
      auto a = (*analyzer)->Analyze(mp4);
      Check(a.status());
      video_speed.Add(2.0, a->analysis_cpu_s);
      const bool good = std::find(a->on_screen_text.begin(), a->on_screen_text.end(), kTitles[t]) != a->on_screen_text.end();
      exact += good;
      if (!good) {
        std::printf("titles  miss: \"%s\" read [", kTitles[t].c_str());
        for (const auto& l : a->on_screen_text) std::printf("\"%s\" ", l.c_str());
        std::printf("]\n");
      }
    }
    std::printf("titles  exact match: %d/%zu (%.0f%%)\n", exact, titles, 100.0 * exact / titles);
  }
  std::printf("speed   audio features %.1f s of media per CPU s; speech-to-text %.1f; video (shots, titles+OCR) %.1f\n",
              audio_speed.Ratio(), speech_speed.Ratio(), video_speed.Ratio());
  if (keep.empty()) std::filesystem::remove_all(dir);
  return 0;
}
