#include "models/hybrid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <numeric>
#include <random>
#include <unordered_map>

#include "content/text/item_text.h"
#include "core/progress.h"
#include "core/strings.h"
#include "models/user_history.h"

namespace encore {
namespace {

constexpr char kHybridMagic[] = "HYBR";
// 2: warm-item mask, content weight and the blended CF model after the factors.
// 3: a content-model flag before the factors, the content model after the CF model.
constexpr uint32_t kHybridVersion = 3;
constexpr char kCfPrefix[] = "cf.";
constexpr char kContentPrefix[] = "content.";
constexpr float kAdagradEps = 1e-6f;
constexpr float kWarpMargin = 1.0f;
constexpr float kInitScale = 0.1f;

// Item -> (feature, weight) lists, CSR.
struct FeatureMatrix {
  std::vector<idx_t> ptr{0};
  std::vector<int32_t> ids;
  std::vector<float> weights;
};

// Parameters of a set of embedding rows with per-row Adagrad state.
struct EmbeddingTable {
  int dim = 0;
  std::vector<float> rows;  // [n, dim]
  std::vector<float> bias;  // [n]
  std::vector<float> g2;    // [n] Adagrad accumulator of the row's mean squared gradient
  std::vector<float> bias_g2;
  void Init(idx_t n, int d, std::mt19937_64& rng) {
    dim = d;
    std::normal_distribution<float> normal(0.0f, kInitScale / std::sqrt(static_cast<float>(d)));
    rows.resize(static_cast<size_t>(n) * d);
    for (float& x : rows) x = normal(rng);
    bias.assign(n, 0.0f);
    g2.assign(n, 0.0f);
    bias_g2.assign(n, 0.0f);
  }
  float* Row(idx_t r) { return rows.data() + r * dim; }
};

}  // namespace

std::pair<std::string, ModelParams> Hybrid::ContentModelSpec(const HybridOptions& options) {
  if (options.content.find(',') == std::string::npos) return {options.content, options.content_params};
  ModelParams params = options.content_params;  // member parameters as "MODEL.KEY" (ensemble's syntax)
  params["models"] = options.content;
  return {"ensemble", params};
}

StatusOr<std::unique_ptr<Recommender>> Hybrid::Create(const ModelParams& params) {
  HybridOptions o;
  ModelParams own;
  const std::string cf_prefix = kCfPrefix, content_prefix = kContentPrefix;
  for (const auto& [key, value] : params) {
    if (key.starts_with(cf_prefix)) {
      o.cf_params[key.substr(cf_prefix.size())] = value;
    } else if (key.starts_with(content_prefix)) {
      o.content_params[key.substr(content_prefix.size())] = value;
    } else if (key != "content") {  // read below: a list, which ParamReader::Choice cannot check
      own[key] = value;
    }
  }
  ParamReader r("hybrid", own);
  ENCORE_RETURN_IF_ERROR(r.Int("factors", &o.factors, 1, 1024));
  ENCORE_RETURN_IF_ERROR(r.Int("epochs", &o.epochs, 1, 10000));
  ENCORE_RETURN_IF_ERROR(r.Float("learning_rate", &o.learning_rate, 1e-6, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Float("reg", &o.reg, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Choice("loss", &o.loss, {"warp", "bpr"}));
  ENCORE_RETURN_IF_ERROR(r.Int("max_negatives", &o.max_negatives, 1, 100000));
  ENCORE_RETURN_IF_ERROR(r.Int("min_feature_items", &o.min_feature_items, 1, 1000000));
  ENCORE_RETURN_IF_ERROR(r.Int("max_item_features", &o.max_item_features, 0, 100000));
  ENCORE_RETURN_IF_ERROR(r.Bool("use_ids", &o.use_ids));
  std::vector<std::string> cf_names = {"none", "auto"};
  for (const std::string& name : ModelNames()) {
    if (name != "hybrid") cf_names.push_back(name);
  }
  ENCORE_RETURN_IF_ERROR(r.Choice("cf", &o.cf, cf_names));
  ENCORE_RETURN_IF_ERROR(r.Float("content_weight", &o.content_weight, -1.0, 1.0));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  if (auto it = params.find("content"); it != params.end()) o.content = it->second;
  if (o.content == "features") {
    if (!o.content_params.empty()) {
      return InvalidArgument("hybrid: content.* parameters need a content model (content=content, content=fusion, "
                             "...), not content=features");
    }
  } else {
    const std::vector<std::string> registered = ModelNames();
    for (const std::string& name : SplitList(o.content)) {
      if (name == "hybrid" || std::find(registered.begin(), registered.end(), name) == registered.end()) {
        return InvalidArgument("hybrid: content='" + o.content +
                               "' must be features, or one or more registered models other than hybrid, "
                               "comma-separated (e.g. content,fusion)");
      }
    }
    const auto [name, content_params] = ContentModelSpec(o);
    auto probe = CreateModel(name, content_params);  // reject bad content.* parameters now, not at Fit
    if (!probe.ok()) return probe.status().WithContext("hybrid's content model");
  }
  if (o.content_weight < 0 && o.content_weight != -1.0) {
    return InvalidArgument("hybrid: content_weight must be in [0, 1], or -1 to learn it on validation data");
  }
  if (!o.cf_params.empty()) {
    if (o.cf == "none" || o.cf == "auto") {
      return InvalidArgument("hybrid: cf.* parameters need an explicit CF model (cf=ease, cf=ials, ...), not cf=" + o.cf);
    }
    auto probe = CreateModel(o.cf, o.cf_params);  // reject bad cf.* parameters now, not at Fit
    if (!probe.ok()) return probe.status().WithContext("hybrid's CF model");
  }
  return std::unique_ptr<Recommender>(new Hybrid(o));
}

ModelParams Hybrid::Params() const {
  ModelParams params = {{"factors", std::to_string(options_.factors)},
          {"epochs", std::to_string(options_.epochs)},
          {"learning_rate", std::to_string(options_.learning_rate)},
          {"reg", std::to_string(options_.reg)},
          {"loss", options_.loss},
          {"max_negatives", std::to_string(options_.max_negatives)},
          {"min_feature_items", std::to_string(options_.min_feature_items)},
          {"max_item_features", std::to_string(options_.max_item_features)},
          {"use_ids", options_.use_ids ? "true" : "false"}};
  params["cf"] = options_.cf;
  params["content"] = options_.content;
  for (const auto& [key, value] : options_.content_params) params[kContentPrefix + key] = value;
  params["content_weight"] = std::to_string(options_.content_weight);
  for (const auto& [key, value] : options_.cf_params) params[kCfPrefix + key] = value;
  return params;
}

Status Hybrid::Fit(const TrainContext& ctx, const Interactions& train_in) {
  const Interactions train = train_in.PositiveOnly();
  n_users_ = train.n_users();
  n_items_ = train.n_items();
  if (train.nnz() == 0) return InvalidArgument("hybrid: no positive interactions to train on");
  content_model_.reset();
  user_factors_.clear();
  item_factors_.clear();
  item_bias_.clear();
  n_content_features_ = 0;
  if (options_.content == "features") {
    ENCORE_RETURN_IF_ERROR(FitFeatures(ctx, train));
  } else {
    const auto [name, params] = ContentModelSpec(options_);
    ENCORE_ASSIGN_OR_RETURN(content_model_, CreateModel(name, params));
    ENCORE_RETURN_IF_ERROR(
        content_model_->Fit(ctx, train).WithContext("hybrid: fitting its content model '" + options_.content + "'"));
  }
  return FitBlend(ctx, train_in, train);
}

Status Hybrid::ContentScores(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                             std::span<float> scores) const {
  if (content_model_) {
    return user != kNoUser ? content_model_->ScoreAll(user, scores)
                           : content_model_->ScoreHistory(history, weights, scores);
  }
  std::vector<float> pu;
  ENCORE_RETURN_IF_ERROR(UserFactors(user, history, weights, &pu));
  FactorScores(pu.data(), scores);
  return Status::Ok();
}

Status Hybrid::FitFeatures(const TrainContext& ctx, const Interactions& train) {
  if (!ctx.items || static_cast<idx_t>(ctx.items->size()) < train.n_items()) {
    return FailedPrecondition("hybrid: needs item metadata for all " + std::to_string(train.n_items()) +
                              " items (TrainContext::items); without it use a pure CF model (e.g. ials)");
  }
  const int dim = options_.factors;

  // ---- features: ids [0, n_items) then content features ----
  ENCORE_ASSIGN_OR_RETURN(text::Tokenizer tokenizer, text::Tokenizer::Create());
  text::ItemTextOptions text_options;
  text_options.title_weight = 1;
  text_options.tag_weight = 0;  // tags and genres enter as whole labels only
  text_options.genre_weight = 0;
  text_options.field_features = true;
  std::vector<std::vector<std::string>> terms(n_items_);
  std::unordered_map<std::string, int32_t> item_count;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    std::vector<std::string> t = text::ItemTerms((*ctx.items)[item_idx], tokenizer, text_options);
    // Unique, first occurrence order (title words first, then tags by importance, genres).
    std::vector<std::string> unique;
    for (std::string& s : t) {
      if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(std::move(s));
    }
    for (const std::string& s : unique) ++item_count[s];
    terms[item_idx] = std::move(unique);
  }
  std::unordered_map<std::string, int32_t> feature_id;
  const std::vector<idx_t> item_degree = train.ColumnCounts();
  FeatureMatrix features;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    std::vector<int32_t> content;
    for (const std::string& s : terms[item_idx]) {
      if (item_count[s] < options_.min_feature_items) continue;
      if (static_cast<int>(content.size()) >= options_.max_item_features) break;
      auto [it, inserted] = feature_id.try_emplace(s, static_cast<int32_t>(feature_id.size()));
      content.push_back(static_cast<int32_t>(n_items_) + it->second);
    }
    if (options_.use_ids && item_degree[item_idx] > 0) {
      features.ids.push_back(static_cast<int32_t>(item_idx));
      features.weights.push_back(1.0f);
    }
    for (int32_t f : content) {
      features.ids.push_back(f);
      features.weights.push_back(1.0f / static_cast<float>(content.size()));
    }
    features.ptr.push_back(static_cast<idx_t>(features.ids.size()));
  }
  n_content_features_ = static_cast<int32_t>(feature_id.size());
  const idx_t n_features = n_items_ + n_content_features_;

  std::mt19937_64 rng(ctx.run.seed);
  EmbeddingTable users, items;
  users.Init(n_users_, dim, rng);
  items.Init(n_features, dim, rng);

  // ---- SGD ----
  std::vector<std::pair<UserIdx, ItemIdx>> pairs;
  pairs.reserve(train.nnz());
  for (idx_t user_idx = 0; user_idx < n_users_; ++user_idx) {
    for (ItemIdx item : train.Row(user_idx)) pairs.emplace_back(static_cast<UserIdx>(user_idx), item);
  }
  std::vector<float> vi(dim), vj(dim), grad_user(dim), pu_old(dim);
  const auto compose = [&](ItemIdx item, float* out, float* bias) {
    std::fill(out, out + dim, 0.0f);
    *bias = 0;
    for (idx_t k = features.ptr[item]; k < features.ptr[item + 1]; ++k) {
      const float w = features.weights[k];
      const float* row = items.Row(features.ids[k]);
      for (int d = 0; d < dim; ++d) out[d] += w * row[d];
      *bias += w * items.bias[features.ids[k]];
    }
  };
  const auto dot = [&](const float* a, const float* b) {
    float s = 0;
    for (int d = 0; d < dim; ++d) s += a[d] * b[d];
    return s;
  };
  const float lr = static_cast<float>(options_.learning_rate);
  const float reg = static_cast<float>(options_.reg);
  // d(loss)/d(score_item) = coef: applies to every feature row of `item`.
  const auto update_item = [&](ItemIdx item, float coef, const float* pu) {
    for (idx_t k = features.ptr[item]; k < features.ptr[item + 1]; ++k) {
      const int32_t f = features.ids[k];
      const float w = features.weights[k];
      float* row = items.Row(f);
      float g2 = 0;
      for (int d = 0; d < dim; ++d) {
        const float g = coef * w * pu[d] + reg * row[d];
        g2 += g * g;
      }
      items.g2[f] += g2 / dim;
      const float step = lr / std::sqrt(items.g2[f] + kAdagradEps);
      for (int d = 0; d < dim; ++d) row[d] -= step * (coef * w * pu[d] + reg * row[d]);
      const float gb = coef * w;
      items.bias_g2[f] += gb * gb;
      items.bias[f] -= lr / std::sqrt(items.bias_g2[f] + kAdagradEps) * gb;
    }
  };
  std::uniform_int_distribution<ItemIdx> random_item(0, static_cast<ItemIdx>(n_items_ - 1));
  const bool warp = options_.loss == "warp";
  Progress progress("hybrid", options_.epochs, ctx.run.progress);
  for (int epoch = 0; epoch < options_.epochs; ++epoch) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    for (const auto& [user, pos] : pairs) {
      float* pu = users.Row(user);
      float bi = 0, bj = 0;
      compose(pos, vi.data(), &bi);
      const float si = dot(pu, vi.data()) + bi;
      ItemIdx neg = kNoItem;
      float coef = 0;  // weight of the pair's gradient
      if (warp) {
        for (int tries = 1; tries <= options_.max_negatives; ++tries) {
          const ItemIdx j = random_item(rng);
          if (train.Contains(user, j)) continue;
          compose(j, vj.data(), &bj);
          const float sj = dot(pu, vj.data()) + bj;
          if (sj > si - kWarpMargin) {
            neg = j;
            const double rank = std::floor(static_cast<double>(n_items_ - 1) / tries);
            coef = static_cast<float>(std::log(std::max(1.0, rank)) + 1.0);
            break;
          }
        }
      } else {
        for (int tries = 0; tries < options_.max_negatives && neg == kNoItem; ++tries) {
          const ItemIdx j = random_item(rng);
          if (!train.Contains(user, j)) neg = j;
        }
        if (neg != kNoItem) {
          compose(neg, vj.data(), &bj);
          const float x = si - (dot(pu, vj.data()) + bj);
          coef = 1.0f / (1.0f + std::exp(std::clamp(x, -30.0f, 30.0f)));  // sigmoid(-x)
        }
      }
      if (neg == kNoItem || coef == 0) continue;
      // loss = coef * (s_j - s_i): gradients -coef for the positive, +coef for the negative.
      std::copy(pu, pu + dim, pu_old.begin());
      float g2 = 0;
      for (int d = 0; d < dim; ++d) {
        grad_user[d] = coef * (vj[d] - vi[d]) + reg * pu[d];
        g2 += grad_user[d] * grad_user[d];
      }
      users.g2[user] += g2 / dim;
      const float step = lr / std::sqrt(users.g2[user] + kAdagradEps);
      for (int d = 0; d < dim; ++d) pu[d] -= step * grad_user[d];
      update_item(pos, -coef, pu_old.data());
      update_item(neg, coef, pu_old.data());
    }
    progress.Advance();
  }
  progress.Finish();

  // ---- compose the final item vectors ----
  user_factors_ = std::move(users.rows);
  item_factors_.assign(static_cast<size_t>(n_items_) * dim, 0.0f);
  item_bias_.assign(n_items_, 0.0f);
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    compose(static_cast<ItemIdx>(item_idx), item_factors_.data() + item_idx * dim, &item_bias_[item_idx]);
  }
  for (float x : item_factors_) {
    if (!std::isfinite(x)) return Internal("hybrid: training diverged (non-finite factors); lower learning_rate");
  }
  return Status::Ok();
}

Status Hybrid::FitBlend(const TrainContext& ctx, const Interactions& train_in, const Interactions& train) {
  const std::vector<idx_t> item_degree = train.ColumnCounts();
  warm_.assign(n_items_, 0);
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) warm_[item_idx] = item_degree[item_idx] > 0 ? 1 : 0;
  cf_model_.reset();
  content_weight_ = 1.0;
  if (options_.cf == "none") return Status::Ok();
  // "auto" tries EASE then iALS; with validation data it keeps whichever blend
  // scores best there, without it the first that fits.
  std::vector<std::string> candidates = {options_.cf};
  if (options_.cf == "auto") {
    candidates = {"ials"};
    if (n_items_ <= kAutoEaseMaxItems) candidates.insert(candidates.begin(), "ease");
  }
  const bool learn = ctx.validation && ctx.validation->nnz() > 0;
  std::vector<double> grid(std::begin(kContentWeightGrid), std::end(kContentWeightGrid));
  if (options_.content_weight >= 0) grid = {options_.content_weight};
  double best_ndcg = -1;
  for (size_t c = 0; c < candidates.size(); ++c) {
    const std::string& name = candidates[c];
    ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Recommender> model,
                            CreateModel(name, options_.cf == "auto" ? ModelParams{} : options_.cf_params));
    Status fitted = model->Fit(ctx, train_in);
    if (fitted.code() == StatusCode::kResourceExhausted && c + 1 < candidates.size()) {
      continue;  // EASE's dense matrices do not fit: the factor model's memory is linear in items
    }
    if (!fitted.ok()) return fitted.WithContext("hybrid: fitting its CF model '" + name + "'");
    if (!learn) {
      cf_model_ = std::move(model);
      content_weight_ = options_.content_weight >= 0 ? options_.content_weight : kDefaultContentWeight;
      return Status::Ok();
    }
    ENCORE_ASSIGN_OR_RETURN(std::vector<double> ndcg, ValidationNdcg(*model, *ctx.validation, train, grid));
    if (ctx.run.verbose) {
      std::string line = "hybrid: cf " + name + ", validation ndcg@10 by content weight:";
      char cell[48];
      for (size_t g = 0; g < grid.size(); ++g) {
        std::snprintf(cell, sizeof(cell), " %.2f -> %.4f", grid[g], ndcg[g]);
        line += cell;
      }
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    bool better = false;
    for (size_t g = 0; g < grid.size(); ++g) {
      if (ndcg[g] > best_ndcg) {
        best_ndcg = ndcg[g];
        content_weight_ = grid[g];
        better = true;
      }
    }
    if (better) cf_model_ = std::move(model);
  }
  if (!cf_model_) return Internal("hybrid: no CF model was kept");
  if (ctx.run.verbose) {
    std::fprintf(stderr, "hybrid: kept cf %s, content weight %.2f\n", cf_model_->Name().c_str(), content_weight_);
  }
  return Status::Ok();
}

void Hybrid::FactorScores(const float* pu, std::span<float> scores) const {
  const int dim = options_.factors;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    const float* v = item_factors_.data() + item_idx * dim;
    float s = item_bias_[item_idx];
    for (int d = 0; d < dim; ++d) s += pu[d] * v[d];
    scores[item_idx] = s;
  }
}

void Hybrid::Blend(std::span<const float> cf, double weight, std::span<float> scores) const {
  // Least-squares line c ~ alpha + beta * l over the warm items, in double.
  double n = 0, sum_l = 0, sum_c = 0;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    if (!warm_[item_idx]) continue;
    n += 1;
    sum_l += scores[item_idx];
    sum_c += cf[item_idx];
  }
  if (n == 0) return;  // nothing to calibrate against: keep l
  const double mean_l = sum_l / n, mean_c = sum_c / n;
  double var_l = 0, var_c = 0, cov = 0;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    if (!warm_[item_idx]) continue;
    const double dl = scores[item_idx] - mean_l, dc = cf[item_idx] - mean_c;
    var_l += dl * dl;
    var_c += dc * dc;
    cov += dl * dc;
  }
  double beta = var_l > 0 ? cov / var_l : 0;
  // Content that does not agree with CF for this user still orders the cold items
  // (never reversed), on a tiny slope that keeps them at the CF mean.
  constexpr double kMinSlopeShare = 1e-3;
  const double min_beta = var_l > 0 && var_c > 0 ? kMinSlopeShare * std::sqrt(var_c / var_l) : kMinSlopeShare;
  if (!(beta >= min_beta)) beta = min_beta;
  const double alpha = mean_c - beta * mean_l;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    const double mapped = alpha + beta * scores[item_idx];
    scores[item_idx] = static_cast<float>(warm_[item_idx] ? (1 - weight) * cf[item_idx] + weight * mapped : mapped);
  }
}

StatusOr<std::vector<double>> Hybrid::ValidationNdcg(const Recommender& cf, const Interactions& valid,
                                                     const Interactions& train, std::span<const double> grid) const {
  // Binary relevance, training items excluded, at most kMaxUsers evenly spaced
  // validation users (deterministic without a generator).
  constexpr int kCutoff = 10;
  constexpr size_t kMaxUsers = 1000;
  std::vector<UserIdx> users;
  for (idx_t user_idx = 0; user_idx < std::min(valid.n_users(), n_users_); ++user_idx) {
    if (train.Row(user_idx).empty()) continue;
    bool any = false;
    for (float w : valid.RowWeights(user_idx)) any |= w > 0;
    if (any) users.push_back(static_cast<UserIdx>(user_idx));
  }
  if (users.size() > kMaxUsers) {
    std::vector<UserIdx> spaced(kMaxUsers);
    for (size_t k = 0; k < kMaxUsers; ++k) spaced[k] = users[k * users.size() / kMaxUsers];
    users = std::move(spaced);
  }
  std::vector<float> factor(n_items_), cf_scores(n_items_), blended(n_items_);
  std::vector<ItemIdx> order(n_items_), targets;
  std::vector<double> ndcg(grid.size(), 0.0);
  for (UserIdx user : users) {
    ENCORE_RETURN_IF_ERROR(ContentScores(user, {}, {}, factor));
    ENCORE_RETURN_IF_ERROR(cf.ScoreAll(user, cf_scores));
    targets.clear();
    const auto row = valid.Row(user);
    const auto weights = valid.RowWeights(user);
    for (size_t k = 0; k < row.size(); ++k) {
      if (weights[k] > 0 && row[k] < n_items_) targets.push_back(row[k]);
    }
    std::sort(targets.begin(), targets.end());
    double ideal = 0;
    for (int rank = 0; rank < std::min<int>(kCutoff, static_cast<int>(targets.size())); ++rank) {
      ideal += 1.0 / std::log2(rank + 2.0);
    }
    for (size_t g = 0; g < grid.size(); ++g) {
      std::copy(factor.begin(), factor.end(), blended.begin());
      Blend(cf_scores, grid[g], blended);
      for (ItemIdx seen : train.Row(user)) blended[seen] = -std::numeric_limits<float>::infinity();
      std::iota(order.begin(), order.end(), 0);
      const auto higher = [&](ItemIdx a, ItemIdx b) {
        return blended[a] > blended[b] || (blended[a] == blended[b] && a < b);
      };
      const auto top_end = order.begin() + std::min<idx_t>(kCutoff, n_items_);
      std::partial_sort(order.begin(), top_end, order.end(), higher);
      double dcg = 0;
      for (auto it = order.begin(); it != top_end; ++it) {
        if (std::binary_search(targets.begin(), targets.end(), *it)) dcg += 1.0 / std::log2((it - order.begin()) + 2.0);
      }
      ndcg[g] += dcg / ideal;
    }
  }
  for (double& x : ndcg) x /= std::max<size_t>(users.size(), 1);
  return ndcg;
}

Status Hybrid::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("hybrid", user, n_users_));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("hybrid", items, scores, n_items_));
  if (cf_model_) {
    // The blend calibrates over all warm items: score them all, then pick.
    std::vector<float> all(n_items_);
    ENCORE_RETURN_IF_ERROR(ScoreAll(user, all));
    for (size_t i = 0; i < items.size(); ++i) scores[i] = all[items[i]];
    return Status::Ok();
  }
  if (content_model_) return content_model_->Score(user, items, scores);
  const int dim = options_.factors;
  const float* pu = user_factors_.data() + static_cast<idx_t>(user) * dim;
  for (size_t i = 0; i < items.size(); ++i) {
    const float* v = item_factors_.data() + static_cast<idx_t>(items[i]) * dim;
    float s = item_bias_[items[i]];
    for (int d = 0; d < dim; ++d) s += pu[d] * v[d];
    scores[i] = s;
  }
  return Status::Ok();
}

Status Hybrid::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("hybrid", user, n_users_));
  if (static_cast<idx_t>(scores.size()) != n_items_) return InvalidArgument("hybrid: wrong scores size");
  ENCORE_RETURN_IF_ERROR(ContentScores(user, {}, {}, scores));
  if (!cf_model_) return Status::Ok();
  std::vector<float> cf(n_items_);
  ENCORE_RETURN_IF_ERROR(cf_model_->ScoreAll(user, cf));
  Blend(cf, content_weight_, scores);
  return Status::Ok();
}

Status Hybrid::UserFactors(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                           std::vector<float>* out) const {
  const int dim = options_.factors;
  out->assign(dim + 1, 0.0f);
  (*out)[dim] = 1.0f;
  if (user != kNoUser) {
    ENCORE_RETURN_IF_ERROR(CheckUser("hybrid", user, n_users_));
    std::copy_n(user_factors_.data() + static_cast<idx_t>(user) * dim, dim, out->begin());
    return Status::Ok();
  }
  // Fold-in: the mean vector of the history's items.
  std::vector<ItemIdx> items;
  std::vector<float> values;
  HistoryToSparse(history, weights, /*binary=*/true, &items, &values);
  for (ItemIdx item : items) {
    if (item < 0 || item >= n_items_) return InvalidArgument("hybrid: history item " + std::to_string(item) + " out of range");
    const float* v = item_factors_.data() + static_cast<idx_t>(item) * dim;
    for (int d = 0; d < dim; ++d) (*out)[d] += v[d] / static_cast<float>(items.size());
  }
  return Status::Ok();
}

Status Hybrid::UserVector(UserIdx user, std::span<const ItemIdx> history, std::span<const float> weights,
                          std::vector<float>* out) const {
  if (cf_model_) return NotInnerProduct();
  if (content_model_) return content_model_->UserVector(user, history, weights, out);
  return UserFactors(user, history, weights, out);
}

Status Hybrid::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                            std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("hybrid", history, weights, scores, n_items_));
  ENCORE_RETURN_IF_ERROR(ContentScores(kNoUser, history, weights, scores));
  if (!cf_model_) return Status::Ok();
  std::vector<float> cf(n_items_);
  ENCORE_RETURN_IF_ERROR(cf_model_->ScoreHistory(history, weights, cf));
  Blend(cf, content_weight_, scores);
  return Status::Ok();
}

Status Hybrid::Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const {
  if (cf_model_) return cf_model_->Explain(user, item, out);
  if (content_model_) return content_model_->Explain(user, item, out);
  return Recommender::Explain(user, item, out);
}

Status Hybrid::ItemVectors(std::vector<float>* vectors, int* dim) const {
  if (cf_model_) return NotInnerProduct();
  if (content_model_) return content_model_->ItemVectors(vectors, dim);
  const int f = options_.factors;
  vectors->resize(static_cast<size_t>(n_items_) * (f + 1));
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    std::copy_n(item_factors_.data() + item_idx * f, f, vectors->data() + item_idx * (f + 1));
    (*vectors)[item_idx * (f + 1) + f] = item_bias_[item_idx];
  }
  *dim = f + 1;
  return Status::Ok();
}

Status Hybrid::NotInnerProduct() const {
  return Unimplemented("hybrid: blended with the CF model '" + cf_model_->Name() +
                       "', its scores are not inner products of vectors (cf=none gives vectors)");
}

Status Hybrid::SaveBody(BinaryWriter& out) const {
  out.Header(kHybridMagic, kHybridVersion);
  out.Pod<int64_t>(n_users_);
  out.Pod<int64_t>(n_items_);
  out.Pod<int32_t>(options_.factors);
  out.Pod<int32_t>(n_content_features_);
  out.Pod<uint8_t>(content_model_ ? 1 : 0);
  out.Vector(user_factors_);
  out.Vector(item_factors_);
  out.Vector(item_bias_);
  out.Vector(warm_);
  out.Pod<double>(content_weight_);
  out.Pod<uint8_t>(cf_model_ ? 1 : 0);
  if (cf_model_) ENCORE_RETURN_IF_ERROR(WriteModel(*cf_model_, out));
  if (content_model_) ENCORE_RETURN_IF_ERROR(WriteModel(*content_model_, out));
  return Status::Ok();
}

Status Hybrid::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kHybridMagic, kHybridVersion));
  int64_t n_users = 0, n_items = 0;
  int32_t factors = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_users));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  ENCORE_RETURN_IF_ERROR(in.Pod(&factors));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_content_features_));
  uint8_t has_content = 0;
  if (version >= 3) {
    ENCORE_RETURN_IF_ERROR(in.Pod(&has_content));
  } else {
    options_.content = "features";  // files before format 3 hold the factorisation (their params name no content)
  }
  if (n_users < 0 || n_items < 0 || factors != options_.factors || has_content > 1 ||
      (has_content == 1) != (options_.content != "features")) {
    return DataLoss("hybrid: model file sizes disagree with its parameters (factors " + std::to_string(factors) + ")");
  }
  ENCORE_RETURN_IF_ERROR(in.Vector(&user_factors_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_factors_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_bias_));
  const size_t rows = has_content ? 0 : 1;  // a content model replaces the factorisation
  if (user_factors_.size() != rows * n_users * factors || item_factors_.size() != rows * n_items * factors ||
      item_bias_.size() != rows * n_items) {
    return DataLoss("hybrid: model file has inconsistent matrix sizes");
  }
  n_users_ = n_users;
  n_items_ = n_items;
  cf_model_.reset();
  content_model_.reset();
  if (version < 2) {  // factorisation only
    warm_.assign(n_items, 1);
    content_weight_ = 1.0;
    return Status::Ok();
  }
  ENCORE_RETURN_IF_ERROR(in.Vector(&warm_));
  ENCORE_RETURN_IF_ERROR(in.Pod(&content_weight_));
  uint8_t has_cf = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&has_cf));
  if (warm_.size() != static_cast<size_t>(n_items) || !(content_weight_ >= 0 && content_weight_ <= 1) || has_cf > 1) {
    return DataLoss("hybrid: model file has a corrupt blend section");
  }
  if (has_cf) {
    ENCORE_ASSIGN_OR_RETURN(cf_model_, ReadModel(in));
    if (cf_model_->n_users() != n_users || cf_model_->n_items() != n_items) {
      return DataLoss("hybrid: the embedded CF model's sizes disagree with the factorisation's");
    }
  }
  if (has_content) {
    ENCORE_ASSIGN_OR_RETURN(content_model_, ReadModel(in));
    if (content_model_->n_users() != n_users || content_model_->n_items() != n_items) {
      return DataLoss("hybrid: the embedded content model's sizes disagree with the hybrid's");
    }
  }
  return Status::Ok();
}

}  // namespace encore
