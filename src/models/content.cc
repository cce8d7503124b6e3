#include "models/content.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "content/text/item_text.h"
#include "core/parallel.h"
#include "models/user_history.h"

namespace encore {
namespace {

constexpr char kContentMagic[] = "CTNT";
constexpr uint32_t kContentVersion = 1;

}  // namespace

StatusOr<std::unique_ptr<Recommender>> ContentModel::Create(const ModelParams& params) {
  ContentOptions o;
  ParamReader r("content", params);
  ENCORE_RETURN_IF_ERROR(r.Float("half_life_items", &o.half_life_items, 0.0, 1e9));
  ENCORE_RETURN_IF_ERROR(r.Bool("use_weights", &o.use_weights));
  ENCORE_RETURN_IF_ERROR(r.Int("title_weight", &o.title_weight, 0, 100));
  ENCORE_RETURN_IF_ERROR(r.Int("min_term_items", &o.min_term_items, 1, 1000000));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new ContentModel(o));
}

ModelParams ContentModel::Params() const {
  return {{"half_life_items", std::to_string(options_.half_life_items)},
          {"use_weights", options_.use_weights ? "true" : "false"},
          {"title_weight", std::to_string(options_.title_weight)},
          {"min_term_items", std::to_string(options_.min_term_items)}};
}

Status ContentModel::Fit(const TrainContext& ctx, const Interactions& train) {
  if (!ctx.items || static_cast<idx_t>(ctx.items->size()) < train.n_items()) {
    return FailedPrecondition("content: needs item metadata for all " + std::to_string(train.n_items()) +
                              " items (TrainContext::items); load the dataset with items");
  }
  ENCORE_ASSIGN_OR_RETURN(text::Tokenizer tokenizer, text::Tokenizer::Create());
  text::ItemTextOptions text_options;
  text_options.title_weight = options_.title_weight;
  text_options.field_features = true;
  std::vector<std::vector<std::string>> docs(train.n_items());
  ENCORE_RETURN_IF_ERROR(ParallelFor(train.n_items(), ctx.run.threads, [&](idx_t begin, idx_t end, int) {
    for (idx_t item_idx = begin; item_idx < end; ++item_idx) {
      docs[item_idx] = text::ItemTerms((*ctx.items)[item_idx], tokenizer, text_options);
    }
    return Status::Ok();
  }));
  if (options_.min_term_items > 1) {
    const text::TextIndex counts = text::TextIndex::Build(docs);
    for (auto& doc : docs) {
      std::erase_if(doc, [&](const std::string& t) { return counts.DocFreq(counts.TermId(t)) < options_.min_term_items; });
    }
  }
  const text::TextIndex index = text::TextIndex::Build(docs);
  n_terms_ = index.n_terms();
  item_ptr_.assign(1, 0);
  item_terms_.clear();
  item_values_.clear();
  for (idx_t item_idx = 0; item_idx < train.n_items(); ++item_idx) {
    text::SparseVector v = index.DocTfIdf(item_idx);
    item_terms_.insert(item_terms_.end(), v.ids.begin(), v.ids.end());
    item_values_.insert(item_values_.end(), v.values.begin(), v.values.end());
    item_ptr_.push_back(static_cast<idx_t>(item_terms_.size()));
  }
  // Profiles: positive interactions in time order.
  std::vector<text::SparseVector> profiles(train.n_users());
  ENCORE_RETURN_IF_ERROR(ParallelFor(train.n_users(), ctx.run.threads, [&](idx_t begin, idx_t end, int) {
    std::vector<ItemIdx> items;
    std::vector<float> weights;
    for (idx_t user_idx = begin; user_idx < end; ++user_idx) {
      TimeOrderedHistory(train, user_idx, &items, &weights);
      profiles[user_idx] = Profile(items, weights);
    }
    return Status::Ok();
  }));
  user_ptr_.assign(1, 0);
  user_terms_.clear();
  user_values_.clear();
  for (const auto& p : profiles) {
    user_terms_.insert(user_terms_.end(), p.ids.begin(), p.ids.end());
    user_values_.insert(user_values_.end(), p.values.begin(), p.values.end());
    user_ptr_.push_back(static_cast<idx_t>(user_terms_.size()));
  }
  return Status::Ok();
}

text::SparseVector ContentModel::ItemVector(ItemIdx item) const {
  text::SparseVector v;
  v.ids.assign(item_terms_.begin() + item_ptr_[item], item_terms_.begin() + item_ptr_[item + 1]);
  v.values.assign(item_values_.begin() + item_ptr_[item], item_values_.begin() + item_ptr_[item + 1]);
  return v;
}

text::SparseVector ContentModel::Profile(std::span<const ItemIdx> history,
                                         std::span<const float> weights) const {
  // Dense accumulation over the terms the history touches, then sparsified.
  std::vector<std::pair<int32_t, float>> entries;
  const size_t n = history.size();
  for (size_t k = 0; k < n; ++k) {
    const ItemIdx item = history[k];
    const float w_in = weights.empty() ? 1.0f : weights[k];
    if (item < 0 || item >= n_items() || !(w_in > 0)) continue;
    const double age = static_cast<double>(n - 1 - k);  // 0 = most recent
    double w = RecencyWeight(age, options_.half_life_items);
    if (options_.use_weights) w *= w_in;
    for (idx_t e = item_ptr_[item]; e < item_ptr_[item + 1]; ++e) {
      entries.emplace_back(item_terms_[e], static_cast<float>(w * item_values_[e]));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  text::SparseVector profile;
  for (const auto& [term, value] : entries) {
    if (!profile.ids.empty() && profile.ids.back() == term) {
      profile.values.back() += value;
    } else {
      profile.ids.push_back(term);
      profile.values.push_back(value);
    }
  }
  text::NormalizeL2(&profile);
  return profile;
}

void ContentModel::ScoreProfile(const text::SparseVector& profile, std::span<const ItemIdx> items,
                                std::span<float> scores) const {
  std::vector<float> dense(n_terms_, 0.0f);  // profile scattered once per call
  for (size_t k = 0; k < profile.ids.size(); ++k) dense[profile.ids[k]] = profile.values[k];
  for (size_t i = 0; i < items.size(); ++i) {
    const ItemIdx item = items[i];
    float sum = 0;
    for (idx_t e = item_ptr_[item]; e < item_ptr_[item + 1]; ++e) sum += dense[item_terms_[e]] * item_values_[e];
    scores[i] = sum;
  }
}

Status ContentModel::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("content", user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("content", items, scores, n_items()));
  text::SparseVector profile;
  profile.ids.assign(user_terms_.begin() + user_ptr_[user], user_terms_.begin() + user_ptr_[user + 1]);
  profile.values.assign(user_values_.begin() + user_ptr_[user], user_values_.begin() + user_ptr_[user + 1]);
  ScoreProfile(profile, items, scores);
  return Status::Ok();
}

Status ContentModel::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                                  std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("content", history, weights, scores, n_items()));
  const text::SparseVector profile = Profile(history, weights);
  std::vector<ItemIdx> all(n_items());
  std::iota(all.begin(), all.end(), 0);
  ScoreProfile(profile, all, scores);
  return Status::Ok();
}

Status ContentModel::SaveBody(BinaryWriter& out) const {
  out.Header(kContentMagic, kContentVersion);
  out.Pod<int32_t>(n_terms_);
  out.Vector(item_ptr_);
  out.Vector(item_terms_);
  out.Vector(item_values_);
  out.Vector(user_ptr_);
  out.Vector(user_terms_);
  out.Vector(user_values_);
  return Status::Ok();
}

namespace {

Status CheckCsr(const std::vector<idx_t>& ptr, const std::vector<int32_t>& ids, const std::vector<float>& values,
                int32_t n_cols, const char* what) {
  if (ptr.empty() || ptr.front() != 0 || ids.size() != values.size() ||
      ptr.back() != static_cast<idx_t>(ids.size()) || !std::is_sorted(ptr.begin(), ptr.end())) {
    return DataLoss(std::string("content: corrupt ") + what + " matrix in model file");
  }
  for (int32_t id : ids) {
    if (id < 0 || id >= n_cols) return DataLoss(std::string("content: term id out of range in ") + what);
  }
  return Status::Ok();
}

}  // namespace

Status ContentModel::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kContentMagic, kContentVersion));
  (void)version;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_terms_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_ptr_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_terms_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&item_values_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&user_ptr_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&user_terms_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&user_values_));
  if (n_terms_ < 0) return DataLoss("content: negative term count");
  ENCORE_RETURN_IF_ERROR(CheckCsr(item_ptr_, item_terms_, item_values_, n_terms_, "item"));
  return CheckCsr(user_ptr_, user_terms_, user_values_, n_terms_, "user");
}

}  // namespace encore
