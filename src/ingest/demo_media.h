// Generated media for the demo catalogue (`encore demo-data --media DIR`), so
// `encore analyze --db` has something to look inside: tracks become a click
// beat with a chord progression (tempo and key chosen by genre), podcasts a
// spoken reading of their title and description, and other kinds a short video
// of coloured shots (colour by genre) with the title on screen and the
// description as its soundtrack. Rendered with the command-line tools flite,
// sox and ffmpeg (content/media/test_media.h); nothing binary is committed.
#pragma once

#include <string>

#include "core/progress.h"
#include "core/status.h"
#include "store/store.h"

namespace encore {

struct DemoMediaOptions {
  std::string dir;          // folder the files are written to (created when missing)
  int n_items = 6;          // items that get a file: music, speech and video kinds in turn, lowest index first
  double seconds = 6;       // length of each music clip and video (speech runs as long as it takes)

  Status Validate() const;
};

// OK when flite, sox and ffmpeg are on the PATH; otherwise FailedPrecondition
// naming the missing tools and the Debian packages that provide them.
Status CheckDemoMediaTools();

// Renders one file per item for options.n_items items of `batch` (tracks,
// podcasts and other kinds in turn, lowest index first; fewer when the
// catalogue is smaller) and sets their `media` to the file's
// absolute path. Deterministic: the same items give the same media. Advances
// `progress` (may be null) once per file. Returns the number of files written.
StatusOr<int> GenerateDemoMedia(const DemoMediaOptions& options, WriteBatch* batch, Progress* progress = nullptr);

}  // namespace encore
