#include "models/user_history.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace encore {

void TimeOrderedHistory(const Interactions& train, idx_t user, std::vector<ItemIdx>* items,
                        std::vector<float>* weights) {
  const auto row = train.Row(user);
  const auto row_w = train.RowWeights(user);
  const auto row_t = train.RowTimestamps(user);
  std::vector<size_t> order;
  for (size_t k = 0; k < row.size(); ++k) {
    if (row_w[k] > 0) order.push_back(k);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return row_t[a] < row_t[b]; });
  items->clear();
  weights->clear();
  for (size_t k : order) {
    items->push_back(row[k]);
    weights->push_back(row_w[k]);
  }
}

double RecencyWeight(double age, double half_life) { return half_life > 0 ? std::exp2(-age / half_life) : 1.0; }

UserHistory UserHistory::FromInteractions(const Interactions& train, bool binary) {
  UserHistory h;
  h.indptr_.assign(train.n_users() + 1, 0);
  h.items_.reserve(train.nnz());
  h.weights_.reserve(train.nnz());
  for (idx_t user_idx = 0; user_idx < train.n_users(); ++user_idx) {
    auto items = train.Row(user_idx);
    auto weights = train.RowWeights(user_idx);
    for (size_t k = 0; k < items.size(); ++k) {
      if (weights[k] <= 0) continue;
      h.items_.push_back(items[k]);
      h.weights_.push_back(binary ? 1.0f : weights[k]);
    }
    h.indptr_[user_idx + 1] = static_cast<idx_t>(h.items_.size());
  }
  return h;
}

float UserHistory::Weight(idx_t user, ItemIdx item) const {
  auto items = Items(user);
  auto it = std::lower_bound(items.begin(), items.end(), item);
  if (it == items.end() || *it != item) return 0;
  return Weights(user)[it - items.begin()];
}

void UserHistory::Save(BinaryWriter& out) const {
  out.Vector(indptr_);
  out.Vector(items_);
  out.Vector(weights_);
}

Status UserHistory::Load(BinaryReader& in, idx_t n_items) {
  ENCORE_RETURN_IF_ERROR(in.Vector(&indptr_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&items_));
  ENCORE_RETURN_IF_ERROR(in.Vector(&weights_));
  if (indptr_.empty() || indptr_.front() != 0 || indptr_.back() != static_cast<idx_t>(items_.size()) ||
      items_.size() != weights_.size()) {
    return DataLoss(in.name() + ": corrupt user history table");
  }
  for (size_t r = 0; r + 1 < indptr_.size(); ++r) {
    if (indptr_[r] > indptr_[r + 1]) return DataLoss(in.name() + ": corrupt user history offsets");
  }
  for (ItemIdx item : items_) {
    if (item < 0 || item >= n_items) return DataLoss(in.name() + ": user history item index out of range");
  }
  return Status::Ok();
}

void HistoryToSparse(std::span<const ItemIdx> history, std::span<const float> weights, bool binary,
                     std::vector<ItemIdx>* items, std::vector<float>* values) {
  std::vector<std::pair<ItemIdx, float>> pairs;
  pairs.reserve(history.size());
  for (size_t k = 0; k < history.size(); ++k) {
    pairs.emplace_back(history[k], weights.empty() ? 1.0f : weights[k]);
  }
  std::sort(pairs.begin(), pairs.end());
  items->clear();
  values->clear();
  for (size_t k = 0; k < pairs.size();) {
    float sum = 0;
    size_t end = k;
    for (; end < pairs.size() && pairs[end].first == pairs[k].first; ++end) sum += pairs[end].second;
    if (sum > 0) {
      items->push_back(pairs[k].first);
      values->push_back(binary ? 1.0f : sum);
    }
    k = end;
  }
}

Status CheckUser(const char* model, UserIdx user, idx_t n_users) {
  if (user < 0 || user >= n_users) {
    return InvalidArgument(std::string(model) + ": user index " + std::to_string(user) +
                           " is not in the training data (" + std::to_string(n_users) +
                           " users); use ScoreHistory for new users");
  }
  return Status::Ok();
}

Status CheckScoreArgs(const char* model, std::span<const ItemIdx> items, std::span<const float> scores,
                      idx_t n_items) {
  if (items.size() != scores.size()) {
    return InvalidArgument(std::string(model) + ": " + std::to_string(items.size()) + " items but " +
                           std::to_string(scores.size()) + " score slots");
  }
  for (ItemIdx item : items) {
    if (item < 0 || item >= n_items) {
      return InvalidArgument(std::string(model) + ": item index " + std::to_string(item) + " out of range (" +
                             std::to_string(n_items) + " items)");
    }
  }
  return Status::Ok();
}

Status CheckHistoryArgs(const char* model, std::span<const ItemIdx> history, std::span<const float> weights,
                        std::span<const float> scores, idx_t n_items) {
  if (static_cast<idx_t>(scores.size()) != n_items) {
    return InvalidArgument(std::string(model) + ": scores has " + std::to_string(scores.size()) +
                           " slots but the model has " + std::to_string(n_items) + " items");
  }
  if (!weights.empty() && weights.size() != history.size()) {
    return InvalidArgument(std::string(model) + ": history has " + std::to_string(history.size()) +
                           " items but " + std::to_string(weights.size()) + " weights");
  }
  for (ItemIdx item : history) {
    if (item < 0 || item >= n_items) {
      return InvalidArgument(std::string(model) + ": history item index " + std::to_string(item) +
                             " out of range (" + std::to_string(n_items) + " items)");
    }
  }
  return Status::Ok();
}

}  // namespace encore
