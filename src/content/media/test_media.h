// Generated test media for the content tests and benchmarks: nothing binary is
// committed; every clip is rendered on demand with flite, sox and the ffmpeg
// command (Debian packages `flite sox ffmpeg`). Also renders the demo
// catalogue's media (ingest/demo_media.h). Not used by the analysers.
//
// Every function writes one file at `out` (the extension picks the container)
// and returns a Status naming the failing command when the tool is missing or fails.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace encore::media::testmedia {

// Runs `command` through /bin/sh with its output discarded; error unless it exits 0.
Status RunCommand(const std::string& command);

// A fresh empty directory under $TMPDIR (or /tmp) named encore-<tag>-XXXXXX.
StatusOr<std::string> MakeTempDir(const std::string& tag);

// Quotes `s` for /bin/sh.
std::string ShellQuote(const std::string& s);

// Spoken `text` in a flite voice ("slt", "kal16", "rms", "awb").
Status Speech(const std::string& text, const std::string& voice, const std::string& out);

// A click every 60/bpm seconds for `seconds` (a 10 ms 1 kHz decaying burst).
Status ClickTrack(double bpm, double seconds, const std::string& out);

// Sine tones at `freqs_hz` sounding together (a tone, an interval, a triad).
Status Tones(const std::vector<double>& freqs_hz, double seconds, const std::string& out);

// A melody: each entry of `notes_hz` is one chord (one or more frequencies)
// lasting `note_seconds`, in order.
Status Melody(const std::vector<std::vector<double>>& notes_hz, double note_seconds, const std::string& out);

// Equal-tempered frequency of MIDI note `midi` (69 = A4 = 440 Hz).
double MidiToHz(double midi);

// Kinds of transition into a shot.
enum class Transition { kCut, kFadeThroughBlack, kDissolve };

struct Shot {
  std::string source;      // an ffmpeg lavfi video source, e.g. "testsrc2", "smptebars", "mandelbrot"
  double seconds = 2;      // length of the shot itself
  Transition in = Transition::kCut;   // how this shot is entered (ignored for the first)
  double transition_s = 0.8;          // length of a fade/dissolve
  std::string title;       // drawn centred in white on a dark box when not empty
};

Shot MakeShot(std::string source, double seconds, Transition in = Transition::kCut, std::string title = "");

struct VideoSpec {
  std::vector<Shot> shots;
  int width = 320;
  int height = 240;
  int fps = 25;
  std::string soundtrack;  // audio file muxed in (trimmed/padded to the video) or ""
};

// Renders the shots joined by their transitions into one H.264/AAC file.
// Boundary times (what a detector should find) come from ShotBoundaries().
Status Video(const VideoSpec& spec, const std::string& out);

// The times of the shot boundaries of `spec`: a cut at its instant, a fade or
// dissolve at the middle of the transition.
std::vector<double> ShotBoundaries(const VideoSpec& spec);

}  // namespace encore::media::testmedia
