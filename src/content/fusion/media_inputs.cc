#include "content/fusion/media_inputs.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace encore::fusion {
namespace {

constexpr double kSecondsPerMinute = 60;

bool Number(const nlohmann::json& obj, const char* key, double* out) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return false;
  *out = it->get<double>();
  return std::isfinite(*out);
}

}  // namespace

bool AudioInput(const nlohmann::json& analysis, std::vector<float>* out) {
  if (!analysis.is_object()) return false;
  auto audio = analysis.find("audio");
  if (audio == analysis.end() || !audio->is_object()) return false;
  auto vec = audio->find("vector");
  if (vec == audio->end() || !vec->is_array() || vec->size() != static_cast<size_t>(kAudioInputDim)) return false;
  out->assign(static_cast<size_t>(kAudioInputDim), 0.0f);
  for (size_t i = 0; i < vec->size(); ++i) {
    if (!(*vec)[i].is_number()) return false;
    const double v = (*vec)[i].get<double>();
    if (!std::isfinite(v)) return false;
    (*out)[i] = static_cast<float>(v);
  }
  return true;
}

bool VisualInput(const nlohmann::json& analysis, std::vector<float>* out) {
  if (!analysis.is_object()) return false;
  auto shots = analysis.find("shots");
  if (shots == analysis.end() || !shots->is_array() || shots->empty()) return false;
  std::vector<double> acc(static_cast<size_t>(kVisualInputDim), 0.0);
  double total = 0;
  for (const nlohmann::json& shot : *shots) {
    if (!shot.is_object()) return false;
    double start = 0, end = 0, brightness = 0, saturation = 0, motion = 0;
    if (!Number(shot, "start_s", &start) || !Number(shot, "end_s", &end) || !Number(shot, "brightness", &brightness) ||
        !Number(shot, "saturation", &saturation) || !Number(shot, "motion", &motion)) {
      return false;
    }
    auto hist = shot.find("histogram");
    if (hist == shot.end() || !hist->is_array() || hist->size() != static_cast<size_t>(video::kHistBins)) return false;
    const double w = std::max(end - start, 1e-3);
    for (int b = 0; b < video::kHistBins; ++b) {
      const nlohmann::json& v = (*hist)[static_cast<size_t>(b)];
      if (!v.is_number() || !std::isfinite(v.get<double>())) return false;
      acc[static_cast<size_t>(b)] += w * v.get<double>();
    }
    acc[video::kHistBins] += w * brightness;
    acc[video::kHistBins + 1] += w * saturation;
    acc[video::kHistBins + 2] += w * motion;
    total += w;
  }
  out->assign(static_cast<size_t>(kVisualInputDim), 0.0f);
  for (int d = 0; d < video::kHistBins + 3; ++d) (*out)[static_cast<size_t>(d)] = static_cast<float>(acc[static_cast<size_t>(d)] / total);
  (*out)[video::kHistBins + 3] = static_cast<float>(std::log1p(static_cast<double>(shots->size()) * kSecondsPerMinute / total));
  return true;
}

}  // namespace encore::fusion
