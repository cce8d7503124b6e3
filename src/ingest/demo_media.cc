#include "ingest/demo_media.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <vector>

#include "content/media/test_media.h"

namespace encore {
namespace {

namespace tm = media::testmedia;

// How a genre sounds and looks: tempo, key (tonic as a MIDI note, minor or
// major) and the colour of its shots. Genres not listed use kDefaultStyle.
struct GenreStyle {
  const char* genre;
  double bpm;
  int tonic_midi;
  bool minor;
  const char* colour;   // ffmpeg colour name
};

constexpr GenreStyle kStyles[] = {
    {"action", 150, 52, true, "darkred"},        {"comedy", 124, 60, false, "gold"},
    {"drama", 72, 57, true, "navy"},             {"documentary", 96, 55, false, "darkgreen"},
    {"sci-fi", 110, 62, true, "purple"},         {"horror", 64, 51, true, "black"},
    {"romance", 84, 65, false, "hotpink"},       {"jazz", 92, 62, true, "saddlebrown"},
    {"electronic", 128, 57, true, "darkcyan"},   {"rock", 140, 64, false, "firebrick"},
    {"news", 100, 60, false, "royalblue"},       {"true-crime", 76, 50, true, "dimgray"},
};
constexpr GenreStyle kDefaultStyle = {"", 100, 60, false, "teal"};
// Per-item tempo variation (BPM), so tracks of one genre differ a little.
constexpr int kTempoJitter = 6;
constexpr const char* kVoices[] = {"slt", "kal16", "rms", "awb"};

enum class MediaKind { kMusic = 0, kSpeech = 1, kVideo = 2 };

MediaKind MediaKindOf(const Item& item) {
  if (item.kind == ItemKind::kTrack) return MediaKind::kMusic;
  if (item.kind == ItemKind::kPodcast) return MediaKind::kSpeech;
  return MediaKind::kVideo;
}

const GenreStyle& StyleOf(const Item& item) {
  for (const GenreStyle& s : kStyles) {
    if (!item.genres.empty() && item.genres[0] == s.genre) return s;
  }
  return kDefaultStyle;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A I-IV-V-I progression of triads in the style's key, one chord per two beats.
Status RenderMusic(const GenreStyle& style, double bpm, double seconds, const std::string& out) {
  const int third = style.minor ? 3 : 4;
  std::vector<std::vector<double>> chords;
  const double chord_s = 2 * 60.0 / bpm;
  const int n_chords = std::max(1, static_cast<int>(seconds / chord_s));
  const int degrees[] = {0, 5, 7, 0};
  for (int c = 0; c < n_chords; ++c) {
    const int root = style.tonic_midi + degrees[c % 4];
    chords.push_back({tm::MidiToHz(root), tm::MidiToHz(root + third), tm::MidiToHz(root + 7)});
  }
  const std::string clicks = out + ".clicks.wav", chord_file = out + ".chords.wav";
  Status s = tm::ClickTrack(bpm, n_chords * chord_s, clicks);
  if (s.ok()) s = tm::Melody(chords, chord_s, chord_file);
  if (s.ok()) s = tm::RunCommand("sox -m " + tm::ShellQuote(clicks) + " " + tm::ShellQuote(chord_file) + " " + tm::ShellQuote(out));
  std::error_code ec;
  std::filesystem::remove(clicks, ec);
  std::filesystem::remove(chord_file, ec);
  return s;
}

}  // namespace

Status DemoMediaOptions::Validate() const {
  if (dir.empty()) return InvalidArgument("demo media: give a folder for the media files");
  if (n_items < 0 || n_items > 10000) return InvalidArgument("demo media: media items must be between 0 and 10,000");
  if (!(seconds >= 2 && seconds <= 120)) return InvalidArgument("demo media: seconds must be between 2 and 120");
  return Status::Ok();
}

Status CheckDemoMediaTools() {
  std::string missing;
  for (const char* tool : {"flite", "sox", "ffmpeg"}) {
    if (!tm::RunCommand(std::string("command -v ") + tool).ok()) missing += std::string(missing.empty() ? "" : ", ") + tool;
  }
  if (missing.empty()) return Status::Ok();
  return FailedPrecondition("demo media needs the command-line tools flite, sox and ffmpeg; missing: " + missing +
                            " (Debian: apt-get install flite sox ffmpeg), or leave out --media");
}

StatusOr<int> GenerateDemoMedia(const DemoMediaOptions& options, WriteBatch* batch, Progress* progress) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  ENCORE_RETURN_IF_ERROR(CheckDemoMediaTools());
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return IoError("demo media: cannot create " + options.dir + ": " + ec.message());
  const std::string dir = fs::absolute(options.dir, ec).lexically_normal().string();
  // Items of the three media kinds (music, speech, video) in index order, taken in turn.
  std::array<std::vector<size_t>, 3> by_kind;
  for (size_t i = 0; i < batch->items.size(); ++i) by_kind[static_cast<size_t>(MediaKindOf(batch->items[i]))].push_back(i);
  std::vector<size_t> chosen;
  for (size_t round = 0; chosen.size() < static_cast<size_t>(options.n_items); ++round) {
    bool any = false;
    for (const auto& list : by_kind) {
      if (round < list.size() && chosen.size() < static_cast<size_t>(options.n_items)) {
        chosen.push_back(list[round]);
        any = true;
      }
    }
    if (!any) break;
  }
  for (size_t i : chosen) {
    Item& item = batch->items[i];
    const GenreStyle& style = StyleOf(item);
    const std::string voice = kVoices[i % std::size(kVoices)];
    const std::string spoken = item.title + ". " + item.description;
    std::string path;
    Status made;
    if (MediaKindOf(item) == MediaKind::kMusic) {
      path = dir + "/" + item.id + ".wav";
      const double bpm = style.bpm + static_cast<double>(static_cast<int>(i % (2 * kTempoJitter + 1)) - kTempoJitter);
      made = RenderMusic(style, bpm, options.seconds, path);
    } else if (MediaKindOf(item) == MediaKind::kSpeech) {
      path = dir + "/" + item.id + ".wav";
      made = tm::Speech(spoken, voice, path);
    } else {
      path = dir + "/" + item.id + ".mp4";
      const std::string speech = path + ".speech.wav";
      made = tm::Speech(item.description, voice, speech);
      if (made.ok()) {
        tm::VideoSpec spec;
        const double shot_s = options.seconds / 3;
        const std::string colour = std::string("color=c=") + style.colour;
        spec.shots = {tm::MakeShot(colour, shot_s, tm::Transition::kCut, Upper(item.title)),
                      tm::MakeShot(i % 2 ? "testsrc2" : "smptebars", shot_s),
                      tm::MakeShot(colour, shot_s, i % 3 ? tm::Transition::kCut : tm::Transition::kFadeThroughBlack)};
        spec.soundtrack = speech;
        made = tm::Video(spec, path);
      }
      fs::remove(speech, ec);
    }
    if (!made.ok()) return Status(made.code(), "demo media for item " + item.id + ": " + made.message());
    item.media = path;
    if (progress != nullptr) progress->Advance();
  }
  return static_cast<int>(chosen.size());
}

}  // namespace encore
