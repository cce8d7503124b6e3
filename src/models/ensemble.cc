#include "models/ensemble.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/strings.h"

namespace encore {
namespace {

constexpr char kMagic[] = "ENSB";
constexpr uint32_t kVersion = 1;


// Rescales one user's scores in place (EnsembleOptions::normalise).
void Normalise(std::span<float> s, bool zscore) {
  if (s.empty()) return;
  if (zscore) {
    double sum = 0, sq = 0;
    for (float v : s) sum += v, sq += static_cast<double>(v) * v;
    const double mean = sum / static_cast<double>(s.size());
    const double var = std::max(0.0, sq / static_cast<double>(s.size()) - mean * mean);
    const double inv = var > 0 ? 1.0 / std::sqrt(var) : 0.0;
    for (float& v : s) v = static_cast<float>((v - mean) * inv);
    return;
  }
  float top = 0;
  for (float v : s) top = std::max(top, std::fabs(v));
  if (top == 0) return;
  const float inv = 1.0f / top;
  for (float& v : s) v *= inv;
}

std::string FormatWeight(double w) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", w);
  return buf;
}

}  // namespace

StatusOr<std::unique_ptr<Recommender>> Ensemble::Create(const ModelParams& params) {
  EnsembleOptions o;
  ModelParams own;
  for (const auto& [k, v] : params) {
    if (k.find('.') == std::string::npos) own[k] = v;
  }
  if (auto it = own.find("models"); it != own.end()) {
    o.models = SplitList(it->second);
    own.erase(it);
  }
  std::string weights_text;
  if (auto it = own.find("weights"); it != own.end()) {
    weights_text = it->second;
    own.erase(it);
  }
  ParamReader r("ensemble", own);
  ENCORE_RETURN_IF_ERROR(r.Choice("normalise", &o.normalise, {"zscore", "max"}));
  ENCORE_RETURN_IF_ERROR(r.Finish());

  if (o.models.size() < 2) return InvalidArgument("ensemble: models= needs at least two comma-separated model names");
  const std::vector<std::string> known = ModelNames();
  for (size_t m = 0; m < o.models.size(); ++m) {
    const std::string& name = o.models[m];
    if (name == "ensemble") return InvalidArgument("ensemble: models= cannot contain 'ensemble' (no nesting)");
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidArgument("ensemble: models= names unknown model '" + name + "' (see `encore models`)");
    }
    if (std::find(o.models.begin(), o.models.begin() + m, name) != o.models.begin() + m) {
      return InvalidArgument("ensemble: models= lists '" + name + "' twice; each member appears once");
    }
  }
  if (weights_text.empty()) {
    o.weights.assign(o.models.size(), 1.0);
  } else {
    for (const std::string& w : SplitList(weights_text)) {
      char* end = nullptr;
      const double v = std::strtod(w.c_str(), &end);
      if (w.empty() || end != w.c_str() + w.size() || !std::isfinite(v) || v < 0) {
        return InvalidArgument("ensemble: weights= '" + weights_text + "' must be non-negative numbers, e.g. 0.7,0.3");
      }
      o.weights.push_back(v);
    }
    if (o.weights.size() != o.models.size()) {
      return InvalidArgument("ensemble: weights= has " + std::to_string(o.weights.size()) + " values for " +
                             std::to_string(o.models.size()) + " models");
    }
  }
  double total = 0;
  for (double w : o.weights) total += w;
  if (total <= 0) return InvalidArgument("ensemble: weights= are all zero");
  for (double& w : o.weights) w /= total;

  o.member_params.resize(o.models.size());
  for (const auto& [k, v] : params) {
    const auto dot = k.find('.');
    if (dot == std::string::npos) continue;
    const std::string model = k.substr(0, dot);
    const auto it = std::find(o.models.begin(), o.models.end(), model);
    if (it == o.models.end()) {
      return InvalidArgument("ensemble: parameter '" + k + "' names model '" + model + "', which is not in models=");
    }
    o.member_params[it - o.models.begin()][k.substr(dot + 1)] = v;
  }
  std::vector<std::unique_ptr<Recommender>> members;
  for (size_t m = 0; m < o.models.size(); ++m) {
    auto member = CreateModel(o.models[m], o.member_params[m]);
    if (!member.ok()) return member.status().WithContext("ensemble");
    members.push_back(std::move(member).value());
  }
  return std::unique_ptr<Recommender>(new Ensemble(std::move(o), std::move(members)));
}

ModelParams Ensemble::Params() const {
  std::string models, weights;
  for (size_t m = 0; m < members_.size(); ++m) {
    if (m > 0) {
      models += ',';
      weights += ',';
    }
    models += options_.models[m];
    weights += FormatWeight(options_.weights[m]);
  }
  ModelParams p = {{"models", models}, {"weights", weights}, {"normalise", options_.normalise}};
  for (size_t m = 0; m < members_.size(); ++m) {
    for (const auto& [k, v] : members_[m]->Params()) p[options_.models[m] + "." + k] = v;
  }
  return p;
}

Status Ensemble::Fit(const TrainContext& ctx, const Interactions& train) {
  for (size_t m = 0; m < members_.size(); ++m) {
    ENCORE_RETURN_IF_ERROR(members_[m]->Fit(ctx, train).WithContext("ensemble: " + options_.models[m]));
  }
  return Status::Ok();
}

template <typename ScoreOne>
Status Ensemble::Blend(std::span<float> scores, ScoreOne score_one) const {
  if (static_cast<idx_t>(scores.size()) != n_items()) return InvalidArgument("ensemble: wrong scores size");
  const bool zscore = options_.normalise == "zscore";
  std::vector<float> member(scores.size());
  std::fill(scores.begin(), scores.end(), 0.0f);
  for (size_t m = 0; m < members_.size(); ++m) {
    ENCORE_RETURN_IF_ERROR(score_one(*members_[m], std::span<float>(member)));
    Normalise(member, zscore);
    const float w = static_cast<float>(options_.weights[m]);
    for (size_t j = 0; j < scores.size(); ++j) scores[j] += w * member[j];
  }
  return Status::Ok();
}

Status Ensemble::ScoreAll(UserIdx user, std::span<float> scores) const {
  return Blend(scores, [&](const Recommender& model, std::span<float> out) { return model.ScoreAll(user, out); });
}

Status Ensemble::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                              std::span<float> scores) const {
  return Blend(scores, [&](const Recommender& model, std::span<float> out) {
    return model.ScoreHistory(history, weights, out);
  });
}

Status Ensemble::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  if (items.size() != scores.size()) return InvalidArgument("ensemble: items and scores differ in size");
  // Normalisation is over the whole catalogue, so score everything and pick.
  std::vector<float> all(static_cast<size_t>(n_items()));
  ENCORE_RETURN_IF_ERROR(ScoreAll(user, all));
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] < 0 || items[i] >= n_items()) {
      return InvalidArgument("ensemble: item index " + std::to_string(items[i]) + " out of range");
    }
    scores[i] = all[items[i]];
  }
  return Status::Ok();
}

Status Ensemble::SaveBody(BinaryWriter& out) const {
  out.Header(kMagic, kVersion);
  for (const auto& member : members_) ENCORE_RETURN_IF_ERROR(member->SaveBody(out));
  return Status::Ok();
}

Status Ensemble::LoadBody(BinaryReader& in) {
  ENCORE_RETURN_IF_ERROR(in.Header(kMagic, kVersion).status());
  for (auto& member : members_) ENCORE_RETURN_IF_ERROR(member->LoadBody(in));
  for (const auto& member : members_) {
    if (member->n_items() != members_.front()->n_items()) {
      return DataLoss("ensemble: model file members disagree on the item count");
    }
  }
  return Status::Ok();
}

}  // namespace encore
