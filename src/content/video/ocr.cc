#include "content/video/ocr.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

namespace encore::video {
namespace {

constexpr int kUpscaleBelowWidth = 640;

// Box edges and frame borders next to text read as these; they never end a title.
bool IsEdgeJunk(char c) { return std::strchr("|_~`'\"[](){}\\/=", c) != nullptr; }

std::string TrimJunk(std::string s) {
  size_t b = 0, e = s.size();
  while (b < e && (IsEdgeJunk(s[b]) || s[b] == ' ')) ++b;
  while (e > b && (IsEdgeJunk(s[e - 1]) || s[e - 1] == ' ')) --e;
  return s.substr(b, e - b);
}

// Lower-cased letters and digits only: two readings of one line compare equal.
std::string AlnumKey(const std::string& s) {
  std::string key;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

std::string CollapseSpaces(const char* raw) {
  std::string out;
  bool space = false;
  for (const char* p = raw; *p != '\0'; ++p) {
    if (std::isspace(static_cast<unsigned char>(*p))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += *p;
  }
  return out;
}

}  // namespace

struct TextReader::Impl {
  tesseract::TessBaseAPI api;
  TextReaderOptions options;
  ~Impl() { api.End(); }
};

TextReader::TextReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TextReader::~TextReader() = default;

StatusOr<std::unique_ptr<TextReader>> TextReader::Create(const TextReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->api.Init(nullptr, options.language.c_str(), tesseract::OEM_DEFAULT) != 0) {
    return FailedPrecondition("Tesseract has no '" + options.language +
                              "' language data (install tesseract-ocr-" + options.language + ")");
  }
  impl->api.SetPageSegMode(tesseract::PSM_AUTO);
  impl->api.SetVariable("debug_file", "/dev/null");  // no "Detected N diacritics" on stderr
  return std::unique_ptr<TextReader>(new TextReader(std::move(impl)));
}

StatusOr<std::vector<TextLine>> TextReader::Read(const media::VideoFrame& frame) {
  if (frame.width <= 0 || frame.height <= 0 || (frame.channels != 1 && frame.channels != 3) ||
      frame.data.size() != static_cast<size_t>(frame.width) * frame.height * frame.channels) {
    return InvalidArgument("OCR needs an RGB24 or GRAY8 frame with matching data size");
  }
  // luma: [frame.height, frame.width]; gray: [h, w], bilinear upscaling of it.
  std::vector<uint8_t> luma(static_cast<size_t>(frame.width) * frame.height);
  for (size_t i = 0; i < luma.size(); ++i) {
    const size_t src = i * static_cast<size_t>(frame.channels);
    luma[i] = frame.channels == 1
                  ? frame.data[src]
                  : static_cast<uint8_t>((299 * frame.data[src] + 587 * frame.data[src + 1] + 114 * frame.data[src + 2]) / 1000);
  }
  const int scale = frame.width < kUpscaleBelowWidth ? 2 : 1;
  const int w = frame.width * scale, h = frame.height * scale;
  std::vector<uint8_t> gray(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    const double sy = std::max(0.0, (y + 0.5) / scale - 0.5);
    const int y0 = std::min(static_cast<int>(sy), frame.height - 1), y1 = std::min(y0 + 1, frame.height - 1);
    const double fy = sy - y0;
    for (int x = 0; x < w; ++x) {
      const double sx = std::max(0.0, (x + 0.5) / scale - 0.5);
      const int x0 = std::min(static_cast<int>(sx), frame.width - 1), x1 = std::min(x0 + 1, frame.width - 1);
      const double fx = sx - x0;
      auto px = [&](int yy, int xx) { return static_cast<double>(luma[static_cast<size_t>(yy) * frame.width + xx]); };
      const double v = (1 - fy) * ((1 - fx) * px(y0, x0) + fx * px(y0, x1)) + fy * ((1 - fx) * px(y1, x0) + fx * px(y1, x1));
      gray[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>(std::lround(v));
    }
  }
  tesseract::TessBaseAPI& api = impl_->api;
  std::vector<TextLine> lines;
  // Two binarisations, lines merged: global Otsu, and local Sauvola. Otsu
  // loses white text in a dark box over a mid-grey picture (text and picture
  // fall on the same side of its one threshold); Sauvola loses text on some
  // busy backgrounds or splits its letters. Sauvola's window follows the
  // resolution: at 70 dpi it spans a title's letters on these frames.
  const std::pair<const char*, const char*> passes[] = {{"0", "150"}, {"2", "70"}};
  for (const auto& [method, dpi] : passes) {
    api.SetVariable("thresholding_method", method);
    api.SetVariable("user_defined_dpi", dpi);
    api.SetImage(gray.data(), w, h, 1, w);
    if (api.Recognize(nullptr) != 0) return Internal("Tesseract failed to recognise the frame");
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (it != nullptr) {
      do {
        std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
        if (!text) continue;
        TextLine line{TrimJunk(CollapseSpaces(text.get())), it->Confidence(tesseract::RIL_TEXTLINE)};
        const std::string key = AlnumKey(line.text);
        if (line.confidence < impl_->options.min_confidence || static_cast<int>(key.size()) < impl_->options.min_alnum) {
          continue;
        }
        // The same line from both passes (spacing aside): keep the surer reading.
        auto same = std::find_if(lines.begin(), lines.end(), [&](const TextLine& l) { return AlnumKey(l.text) == key; });
        if (same == lines.end()) {
          lines.push_back(std::move(line));
        } else if (line.confidence > same->confidence) {
          *same = std::move(line);
        }
      } while (it->Next(tesseract::RIL_TEXTLINE));
    }
    api.Clear();
  }
  return lines;
}

}  // namespace encore::video
