// Modality inputs of the fusion model taken from a stored media analysis (the
// JSON of video::ToJson, docs/media.md).
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "content/audio/features.h"
#include "content/fusion/fusion_model.h"
#include "content/video/shots.h"

namespace encore::fusion {

inline constexpr int kAudioInputDim = audio::kAudioFeatureDim;
// Duration-weighted mean over shots of [histogram (kHistBins), brightness,
// saturation, motion], then ln(1 + shots per minute).
inline constexpr int kVisualInputDim = video::kHistBins + 4;

// The audio feature vector ("audio"."vector"); false when the analysis has no
// audio or the vector has the wrong size or non-finite values.
bool AudioInput(const nlohmann::json& analysis, std::vector<float>* out);
// The visual summary of the shots; false for audio files or malformed shots.
bool VisualInput(const nlohmann::json& analysis, std::vector<float>* out);

// Sets the audio and visual modalities of `inputs` (when asked for) from stored
// analyses by item index (JSON text, "" = none; shorter than inputs->n_items
// means none for the rest). An analysis that does not parse, or lacks a
// part, leaves that item without the modality. A modality no item has is left
// unset (dim 0). Returns the number of items that got each: {audio, visual}.
std::array<idx_t, 2> SetMediaInputs(const std::vector<std::string>& analyses, bool audio, bool visual,
                                    ModalityInputs* inputs);

}  // namespace encore::fusion
