#include "models/fusion.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "content/fusion/media_inputs.h"
#include "content/text/text_index.h"
#include "core/parallel.h"
#include "core/strings.h"
#include "models/content.h"
#include "models/user_history.h"

namespace encore {
namespace {

using fusion::Modality;

constexpr char kFusionMagic[] = "FUSN";
constexpr uint32_t kFusionVersion = 1;
constexpr const char* kModalityNames[] = {"text", "audio", "visual", "collaborative"};
static_assert(std::size(kModalityNames) == fusion::kModalities);

// "auto" -> nothing forced; otherwise the listed modalities, each once.
StatusOr<std::array<bool, fusion::kModalities>> ParseModalities(const std::string& spec) {
  std::array<bool, fusion::kModalities> out{};
  if (spec == "auto") return out;
  for (const std::string& name : SplitList(spec)) {
    int found = -1;
    for (int m = 0; m < fusion::kModalities; ++m) {
      if (name == kModalityNames[m]) found = m;
    }
    if (found < 0) {
      return InvalidArgument("fusion: unknown modality '" + name +
                             "' in modalities (use auto or a comma list of text, audio, visual, collaborative)");
    }
    if (out[static_cast<size_t>(found)]) return InvalidArgument("fusion: modality '" + name + "' is listed twice");
    out[static_cast<size_t>(found)] = true;
  }
  return out;
}

std::string FormatDouble(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// Text input: the content model's TF-IDF item vectors, as sparse rows over its
// vocabulary ("terms") or randomly projected to `dim` values ("projection").
Status SetTextInput(const TrainContext& ctx, const Interactions& train, const std::string& text_input, int dim,
                    fusion::ModalityInputs* inputs) {
  ContentModel content(ContentOptions{});
  TrainContext text_ctx;
  text_ctx.run = ctx.run;
  text_ctx.items = ctx.items;
  // Only the item vectors are needed: fit on no interactions so no profile is built.
  const Interactions none = Interactions::FromTriplets(0, train.n_items(), {});
  ENCORE_RETURN_IF_ERROR(content.Fit(text_ctx, none));
  const auto n = static_cast<size_t>(train.n_items());
  if (text_input == "terms") {
    std::vector<idx_t> row_ptr = {0};
    std::vector<int32_t> ids;
    std::vector<float> values;
    std::vector<uint8_t> present(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const text::SparseVector v = content.ItemVector(static_cast<ItemIdx>(i));
      present[i] = v.size() > 0 ? 1 : 0;
      ids.insert(ids.end(), v.ids.begin(), v.ids.end());
      values.insert(values.end(), v.values.begin(), v.values.end());
      row_ptr.push_back(static_cast<idx_t>(ids.size()));
    }
    if (ids.empty()) return Status::Ok();  // no item has text
    inputs->SetSparse(Modality::kText, content.n_terms(), std::move(row_ptr), std::move(ids), std::move(values),
                      std::move(present));
    return Status::Ok();
  }
  std::vector<float> values(n * static_cast<size_t>(dim), 0.0f);
  std::vector<uint8_t> present(n, 0);
  ENCORE_RETURN_IF_ERROR(ParallelFor(train.n_items(), ctx.run.threads, [&](idx_t begin, idx_t end, int) {
    for (idx_t i = begin; i < end; ++i) {
      const text::SparseVector v = content.ItemVector(static_cast<ItemIdx>(i));
      if (v.size() == 0) continue;
      present[static_cast<size_t>(i)] = 1;
      text::AddRandomProjection(v, dim, values.data() + static_cast<size_t>(i) * static_cast<size_t>(dim));
    }
    return Status::Ok();
  }));
  if (std::find(present.begin(), present.end(), 1) == present.end()) return Status::Ok();  // no item has text
  inputs->Set(Modality::kText, dim, std::move(values), std::move(present));
  return Status::Ok();
}

// Collaborative input: iALS item factors; items without training interactions lack it.
Status SetCollaborativeInput(const TrainContext& ctx, const Interactions& train, int factors,
                             fusion::ModalityInputs* inputs) {
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> ials,
                          CreateModel("ials", {{"factors", std::to_string(factors)}}));
  TrainContext cf_ctx;
  cf_ctx.run = ctx.run;
  ENCORE_RETURN_IF_ERROR(ials->Fit(cf_ctx, train).WithContext("fusion: collaborative input"));
  std::vector<float> vectors;
  int dim = 0;
  ENCORE_RETURN_IF_ERROR(ials->ItemVectors(&vectors, &dim));
  std::vector<uint8_t> present(static_cast<size_t>(train.n_items()), 0);
  const std::vector<idx_t> counts = train.ColumnCounts();
  for (size_t i = 0; i < present.size(); ++i) present[i] = counts[i] > 0 ? 1 : 0;
  vectors.resize(present.size() * static_cast<size_t>(dim), 0.0f);
  inputs->Set(Modality::kCollaborative, dim, std::move(vectors), std::move(present));
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Recommender>> FusionRecommender::Create(const ModelParams& params) {
  FusionRecommenderOptions o;
  fusion::FusionOptions& f = o.fusion;
  if (params.count("modalities")) o.modalities = params.at("modalities");
  ENCORE_RETURN_IF_ERROR(ParseModalities(o.modalities).status());
  ModelParams rest = params;
  rest.erase("modalities");
  ParamReader reader("fusion", rest);
  ENCORE_RETURN_IF_ERROR(reader.Choice("text_input", &o.text_input, {"terms", "projection"}));
  ENCORE_RETURN_IF_ERROR(reader.Int("text_dim", &o.text_dim, 1, 4096));
  ENCORE_RETURN_IF_ERROR(reader.Int("collaborative_factors", &o.collaborative_factors, 1, 1024));
  ENCORE_RETURN_IF_ERROR(reader.Float("half_life_items", &o.half_life_items, 0.0, 1e9));
  ENCORE_RETURN_IF_ERROR(reader.Bool("use_weights", &o.use_weights));
  ENCORE_RETURN_IF_ERROR(reader.Int("dim", &f.dim, 1, 4096));
  ENCORE_RETURN_IF_ERROR(reader.Int("hidden", &f.hidden, 1, 8192));
  ENCORE_RETURN_IF_ERROR(reader.Int("epochs", &f.epochs, 0, 100000));
  ENCORE_RETURN_IF_ERROR(reader.Int("batch_size", &f.batch_size, 2, 1 << 20));
  ENCORE_RETURN_IF_ERROR(reader.Float("learning_rate", &f.learning_rate, 1e-9, 10.0));
  ENCORE_RETURN_IF_ERROR(reader.Float("weight_decay", &f.weight_decay, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(reader.Float("temperature", &f.temperature, 1e-4, 100.0));
  ENCORE_RETURN_IF_ERROR(reader.Float("modality_dropout", &f.modality_dropout, 0.0, 0.99));
  ENCORE_RETURN_IF_ERROR(reader.Float("collaborative_dropout", &f.collaborative_dropout, 0.0, 1.0));
  ENCORE_RETURN_IF_ERROR(reader.Int("pairs_per_user", &f.pairs_per_user, 1, 1000000));
  ENCORE_RETURN_IF_ERROR(reader.Finish());
  ENCORE_RETURN_IF_ERROR(f.Validate());
  return std::unique_ptr<Recommender>(new FusionRecommender(std::move(o)));
}

ModelParams FusionRecommender::Params() const {
  const fusion::FusionOptions& f = options_.fusion;
  return {{"modalities", options_.modalities},
          {"text_input", options_.text_input},
          {"text_dim", std::to_string(options_.text_dim)},
          {"collaborative_factors", std::to_string(options_.collaborative_factors)},
          {"half_life_items", FormatDouble(options_.half_life_items)},
          {"use_weights", options_.use_weights ? "true" : "false"},
          {"dim", std::to_string(f.dim)},
          {"hidden", std::to_string(f.hidden)},
          {"epochs", std::to_string(f.epochs)},
          {"batch_size", std::to_string(f.batch_size)},
          {"learning_rate", FormatDouble(f.learning_rate)},
          {"weight_decay", FormatDouble(f.weight_decay)},
          {"temperature", FormatDouble(f.temperature)},
          {"modality_dropout", FormatDouble(f.modality_dropout)},
          {"collaborative_dropout", FormatDouble(f.collaborative_dropout)},
          {"pairs_per_user", std::to_string(f.pairs_per_user)}};
}

Status FusionRecommender::Fit(const TrainContext& ctx, const Interactions& train) {
  ENCORE_ASSIGN_OR_RETURN(const auto forced, ParseModalities(options_.modalities));
  const bool automatic = options_.modalities == "auto";
  auto wanted = [&](Modality m) { return automatic ? m != Modality::kCollaborative : forced[static_cast<size_t>(m)]; };
  fusion::ModalityInputs inputs(train.n_items());
  if (wanted(Modality::kText) && ctx.items != nullptr) {
    if (static_cast<idx_t>(ctx.items->size()) < train.n_items()) {
      return FailedPrecondition("fusion: item metadata covers " + std::to_string(ctx.items->size()) + " of " +
                                std::to_string(train.n_items()) + " items");
    }
    ENCORE_RETURN_IF_ERROR(SetTextInput(ctx, train, options_.text_input, options_.text_dim, &inputs));
  }
  if ((wanted(Modality::kAudio) || wanted(Modality::kVisual)) && ctx.item_analyses != nullptr) {
    fusion::SetMediaInputs(*ctx.item_analyses, wanted(Modality::kAudio), wanted(Modality::kVisual), &inputs);
  }
  if (wanted(Modality::kCollaborative)) {
    ENCORE_RETURN_IF_ERROR(SetCollaborativeInput(ctx, train, options_.collaborative_factors, &inputs));
  }
  static constexpr const char* kHowToGet[] = {
      "the items have no title, description, genres or tags (or the dataset was loaded without them)",
      "no item has a stored analysis with audio: run `encore analyze --db STORE` on items with media",
      "no item has a stored analysis with video shots: run `encore analyze --db STORE` on items with video",
      "there are no training interactions"};
  bool any = false;
  for (int m = 0; m < fusion::kModalities; ++m) {
    const bool have = inputs.dims[static_cast<size_t>(m)] > 0;
    if (!automatic && forced[static_cast<size_t>(m)] && !have) {
      return FailedPrecondition(std::string("fusion: modality '") + kModalityNames[m] + "' was asked for but " +
                                kHowToGet[m]);
    }
    used_[static_cast<size_t>(m)] = have;
    any = any || have;
  }
  if (!any) {
    return FailedPrecondition(
        "fusion: no item has any input: it needs item text (title, description, genres, tags) or stored media "
        "analyses (`encore analyze --db STORE`)");
  }
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<fusion::FusionModel> net,
                          fusion::FusionModel::Create(inputs.dims, options_.fusion, ctx.run.seed, inputs.sparse));
  // Pairs of items the same user liked: disliked or skipped items (negative weights) stay out.
  ENCORE_RETURN_IF_ERROR(net->Fit(inputs, train.PositiveOnly(), ctx.run));
  ENCORE_RETURN_IF_ERROR(net->Embed(inputs, &item_vectors_, &attention_));
  n_items_ = train.n_items();
  n_users_ = train.n_users();
  dim_ = net->dim();
  user_vectors_.assign(static_cast<size_t>(n_users_) * static_cast<size_t>(dim_), 0.0f);
  return ParallelFor(n_users_, ctx.run.threads, [&](idx_t begin, idx_t end, int) {
    std::vector<ItemIdx> items;
    std::vector<float> weights;
    for (idx_t u = begin; u < end; ++u) {
      TimeOrderedHistory(train, u, &items, &weights);
      const std::vector<float> p = Profile(items, weights);
      std::copy(p.begin(), p.end(), user_vectors_.begin() + static_cast<std::ptrdiff_t>(u * dim_));
    }
    return Status::Ok();
  });
}

std::vector<float> FusionRecommender::Profile(std::span<const ItemIdx> history,
                                              std::span<const float> weights) const {
  std::vector<double> acc(static_cast<size_t>(dim_), 0.0);
  const size_t n = history.size();
  for (size_t k = 0; k < n; ++k) {
    const ItemIdx item = history[k];
    const float w_in = weights.empty() ? 1.0f : weights[k];
    if (item < 0 || item >= n_items_ || !(w_in > 0)) continue;
    double w = RecencyWeight(static_cast<double>(n - 1 - k), options_.half_life_items);
    if (options_.use_weights) w *= w_in;
    const float* z = item_vectors_.data() + static_cast<size_t>(item) * static_cast<size_t>(dim_);
    for (int d = 0; d < dim_; ++d) acc[static_cast<size_t>(d)] += w * z[d];
  }
  double norm = 0;
  for (double x : acc) norm += x * x;
  std::vector<float> out(static_cast<size_t>(dim_), 0.0f);
  if (norm > 0) {
    const double inv = 1.0 / std::sqrt(norm);
    for (int d = 0; d < dim_; ++d) out[static_cast<size_t>(d)] = static_cast<float>(acc[static_cast<size_t>(d)] * inv);
  }
  return out;
}

void FusionRecommender::ScoreVector(const float* profile, std::span<const ItemIdx> items,
                                    std::span<float> scores) const {
  for (size_t j = 0; j < items.size(); ++j) {
    const float* z = item_vectors_.data() + static_cast<size_t>(items[j]) * static_cast<size_t>(dim_);
    float s = 0;
    for (int d = 0; d < dim_; ++d) s += profile[d] * z[d];
    scores[j] = s;
  }
}

Status FusionRecommender::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("fusion", user, n_users_));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("fusion", items, scores, n_items_));
  ScoreVector(user_vectors_.data() + static_cast<size_t>(user) * static_cast<size_t>(dim_), items, scores);
  return Status::Ok();
}

Status FusionRecommender::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("fusion", user, n_users_));
  std::vector<ItemIdx> all(static_cast<size_t>(n_items_));
  std::iota(all.begin(), all.end(), 0);
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("fusion", all, scores, n_items_));
  ScoreVector(user_vectors_.data() + static_cast<size_t>(user) * static_cast<size_t>(dim_), all, scores);
  return Status::Ok();
}

Status FusionRecommender::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                                       std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("fusion", history, weights, scores, n_items_));
  const std::vector<float> profile = Profile(history, weights);
  std::vector<ItemIdx> all(static_cast<size_t>(n_items_));
  std::iota(all.begin(), all.end(), 0);
  ScoreVector(profile.data(), all, scores);
  return Status::Ok();
}

Status FusionRecommender::ItemVectors(std::vector<float>* vectors, int* dim) const {
  *vectors = item_vectors_;
  *dim = dim_;
  return Status::Ok();
}

Status FusionRecommender::UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                                     std::vector<float>* out) const {
  if (user != kNoUser) {
    ENCORE_RETURN_IF_ERROR(CheckUser("fusion", user, n_users_));
    const auto begin = user_vectors_.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(user) * dim_);
    out->assign(begin, begin + dim_);
    return Status::Ok();
  }
  for (ItemIdx item : history) {
    if (item < 0 || item >= n_items_) return InvalidArgument("fusion: history item " + std::to_string(item) + " out of range");
  }
  if (!weights.empty() && weights.size() != history.size()) {
    return InvalidArgument("fusion: history and weights differ in length");
  }
  *out = Profile(history, weights);
  return Status::Ok();
}

Status FusionRecommender::SaveBody(BinaryWriter& out) const {
  out.Header(kFusionMagic, kFusionVersion);
  out.Pod<int64_t>(n_users_);
  out.Pod<int64_t>(n_items_);
  out.Pod<int32_t>(dim_);
  for (bool used : used_) out.Pod<uint8_t>(used ? 1 : 0);
  out.Vector(item_vectors_);
  out.Vector(user_vectors_);
  out.Vector(attention_);
  return Status::Ok();
}

Status FusionRecommender::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kFusionMagic, kFusionVersion));
  (void)version;
  int64_t n_users = 0, n_items = 0;
  int32_t dim = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_users));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  ENCORE_RETURN_IF_ERROR(in.Pod(&dim));
  for (bool& used : used_) {
    uint8_t u = 0;
    ENCORE_RETURN_IF_ERROR(in.Pod(&u));
    used = u != 0;
  }
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_vectors_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&user_vectors_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&attention_));
  if (n_users < 0 || n_items < 0 || dim < 1 ||
      item_vectors_.size() != static_cast<size_t>(n_items) * static_cast<size_t>(dim) ||
      user_vectors_.size() != static_cast<size_t>(n_users) * static_cast<size_t>(dim) ||
      attention_.size() != static_cast<size_t>(n_items) * fusion::kModalities) {
    return DataLoss("fusion: model file sizes do not agree (truncated or corrupt)");
  }
  n_users_ = n_users;
  n_items_ = n_items;
  dim_ = dim;
  return Status::Ok();
}

}  // namespace encore
