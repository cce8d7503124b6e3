#include "models/sequence_recommender.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <tuple>

#include "models/sequence_net.h"
#include "models/sequence_trainer.h"

namespace encore {
namespace {

constexpr uint32_t kBodyVersion = 1;

std::string ArchName(SequenceArch arch) { return arch == SequenceArch::kGru4rec ? "gru4rec" : "sasrec"; }

// Torch reports failures by exception; every public method converts them here.
template <typename Fn>
Status TorchBoundary(const std::string& model, const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const c10::Error& e) {
    return Internal(model + ": " + what + " failed in torch: " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return Internal(model + ": " + what + " failed: " + e.what());
  }
}

// Positive items of a row in time order (timestamp, then item index).
std::vector<ItemIdx> TimeOrderedPositives(const Interactions& m, idx_t row) {
  auto items = m.Row(row);
  auto weights = m.RowWeights(row);
  auto times = m.RowTimestamps(row);
  std::vector<std::pair<int64_t, ItemIdx>> events;
  for (size_t k = 0; k < items.size(); ++k) {
    if (weights[k] > 0) events.emplace_back(times[k], items[k]);
  }
  std::sort(events.begin(), events.end());
  std::vector<ItemIdx> out;
  out.reserve(events.size());
  for (const auto& e : events) out.push_back(e.second);
  return out;
}

// Genres and/or tags of the catalogue as a multi-hot CSR; features on fewer
// than `min_count` items are dropped. Feature ids follow the sorted names.
seq::ItemFeatures BuildFeatures(const std::vector<Item>& items, idx_t n_items, const std::string& which,
                                int min_count) {
  const bool genres = which == "genres" || which == "genres+tags";
  const bool tags = which == "tags" || which == "genres+tags";
  auto names_of = [&](idx_t item_idx) {
    std::vector<std::string> names;
    if (item_idx >= static_cast<idx_t>(items.size())) return names;
    const Item& item = items[item_idx];
    if (genres) for (const auto& g : item.genres) names.push_back("genre:" + g);
    if (tags) for (const auto& t : item.tags) names.push_back("tag:" + t);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  };
  std::map<std::string, int64_t> counts;
  for (idx_t item_idx = 0; item_idx < n_items; ++item_idx) {
    for (const auto& n : names_of(item_idx)) ++counts[n];
  }
  std::map<std::string, int64_t> ids;
  for (const auto& [name, count] : counts) {
    if (count >= min_count) ids.emplace(name, static_cast<int64_t>(ids.size()));
  }
  seq::ItemFeatures f;
  f.n_features = static_cast<int64_t>(ids.size());
  for (idx_t item_idx = 0; item_idx < n_items; ++item_idx) {
    for (const auto& n : names_of(item_idx)) {
      auto it = ids.find(n);
      if (it != ids.end()) f.ids.push_back(it->second);
    }
    f.offsets.push_back(static_cast<int64_t>(f.ids.size()));
  }
  return f;
}

std::vector<int64_t> ToTokens(std::span<const ItemIdx> items) {
  std::vector<int64_t> tokens(items.size());
  for (size_t i = 0; i < items.size(); ++i) tokens[i] = static_cast<int64_t>(items[i]) + 1;
  return tokens;
}

}  // namespace

struct SequenceRecommender::Impl {
  seq::ItemFeatures features;
  std::shared_ptr<seq::SequenceNet> net;
  torch::Tensor table;  // [n_items + 1, hidden], cached for serving

  void CacheTable() {
    torch::NoGradGuard no_grad;
    net->eval();
    table = net->ItemTable().detach().contiguous();
  }
  // Next-item logits after each (non-empty) token sequence: [B, n_items].
  torch::Tensor NextLogits(const std::vector<std::vector<int64_t>>& sequences, int max_len) const {
    torch::Tensor ids = seq::PackLastTokens(sequences, max_len);
    torch::Tensor h = net->Encode(ids, table);  // [B, T, D]
    std::vector<int64_t> last(sequences.size());
    bool all_full = true;
    for (size_t row = 0; row < sequences.size(); ++row) {
      last[row] = std::min<int64_t>(sequences[row].size(), max_len) - 1;
      all_full = all_full && last[row] == h.size(1) - 1;
    }
    torch::Tensor final_h =
        all_full ? h.select(1, h.size(1) - 1)
                 : h.index({torch::arange(h.size(0), torch::kInt64), torch::tensor(last, torch::kInt64)});  // [B, D]
    return seq::SequenceNet::Logits(final_h, table);
  }
};

SequenceRecommender::SequenceRecommender(SequenceOptions options) : options_(std::move(options)) {}
SequenceRecommender::~SequenceRecommender() = default;

Status SequenceRecommender::ParseOptions(const std::string& model, const ModelParams& params,
                                         SequenceOptions* o) {
  ParamReader r(model, params);
  ENCORE_RETURN_IF_ERROR(r.Int("max_len", &o->max_len, 1, 4096));
  ENCORE_RETURN_IF_ERROR(r.Int("hidden", &o->hidden, 1, 4096));
  if (o->arch == SequenceArch::kGru4rec) {
    ENCORE_RETURN_IF_ERROR(r.Int("layers", &o->blocks, 1, 16));
  } else {
    ENCORE_RETURN_IF_ERROR(r.Int("blocks", &o->blocks, 0, 64));
    ENCORE_RETURN_IF_ERROR(r.Int("heads", &o->heads, 1, 64));
  }
  ENCORE_RETURN_IF_ERROR(r.Float("dropout", &o->dropout, 0.0f, 0.95f));
  ENCORE_RETURN_IF_ERROR(r.Int("epochs", &o->epochs, 1, 100000));
  ENCORE_RETURN_IF_ERROR(r.Int("batch_size", &o->batch_size, 1, 1 << 20));
  ENCORE_RETURN_IF_ERROR(r.Float("lr", &o->lr, 1e-7, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Int("warmup_steps", &o->warmup_steps, 0, 1 << 24));
  ENCORE_RETURN_IF_ERROR(r.Float("clip_norm", &o->clip_norm, 0.0, 1e6));
  ENCORE_RETURN_IF_ERROR(r.Float("weight_decay", &o->weight_decay, 0.0, 10.0));
  ENCORE_RETURN_IF_ERROR(r.Choice("loss", &o->loss, {"full", "sampled"}));
  ENCORE_RETURN_IF_ERROR(r.Int("negatives", &o->negatives, 1, 1 << 20));
  ENCORE_RETURN_IF_ERROR(r.Choice("windows", &o->windows, {"last", "all"}));
  ENCORE_RETURN_IF_ERROR(r.Bool("length_buckets", &o->length_buckets));
  ENCORE_RETURN_IF_ERROR(r.Choice("holdout", &o->holdout, {"last", "none"}));
  ENCORE_RETURN_IF_ERROR(r.Int("patience", &o->patience, 1, 100000));
  ENCORE_RETURN_IF_ERROR(r.Int("eval_every", &o->eval_every, 1, 100000));
  ENCORE_RETURN_IF_ERROR(r.Choice("features", &o->features, {"none", "genres", "tags", "genres+tags"}));
  ENCORE_RETURN_IF_ERROR(r.Int("min_feature_count", &o->min_feature_count, 1, 1 << 30));
  ENCORE_RETURN_IF_ERROR(r.Choice("decode", &o->decode, {"score", "beam"}));
  ENCORE_RETURN_IF_ERROR(r.Int("beam_width", &o->beam_width, 1, 1024));
  ENCORE_RETURN_IF_ERROR(r.Int("slate", &o->slate, 1, 1000));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  if (o->hidden % o->heads != 0) {
    return InvalidArgument(model + ": hidden (" + std::to_string(o->hidden) + ") must be divisible by heads (" +
                           std::to_string(o->heads) + ")");
  }
  return Status::Ok();
}

ModelParams SequenceRecommender::Params() const {
  const SequenceOptions& o = options_;
  ModelParams p = {
      {"max_len", std::to_string(o.max_len)},
      {"hidden", std::to_string(o.hidden)},
      {"dropout", std::to_string(o.dropout)},
      {"epochs", std::to_string(o.epochs)},
      {"batch_size", std::to_string(o.batch_size)},
      {"lr", std::to_string(o.lr)},
      {"warmup_steps", std::to_string(o.warmup_steps)},
      {"clip_norm", std::to_string(o.clip_norm)},
      {"weight_decay", std::to_string(o.weight_decay)},
      {"loss", o.loss},
      {"negatives", std::to_string(o.negatives)},
      {"windows", o.windows},
      {"length_buckets", o.length_buckets ? "true" : "false"},
      {"holdout", o.holdout},
      {"patience", std::to_string(o.patience)},
      {"eval_every", std::to_string(o.eval_every)},
      {"features", o.features},
      {"min_feature_count", std::to_string(o.min_feature_count)},
      {"decode", o.decode},
      {"beam_width", std::to_string(o.beam_width)},
      {"slate", std::to_string(o.slate)},
  };
  if (o.arch == SequenceArch::kGru4rec) {
    p["layers"] = std::to_string(o.blocks);
  } else {
    p["blocks"] = std::to_string(o.blocks);
    p["heads"] = std::to_string(o.heads);
  }
  return p;
}

Status SequenceRecommender::CheckFitted() const {
  if (!impl_ || !impl_->net) return FailedPrecondition(ArchName(options_.arch) + ": model is not trained or loaded");
  return Status::Ok();
}

Status SequenceRecommender::Fit(const TrainContext& ctx, const Interactions& train) {
  const std::string name = ArchName(options_.arch);
  if (train.n_items() <= 0 || train.n_users() <= 0) return InvalidArgument(name + ": empty training matrix");
  if (ctx.validation != nullptr &&
      (ctx.validation->n_users() != train.n_users() || ctx.validation->n_items() != train.n_items())) {
    return InvalidArgument(name + ": validation matrix is " + std::to_string(ctx.validation->n_users()) + " x " +
                           std::to_string(ctx.validation->n_items()) + " but training is " +
                           std::to_string(train.n_users()) + " x " + std::to_string(train.n_items()));
  }
  return TorchBoundary(name, "training", [&]() -> Status {
    const auto start = std::chrono::steady_clock::now();
    at::set_num_threads(std::max(1, ctx.run.threads));
    torch::manual_seed(ctx.run.seed);

    seq::TrainData data;
    data.sequences.resize(train.n_users());
    std::vector<std::vector<ItemIdx>> serving(train.n_users());
    for (idx_t user_idx = 0; user_idx < train.n_users(); ++user_idx) {
      serving[user_idx] = TimeOrderedPositives(train, user_idx);
      data.sequences[user_idx] = ToTokens(serving[user_idx]);
    }
    if (ctx.validation != nullptr) {
      data.val_targets.assign(train.n_users(), 0);
      for (idx_t user_idx = 0; user_idx < train.n_users(); ++user_idx) {
        std::vector<ItemIdx> later = TimeOrderedPositives(*ctx.validation, user_idx);
        if (later.empty()) continue;
        data.val_targets[user_idx] = static_cast<int64_t>(later.front()) + 1;
        serving[user_idx].insert(serving[user_idx].end(), later.begin(), later.end());
      }
    } else if (options_.holdout == "last") {
      constexpr size_t kMinItemsForHoldout = 3;  // two left to train on
      data.val_targets.assign(train.n_users(), 0);
      for (auto& s : data.sequences) {
        if (s.size() < kMinItemsForHoldout) continue;
        data.val_targets[&s - data.sequences.data()] = s.back();
        s.pop_back();
      }
    }

    auto impl = std::make_unique<Impl>();
    if (options_.features != "none" && ctx.items != nullptr) {
      impl->features = BuildFeatures(*ctx.items, train.n_items(), options_.features, options_.min_feature_count);
    } else {
      impl->features.offsets.assign(train.n_items() + 1, 0);
    }
    impl->net = seq::MakeSequenceNet(options_, train.n_items(), impl->features);
    SequenceTrainReport report;
    ENCORE_RETURN_IF_ERROR(seq::TrainSequenceNet(*impl->net, data, options_, ctx.run, name, &report));
    impl->CacheTable();

    n_users_ = train.n_users();
    n_items_ = train.n_items();
    seq_indptr_.assign(1, 0);
    seq_items_.clear();
    for (const auto& s : serving) {
      seq_items_.insert(seq_items_.end(), s.begin(), s.end());
      seq_indptr_.push_back(static_cast<idx_t>(seq_items_.size()));
    }
    popularity_.assign(n_items_, 0.0f);
    for (ItemIdx item : seq_items_) popularity_[item] += 1.0f;
    impl_ = std::move(impl);
    report.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report_ = std::move(report);
    return Status::Ok();
  });
}

std::span<const ItemIdx> SequenceRecommender::UserSequence(UserIdx user) const {
  if (user < 0 || user >= n_users_) return {};
  return {seq_items_.data() + seq_indptr_[user], static_cast<size_t>(seq_indptr_[user + 1] - seq_indptr_[user])};
}

Status SequenceRecommender::ScoreSequence(std::span<const ItemIdx> sequence, std::span<float> scores) const {
  const std::string name = ArchName(options_.arch);
  if (static_cast<idx_t>(scores.size()) != n_items_) {
    return InvalidArgument(name + ": scores has " + std::to_string(scores.size()) + " slots but the model has " +
                           std::to_string(n_items_) + " items");
  }
  if (sequence.empty()) {
    std::copy(popularity_.begin(), popularity_.end(), scores.begin());
    return Status::Ok();
  }
  ENCORE_RETURN_IF_ERROR(TorchBoundary(name, "scoring", [&]() -> Status {
    c10::InferenceMode guard;
    torch::Tensor logits = impl_->NextLogits({ToTokens(sequence)}, options_.max_len).contiguous();  // [1, n_items]
    const float* data = logits.data_ptr<float>();
    std::copy(data, data + n_items_, scores.begin());
    return Status::Ok();
  }));
  if (options_.decode == "beam") {
    std::vector<SlateItem> slate;
    ENCORE_RETURN_IF_ERROR(GenerateSlate(sequence, options_.slate, options_.beam_width, &slate));
    float top = -std::numeric_limits<float>::infinity();
    for (float s : scores) top = std::max(top, s);
    // The generated slate, in order, above every other item.
    for (size_t rank = 0; rank < slate.size(); ++rank) {
      scores[slate[rank].item] = top + static_cast<float>(slate.size() - rank);
    }
  }
  return Status::Ok();
}

Status SequenceRecommender::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  const std::string name = ArchName(options_.arch);
  ENCORE_RETURN_IF_ERROR(CheckFitted());
  if (items.size() != scores.size()) return InvalidArgument(name + ": items and scores differ in size");
  if (user < 0 || user >= n_users_) {
    return InvalidArgument(name + ": user index " + std::to_string(user) +
                           " was not in training (use ScoreHistory for new users)");
  }
  for (ItemIdx item : items) {
    if (item < 0 || item >= n_items_) return InvalidArgument(name + ": item index " + std::to_string(item) + " out of range");
  }
  std::vector<float> all(n_items_);
  ENCORE_RETURN_IF_ERROR(ScoreSequence(UserSequence(user), all));
  for (size_t i = 0; i < items.size(); ++i) scores[i] = all[items[i]];
  return Status::Ok();
}

Status SequenceRecommender::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckFitted());
  if (user < 0 || user >= n_users_) {
    return InvalidArgument(ArchName(options_.arch) + ": user index " + std::to_string(user) +
                           " was not in training (use ScoreHistory for new users)");
  }
  return ScoreSequence(UserSequence(user), scores);
}

Status SequenceRecommender::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                                         std::span<float> scores) const {
  const std::string name = ArchName(options_.arch);
  ENCORE_RETURN_IF_ERROR(CheckFitted());
  if (!weights.empty() && weights.size() != history.size()) {
    return InvalidArgument(name + ": history has " + std::to_string(history.size()) + " items but " +
                           std::to_string(weights.size()) + " weights");
  }
  std::vector<ItemIdx> sequence;
  sequence.reserve(history.size());
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i] < 0 || history[i] >= n_items_) {
      return InvalidArgument(name + ": history item index " + std::to_string(history[i]) + " out of range");
    }
    if (weights.empty() || weights[i] > 0) sequence.push_back(history[i]);  // negatives are not "next items"
  }
  return ScoreSequence(sequence, scores);
}

Status SequenceRecommender::ScoreHistories(std::span<const std::vector<ItemIdx>> histories,
                                           std::span<float> scores) const {
  const std::string name = ArchName(options_.arch);
  ENCORE_RETURN_IF_ERROR(CheckFitted());
  if (static_cast<idx_t>(scores.size()) != static_cast<idx_t>(histories.size()) * n_items_) {
    return InvalidArgument(name + ": scores must hold histories.size() x n_items floats");
  }
  std::vector<std::vector<int64_t>> sequences;
  for (const auto& h : histories) {
    if (h.empty()) return InvalidArgument(name + ": ScoreHistories needs non-empty histories");
    for (ItemIdx item : h) {
      if (item < 0 || item >= n_items_) return InvalidArgument(name + ": history item index " + std::to_string(item) + " out of range");
    }
    sequences.push_back(ToTokens(h));
  }
  if (sequences.empty()) return Status::Ok();
  return TorchBoundary(name, "scoring", [&]() -> Status {
    c10::InferenceMode guard;
    torch::Tensor logits = impl_->NextLogits(sequences, options_.max_len).contiguous();  // [B, n_items]
    std::copy(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel(), scores.begin());
    return Status::Ok();
  });
}

Status SequenceRecommender::GenerateSlate(std::span<const ItemIdx> history, int slate, int beam_width,
                                          std::vector<SlateItem>* out) const {
  const std::string name = ArchName(options_.arch);
  ENCORE_RETURN_IF_ERROR(CheckFitted());
  if (slate < 0 || beam_width < 1) return InvalidArgument(name + ": slate must be >= 0 and beam_width >= 1");
  std::vector<bool> excluded(n_items_, false);
  for (ItemIdx item : history) {
    if (item < 0 || item >= n_items_) return InvalidArgument(name + ": history item index " + std::to_string(item) + " out of range");
    excluded[item] = true;
  }
  out->clear();
  if (history.empty()) {
    // Nothing to condition on: the most popular items.
    std::vector<ItemIdx> order(n_items_);
    std::iota(order.begin(), order.end(), 0);
    const size_t n = std::min<size_t>(slate, order.size());
    std::partial_sort(order.begin(), order.begin() + n, order.end(),
                      [&](ItemIdx a, ItemIdx b) { return popularity_[a] > popularity_[b]; });
    for (size_t i = 0; i < n; ++i) out->push_back({order[i], 0.0f});
    return Status::Ok();
  }
  return TorchBoundary(name, "beam search", [&]() -> Status {
    c10::InferenceMode guard;
    struct Hypothesis {
      std::vector<ItemIdx> items;
      std::vector<float> step_log_probs;
      double log_prob = 0;
    };
    const std::vector<int64_t> prefix = ToTokens(history);
    std::vector<Hypothesis> beams(1);
    for (int step = 0; step < slate; ++step) {
      std::vector<std::vector<int64_t>> sequences;
      for (const Hypothesis& h : beams) {
        std::vector<int64_t> s = prefix;
        for (ItemIdx item : h.items) s.push_back(static_cast<int64_t>(item) + 1);
        sequences.push_back(std::move(s));
      }
      // log_probs: [beams, n_items]
      torch::Tensor log_probs = torch::log_softmax(impl_->NextLogits(sequences, options_.max_len), -1).contiguous();
      const float* lp = log_probs.data_ptr<float>();
      // (total log-prob, beam, item): the best `beam_width` continuations of each beam.
      std::vector<std::tuple<double, size_t, ItemIdx>> candidates;
      std::vector<ItemIdx> order;
      for (size_t beam_idx = 0; beam_idx < beams.size(); ++beam_idx) {
        const Hypothesis& h = beams[beam_idx];
        const float* row = lp + beam_idx * n_items_;
        order.clear();
        for (ItemIdx item_idx = 0; item_idx < n_items_; ++item_idx) {
          if (!excluded[item_idx] && std::find(h.items.begin(), h.items.end(), item_idx) == h.items.end()) {
            order.push_back(item_idx);
          }
        }
        const size_t keep = std::min<size_t>(beam_width, order.size());
        std::partial_sort(order.begin(), order.begin() + keep, order.end(), [&](ItemIdx a, ItemIdx b) {
          return row[a] != row[b] ? row[a] > row[b] : a < b;
        });
        for (size_t i = 0; i < keep; ++i) candidates.emplace_back(h.log_prob + row[order[i]], beam_idx, order[i]);
      }
      if (candidates.empty()) break;
      const size_t keep = std::min<size_t>(beam_width, candidates.size());
      std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(), [](const auto& a, const auto& b) {
        if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) > std::get<0>(b);
        return std::make_pair(std::get<1>(a), std::get<2>(a)) < std::make_pair(std::get<1>(b), std::get<2>(b));
      });
      std::vector<Hypothesis> next;
      for (size_t i = 0; i < keep; ++i) {
        const auto& [total, beam_idx, item] = candidates[i];
        Hypothesis h = beams[beam_idx];
        h.items.push_back(item);
        h.step_log_probs.push_back(static_cast<float>(total - h.log_prob));
        h.log_prob = total;
        next.push_back(std::move(h));
      }
      beams = std::move(next);
    }
    const Hypothesis& best = beams.front();
    for (size_t i = 0; i < best.items.size(); ++i) out->push_back({best.items[i], best.step_log_probs[i]});
    return Status::Ok();
  });
}

Status SequenceRecommender::SaveBody(BinaryWriter& out) const {
  const std::string name = ArchName(options_.arch);
  ENCORE_RETURN_IF_ERROR(CheckFitted());
  return TorchBoundary(name, "saving", [&]() -> Status {
    out.Pod<uint32_t>(kBodyVersion);
    out.Pod<int64_t>(n_users_);
    out.Pod<int64_t>(n_items_);
    out.Vector(seq_indptr_);
    out.Vector(seq_items_);
    out.Vector(popularity_);
    out.Pod<int64_t>(impl_->features.n_features);
    out.Vector(impl_->features.offsets);
    out.Vector(impl_->features.ids);
    // The network (best weights) as a torch archive.
    std::ostringstream bytes;
    torch::serialize::OutputArchive archive;
    impl_->net->save(archive);
    archive.save_to(bytes);
    out.String(bytes.str());
    return Status::Ok();
  });
}

Status SequenceRecommender::LoadBody(BinaryReader& in) {
  const std::string name = ArchName(options_.arch);
  uint32_t version = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&version));
  if (version == 0 || version > kBodyVersion) {
    return DataLoss(name + ": model body version " + std::to_string(version) + " is not supported (max " +
                    std::to_string(kBodyVersion) + "); retrain the model");
  }
  int64_t n_users = 0, n_items = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_users));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  if (n_users < 0 || n_items <= 0 || n_users > kMaxEntities || n_items > kMaxEntities) {
    return DataLoss(name + ": corrupt user/item counts");
  }
  std::vector<idx_t> indptr;
  std::vector<ItemIdx> items;
  std::vector<float> popularity;
  ENCORE_RETURN_IF_ERROR(in.Vector(&indptr));
  ENCORE_RETURN_IF_ERROR(in.Vector(&items));
  ENCORE_RETURN_IF_ERROR(in.Vector(&popularity));
  if (static_cast<int64_t>(indptr.size()) != n_users + 1 || indptr.front() != 0 ||
      indptr.back() != static_cast<idx_t>(items.size()) || !std::is_sorted(indptr.begin(), indptr.end()) ||
      static_cast<int64_t>(popularity.size()) != n_items) {
    return DataLoss(name + ": corrupt user sequences");
  }
  for (ItemIdx item : items) {
    if (item < 0 || item >= n_items) return DataLoss(name + ": sequence item out of range");
  }
  auto impl = std::make_unique<Impl>();
  seq::ItemFeatures& f = impl->features;
  ENCORE_RETURN_IF_ERROR(in.Pod(&f.n_features));
  ENCORE_RETURN_IF_ERROR(in.Vector(&f.offsets));
  ENCORE_RETURN_IF_ERROR(in.Vector(&f.ids));
  if (f.n_features < 0 || static_cast<int64_t>(f.offsets.size()) != n_items + 1 || f.offsets.front() != 0 ||
      f.offsets.back() != static_cast<int64_t>(f.ids.size()) || !std::is_sorted(f.offsets.begin(), f.offsets.end())) {
    return DataLoss(name + ": corrupt item features");
  }
  for (int64_t id : f.ids) {
    if (id < 0 || id >= f.n_features) return DataLoss(name + ": item feature out of range");
  }
  std::string bytes;
  ENCORE_RETURN_IF_ERROR(in.String(&bytes));
  try {
    impl->net = seq::MakeSequenceNet(options_, n_items, f);
    std::istringstream stream(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(stream);
    impl->net->load(archive);
    impl->CacheTable();
  } catch (const c10::Error& e) {
    return DataLoss(name + ": the network weights do not load (" + e.what_without_backtrace() +
                    "); the file is corrupt or was written with other hidden/blocks/max_len");
  }
  n_users_ = n_users;
  n_items_ = n_items;
  seq_indptr_ = std::move(indptr);
  seq_items_ = std::move(items);
  popularity_ = std::move(popularity);
  report_ = SequenceTrainReport{};
  impl_ = std::move(impl);
  return Status::Ok();
}

}  // namespace encore
