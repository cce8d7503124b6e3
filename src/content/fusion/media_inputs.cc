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

std::array<idx_t, 2> SetMediaInputs(const std::vector<std::string>& analyses, bool audio, bool visual,
                                    ModalityInputs* inputs) {
  const auto n = static_cast<size_t>(inputs->n_items);
  std::vector<float> audio_values(audio ? n * kAudioInputDim : 0, 0.0f);
  std::vector<float> visual_values(visual ? n * kVisualInputDim : 0, 0.0f);
  std::vector<uint8_t> has_audio(n, 0), has_visual(n, 0);
  std::array<idx_t, 2> counts{0, 0};
  std::vector<float> row;
  for (size_t i = 0; i < n && i < analyses.size(); ++i) {
    if (analyses[i].empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(analyses[i], nullptr, /*allow_exceptions=*/false);
    if (audio && AudioInput(j, &row)) {
      has_audio[i] = 1;
      ++counts[0];
      std::copy(row.begin(), row.end(), audio_values.begin() + static_cast<std::ptrdiff_t>(i * kAudioInputDim));
    }
    if (visual && VisualInput(j, &row)) {
      has_visual[i] = 1;
      ++counts[1];
      std::copy(row.begin(), row.end(), visual_values.begin() + static_cast<std::ptrdiff_t>(i * kVisualInputDim));
    }
  }
  if (counts[0] > 0) inputs->Set(Modality::kAudio, kAudioInputDim, std::move(audio_values), std::move(has_audio));
  if (counts[1] > 0) inputs->Set(Modality::kVisual, kVisualInputDim, std::move(visual_values), std::move(has_visual));
  return counts;
}

}  // namespace encore::fusion
