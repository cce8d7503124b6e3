// The Recommender interface every model implements, and the model registry.
//
// Life cycle: Create(name, params) -> Fit(ctx, train) -> Score/ScoreAll/ScoreHistory,
// or LoadModel(path) -> Score... Scores are "higher is better"; they are
// comparable within one call, not across models.
//
// Thread-safety: after Fit/Load, all const methods may be called concurrently.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/binary_io.h"
#include "core/context.h"
#include "core/interactions.h"
#include "core/records.h"
#include "core/status.h"
#include "core/types.h"

namespace encore {

// Model parameters as given on the command line (`--param key=value`) or in a
// tuned-parameters file. Each model parses them into its own options struct.
using ModelParams = std::map<std::string, std::string>;

struct TrainContext {
  RunContext run;
  // Catalogue metadata by internal item index (optional; content and hybrid models use it).
  const std::vector<Item>* items = nullptr;
  // Stored media analyses (JSON, docs/media.md) by internal item index, "" for
  // items without one (optional; the fusion model uses them).
  const std::vector<std::string>* item_analyses = nullptr;
  // Held-out interactions for early stopping / tuning (optional).
  const Interactions* validation = nullptr;
};

// One history item's share in a recommendation, for explanations.
struct Contribution {
  ItemIdx item = kNoItem;
  float weight = 0;
};

class Recommender {
 public:
  virtual ~Recommender() = default;

  // Registry name, e.g. "popularity".
  virtual std::string Name() const = 0;
  // The parameters the model was created with, normalised (all keys, defaults filled in).
  virtual ModelParams Params() const = 0;

  // Trains on `train` (users x items). May be called again to retrain from scratch.
  virtual Status Fit(const TrainContext& ctx, const Interactions& train) = 0;

  // Scores `items` for a user seen in training. scores.size() == items.size().
  // Users outside training get InvalidArgument (use ScoreHistory for them).
  virtual Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const = 0;
  // Scores every item: scores.size() == n_items(). Default calls Score over 0..n-1.
  virtual Status ScoreAll(UserIdx user, std::span<float> scores) const;
  // Scores every item for a user known only by a history (new users, sessions,
  // real-time updates): items in time order, weights as in Interactions.
  // Default: Unimplemented.
  virtual Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                              std::span<float> scores) const;
  // Which history items made `item` score high for `user` (largest first).
  // Default: Unimplemented.
  virtual Status Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const;

  // Factor models only, for vector indexes (retrieve/vector_index.h): item vectors
  // [n_items, dim] row-major such that a user's score for an item is the inner
  // product of UserVector() with the item's row. Default: Unimplemented.
  virtual Status ItemVectors(std::vector<float>* vectors, int* dim) const;
  // The user's vector (dim floats) for ItemVectors: a training user's when
  // `user` != kNoUser (history ignored), else folded in from `history`/`weights`
  // as in ScoreHistory. Default: Unimplemented.
  virtual Status UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                            std::vector<float>* out) const;

  virtual idx_t n_users() const = 0;
  virtual idx_t n_items() const = 0;

  // Model-specific payload of a model file (SaveModel writes the common header).
  virtual Status SaveBody(BinaryWriter& out) const = 0;
  virtual Status LoadBody(BinaryReader& in) = 0;
};

// Names of all registered models, sorted.
std::vector<std::string> ModelNames();
// Creates an untrained model; unknown names or bad parameters give InvalidArgument.
StatusOr<std::unique_ptr<Recommender>> CreateModel(const std::string& name, const ModelParams& params);

// Model files: magic "ENCM", format version, model name, params, body.
Status SaveModel(const Recommender& model, const std::string& path);
StatusOr<std::unique_ptr<Recommender>> LoadModel(const std::string& path);
// A model file's content after its header (name, params, body), for models that
// embed another model (hybrid's CF part) and for SaveModel/LoadModel themselves.
Status WriteModel(const Recommender& model, BinaryWriter& out);
StatusOr<std::unique_ptr<Recommender>> ReadModel(BinaryReader& in);

// Parses "key=value" strings into params; rejects malformed ones.
StatusOr<ModelParams> ParseParams(const std::vector<std::string>& key_values);

// Helper for models parsing their options: typed getters that record which keys
// were read, then Finish() rejects any key the model does not know.
class ParamReader {
 public:
  ParamReader(std::string model, const ModelParams& params) : model_(std::move(model)), params_(params) {}
  Status Int(const std::string& key, int64_t* out, int64_t min, int64_t max);
  Status Int(const std::string& key, int* out, int min, int max);
  Status Float(const std::string& key, double* out, double min, double max);
  Status Float(const std::string& key, float* out, float min, float max);
  Status Bool(const std::string& key, bool* out);
  // `allowed` lists the accepted values.
  Status Choice(const std::string& key, std::string* out, const std::vector<std::string>& allowed);
  Status Finish() const;

 private:
  const std::string* Find(const std::string& key);
  std::string model_;
  const ModelParams& params_;
  std::vector<std::string> used_;
};

}  // namespace encore
