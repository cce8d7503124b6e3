#include "content/media/test_media.h"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace encore::media::testmedia {
namespace {

constexpr double kClickSeconds = 0.01;  // length of one click burst
constexpr double kToneAmplitude = 0.25;  // per tone, so a triad stays below full scale
constexpr const char* kTitleFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6f", v);
  return buf;
}

// Escapes text for ffmpeg's drawtext inside a single-quoted filter argument.
std::string DrawtextEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'' || c == ':' || c == '\\' || c == '%' || c == ',') out += '\\';
    out += c;
  }
  return out;
}

// A sum of sines as an ffmpeg aevalsrc expression.
std::string SineSum(const std::vector<double>& freqs) {
  std::string expr;
  for (double f : freqs) {
    if (!expr.empty()) expr += "+";
    expr += Num(kToneAmplitude) + "*sin(2*PI*" + Num(f) + "*t)";
  }
  return expr.empty() ? "0" : expr;
}

// Titles fit the frame: at most an eighth of the height, and narrow enough
// for the whole line (bold DejaVu caps average ~0.7 em) inside the box.
int TitleFontSize(const VideoSpec& spec, const std::string& title) {
  const double fit = 0.8 * spec.width / (0.7 * static_cast<double>(std::max<size_t>(1, title.size())));
  return std::max(8, static_cast<int>(std::min(spec.height / 8.0, fit)));
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Status RunCommand(const std::string& command) {
  std::string full = command + " >/dev/null 2>&1 </dev/null";
  int rc = std::system(full.c_str());
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    return Internal("command failed (exit " + std::to_string(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1) +
                    "): " + command);
  }
  return Status::Ok();
}

StatusOr<std::string> MakeTempDir(const std::string& tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/encore-" + tag + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return IoError("cannot create a temporary directory " + templ);
  return std::string(buf.data());
}

double MidiToHz(double midi) { return 440.0 * std::pow(2.0, (midi - 69.0) / 12.0); }

Status Speech(const std::string& text, const std::string& voice, const std::string& out) {
  return RunCommand("flite -voice " + ShellQuote(voice) + " -t " + ShellQuote(text) + " -o " + ShellQuote(out));
}

Status ClickTrack(double bpm, double seconds, const std::string& out) {
  if (!(bpm > 0) || !(seconds > 0)) return InvalidArgument("bpm and seconds must be > 0");
  const double period = 60.0 / bpm;
  const int clicks = std::max(1, static_cast<int>(seconds / period));
  // One click padded to a full period, repeated: sox keeps the period exact to a sample.
  return RunCommand("sox -n -r 44100 -c 1 -b 16 " + ShellQuote(out) + " synth " + Num(kClickSeconds) +
                    " sine 1000 fade 0 " + Num(kClickSeconds) + " " + Num(kClickSeconds * 0.9) + " pad 0 " +
                    Num(period - kClickSeconds) + " repeat " + std::to_string(clicks - 1));
}

Status Tones(const std::vector<double>& freqs_hz, double seconds, const std::string& out) {
  return RunCommand("ffmpeg -y -nostdin -f lavfi -i " +
                    ShellQuote("aevalsrc=" + SineSum(freqs_hz) + ":s=44100:d=" + Num(seconds)) +
                    " -ac 1 " + ShellQuote(out));
}

Status Melody(const std::vector<std::vector<double>>& notes_hz, double note_seconds, const std::string& out) {
  if (notes_hz.empty()) return InvalidArgument("a melody needs at least one note");
  // One aevalsrc expression: each note gated to its time slot by between().
  std::string expr;
  for (size_t i = 0; i < notes_hz.size(); ++i) {
    if (!expr.empty()) expr += "+";
    // Commas inside a lavfi source's expression must be escaped from the graph parser.
    expr += "between(t\\," + Num(i * note_seconds) + "\\," + Num((i + 1) * note_seconds - 1e-4) + ")*(" +
            SineSum(notes_hz[i]) + ")";
  }
  const double total = notes_hz.size() * note_seconds;
  return RunCommand("ffmpeg -y -nostdin -f lavfi -i " +
                    ShellQuote("aevalsrc=" + expr + ":s=44100:d=" + Num(total)) + " -ac 1 " + ShellQuote(out));
}

Shot MakeShot(std::string source, double seconds, Transition in, std::string title) {
  Shot shot;
  shot.source = std::move(source);
  shot.seconds = seconds;
  shot.in = in;
  shot.title = std::move(title);
  return shot;
}

std::vector<double> ShotBoundaries(const VideoSpec& spec) {
  std::vector<double> out;
  double t = 0;
  for (size_t i = 0; i + 1 < spec.shots.size(); ++i) {
    t += spec.shots[i].seconds;
    out.push_back(t);
  }
  return out;
}

Status Video(const VideoSpec& spec, const std::string& out) {
  if (spec.shots.empty()) return InvalidArgument("a video needs at least one shot");
  std::ostringstream cmd;
  std::ostringstream graph;
  cmd << "ffmpeg -y -nostdin";
  const size_t n = spec.shots.size();
  auto dissolve_into = [&](size_t i) { return i > 0 && i < n && spec.shots[i].in == Transition::kDissolve; };
  auto fade_into = [&](size_t i) { return i > 0 && i < n && spec.shots[i].in == Transition::kFadeThroughBlack; };
  std::vector<double> seg_len(n);
  for (size_t i = 0; i < n; ++i) {
    const Shot& shot = spec.shots[i];
    seg_len[i] = shot.seconds;
    if (dissolve_into(i)) seg_len[i] += shot.transition_s / 2;
    if (dissolve_into(i + 1)) seg_len[i] += spec.shots[i + 1].transition_s / 2;
    cmd << " -f lavfi -i "
        << ShellQuote(shot.source + (shot.source.find('=') == std::string::npos ? "=" : ":") + "s=" + std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                      ":r=" + std::to_string(spec.fps) + ":d=" + Num(seg_len[i]));
  }
  for (size_t i = 0; i < n; ++i) {
    const Shot& shot = spec.shots[i];
    graph << "[" << i << ":v]format=yuv420p,fps=" << spec.fps << ",settb=AVTB";
    if (fade_into(i)) graph << ",fade=t=in:st=0:d=" << Num(shot.transition_s / 2);
    if (fade_into(i + 1)) {
      const double half = spec.shots[i + 1].transition_s / 2;
      graph << ",fade=t=out:st=" << Num(seg_len[i] - half) << ":d=" << Num(half);
    }
    if (!shot.title.empty()) {
      graph << ",drawtext=fontfile=" << kTitleFont << ":text='" << DrawtextEscape(shot.title)
            << "':fontsize=" << TitleFontSize(spec, shot.title) << ":fontcolor=white:box=1:boxcolor=black@0.85:boxborderw=12"
            << ":x=(w-text_w)/2:y=(h-text_h)/2";
    }
    graph << "[s" << i << "];";
  }
  std::string acc = "[s0]";
  double acc_len = seg_len[0];
  for (size_t i = 1; i < n; ++i) {
    std::string next = "[c" + std::to_string(i) + "]";
    if (dissolve_into(i)) {
      const double d = spec.shots[i].transition_s;
      graph << acc << "[s" << i << "]xfade=transition=fade:duration=" << Num(d) << ":offset=" << Num(acc_len - d)
            << next << ";";
      acc_len += seg_len[i] - d;
    } else {
      graph << acc << "[s" << i << "]concat=n=2:v=1:a=0" << next << ";";
      acc_len += seg_len[i];
    }
    acc = next;
  }
  graph << acc << "null[v]";
  std::string audio_map;
  if (!spec.soundtrack.empty()) {
    cmd << " -i " << ShellQuote(spec.soundtrack);
    // Padded with silence or cut to exactly the video's length.
    graph << ";[" << n << ":a]apad=whole_dur=" << Num(acc_len) << ",atrim=0:" << Num(acc_len) << "[a]";
    audio_map = " -map '[a]' -c:a aac -b:a 96k";
  }
  cmd << " -filter_complex " << ShellQuote(graph.str()) << " -map '[v]'" << audio_map
      << " -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p " << ShellQuote(out);
  return RunCommand(cmd.str());
}

}  // namespace encore::media::testmedia
