// On-screen text with Tesseract (Debian libtesseract-dev + tesseract-ocr-eng).
// A keyframe is converted to grey, scaled up 2x when under 640 px wide (small
// captions read far better), and read twice with automatic page segmentation:
// global (Otsu) and local (Sauvola) binarisation, each rescuing titles the
// other loses; the lines are merged. Lines below `min_confidence` or without
// `min_alnum` letters/digits are dropped (textures and test patterns otherwise
// read as stray symbols), and box-edge junk ("|", "_", "=") is trimmed.
//
// Thread-safety: a TextReader holds one Tesseract engine and is NOT
// thread-safe; create one per worker thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "content/media/decoder.h"
#include "core/status.h"

namespace encore::video {

struct TextReaderOptions {
  std::string language = "eng";  // traineddata name
  double min_confidence = 60;    // per line, 0..100
  int min_alnum = 2;             // letters or digits a line needs
};

struct TextLine {
  std::string text;        // whitespace collapsed, trimmed
  double confidence = 0;   // 0..100
};

class TextReader {
 public:
  // FailedPrecondition when the language data is not installed.
  static StatusOr<std::unique_ptr<TextReader>> Create(const TextReaderOptions& options = {});
  ~TextReader();
  TextReader(const TextReader&) = delete;
  TextReader& operator=(const TextReader&) = delete;

  // Lines of text on `frame` (RGB24 or GRAY8), top to bottom.
  StatusOr<std::vector<TextLine>> Read(const media::VideoFrame& frame);

 private:
  struct Impl;
  explicit TextReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace encore::video
