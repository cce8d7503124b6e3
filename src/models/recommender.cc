#include "models/recommender.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "models/registry.h"

namespace encore {

Status Recommender::ScoreAll(UserIdx user, std::span<float> scores) const {
  if (static_cast<idx_t>(scores.size()) != n_items()) {
    return InvalidArgument("ScoreAll: scores has " + std::to_string(scores.size()) +
                           " slots but the model has " + std::to_string(n_items()) + " items");
  }
  std::vector<ItemIdx> all(scores.size());
  std::iota(all.begin(), all.end(), 0);
  return Score(user, all, scores);
}

Status Recommender::ScoreHistory(std::span<const ItemIdx>, std::span<const float>, std::span<float>) const {
  return Unimplemented("model '" + Name() + "' cannot score users outside its training data");
}

Status Recommender::Explain(UserIdx, ItemIdx, std::vector<Contribution>*) const {
  return Unimplemented("model '" + Name() + "' has no explanations");
}

Status Recommender::ItemVectors(std::vector<float>*, int*) const {
  return Unimplemented("model '" + Name() + "' has no item vectors");
}

Status Recommender::UserVector(UserIdx, std::span<const ItemIdx>, std::span<const float>,
                               std::vector<float>*) const {
  return Unimplemented("model '" + Name() + "' has no user vectors");
}

std::vector<std::string> ModelNames() {
  std::vector<std::string> names;
  for (const ModelEntry& e : ModelRegistry()) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

StatusOr<std::unique_ptr<Recommender>> CreateModel(const std::string& name, const ModelParams& params) {
  for (const ModelEntry& e : ModelRegistry()) {
    if (e.name == name) {
      auto model = e.create(params);
      if (!model.ok()) return model.status().WithContext("model '" + name + "'");
      return model;
    }
  }
  std::string known;
  for (const std::string& n : ModelNames()) known += (known.empty() ? "" : ", ") + n;
  return InvalidArgument("unknown model '" + name + "' (known models: " + known + ")");
}

namespace {
constexpr char kModelMagic[] = "ENCM";
constexpr uint32_t kModelFormatVersion = 1;
}  // namespace

Status WriteModel(const Recommender& model, BinaryWriter& out) {
  out.String(model.Name());
  ModelParams params = model.Params();
  out.Pod<uint64_t>(params.size());
  for (const auto& [k, v] : params) {
    out.String(k);
    out.String(v);
  }
  return model.SaveBody(out);
}

StatusOr<std::unique_ptr<Recommender>> ReadModel(BinaryReader& in) {
  std::string name;
  ENCORE_RETURN_IF_ERROR(in.String(&name, 256));
  uint64_t n_params = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_params));
  if (n_params > 10000) return DataLoss("corrupt parameter table");
  ModelParams params;
  for (uint64_t i = 0; i < n_params; ++i) {
    std::string k, v;
    ENCORE_RETURN_IF_ERROR(in.String(&k, 4096));
    ENCORE_RETURN_IF_ERROR(in.String(&v, 1 << 20));
    params[k] = v;
  }
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model, CreateModel(name, params));
  ENCORE_RETURN_IF_ERROR(model->LoadBody(in));
  return model;
}

Status SaveModel(const Recommender& model, const std::string& path) {
  BinaryWriter out;
  out.Header(kModelMagic, kModelFormatVersion);
  ENCORE_RETURN_IF_ERROR(WriteModel(model, out));
  return out.WriteFile(path);
}

StatusOr<std::unique_ptr<Recommender>> LoadModel(const std::string& path) {
  ENCORE_ASSIGN_OR_RETURN(BinaryReader in, BinaryReader::FromFile(path));
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kModelMagic, kModelFormatVersion));
  (void)version;
  auto model = ReadModel(in);
  if (!model.ok()) return model.status().WithContext(path);
  if (!in.AtEnd()) return DataLoss(path + ": trailing bytes after the model body");
  return model;
}

StatusOr<ModelParams> ParseParams(const std::vector<std::string>& key_values) {
  ModelParams params;
  for (const std::string& kv : key_values) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("parameter '" + kv + "' is not of the form key=value");
    }
    params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return params;
}

const std::string* ParamReader::Find(const std::string& key) {
  used_.push_back(key);
  auto it = params_.find(key);
  return it == params_.end() ? nullptr : &it->second;
}

Status ParamReader::Int(const std::string& key, int64_t* out, int64_t min, int64_t max) {
  const std::string* text = Find(key);
  if (text == nullptr) return Status::Ok();
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno == ERANGE) {
    return InvalidArgument(model_ + ": parameter '" + key + "' must be an integer, got '" + *text + "'");
  }
  if (v < min || v > max) {
    return InvalidArgument(model_ + ": parameter '" + key + "' must be in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "], got " + *text);
  }
  *out = v;
  return Status::Ok();
}

Status ParamReader::Int(const std::string& key, int* out, int min, int max) {
  int64_t v = *out;
  ENCORE_RETURN_IF_ERROR(Int(key, &v, static_cast<int64_t>(min), static_cast<int64_t>(max)));
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status ParamReader::Float(const std::string& key, double* out, double min, double max) {
  const std::string* text = Find(key);
  if (text == nullptr) return Status::Ok();
  char* end = nullptr;
  double v = std::strtod(text->c_str(), &end);
  if (text->empty() || *end != '\0' || !std::isfinite(v)) {
    return InvalidArgument(model_ + ": parameter '" + key + "' must be a number, got '" + *text + "'");
  }
  if (v < min || v > max) {
    return InvalidArgument(model_ + ": parameter '" + key + "' must be in [" + std::to_string(min) +
                           ", " + std::to_string(max) + "], got " + *text);
  }
  *out = v;
  return Status::Ok();
}

Status ParamReader::Float(const std::string& key, float* out, float min, float max) {
  double v = *out;
  ENCORE_RETURN_IF_ERROR(Float(key, &v, min, max));
  *out = static_cast<float>(v);
  return Status::Ok();
}

Status ParamReader::Bool(const std::string& key, bool* out) {
  const std::string* text = Find(key);
  if (text == nullptr) return Status::Ok();
  if (*text == "true" || *text == "1") *out = true;
  else if (*text == "false" || *text == "0") *out = false;
  else return InvalidArgument(model_ + ": parameter '" + key + "' must be true or false, got '" + *text + "'");
  return Status::Ok();
}

Status ParamReader::Choice(const std::string& key, std::string* out, const std::vector<std::string>& allowed) {
  const std::string* text = Find(key);
  if (text == nullptr) return Status::Ok();
  if (std::find(allowed.begin(), allowed.end(), *text) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return InvalidArgument(model_ + ": parameter '" + key + "' must be one of: " + list + "; got '" + *text + "'");
  }
  *out = *text;
  return Status::Ok();
}

Status ParamReader::Finish() const {
  for (const auto& [key, value] : params_) {
    if (std::find(used_.begin(), used_.end(), key) == used_.end()) {
      std::string list;
      for (const auto& u : used_) list += (list.empty() ? "" : ", ") + u;
      return InvalidArgument(model_ + ": unknown parameter '" + key + "' (known: " + list + ")");
    }
  }
  return Status::Ok();
}

}  // namespace encore
