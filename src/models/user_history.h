// The training rows a model keeps to score known users (kNN, EASE, RP3beta score
// a user from her history) and to explain recommendations. A compact CSR copy of
// the positive part of the training matrix, saved inside model files.
#pragma once

#include <span>
#include <vector>

#include "core/binary_io.h"
#include "core/interactions.h"
#include "core/status.h"
#include "core/types.h"

namespace encore {

class UserHistory {
 public:
  UserHistory() = default;
  // Keeps entries with weight > 0; with `binary` every kept weight becomes 1.
  static UserHistory FromInteractions(const Interactions& train, bool binary);

  idx_t n_users() const { return static_cast<idx_t>(indptr_.size()) - 1; }
  idx_t nnz() const { return static_cast<idx_t>(items_.size()); }
  std::span<const ItemIdx> Items(idx_t user) const {
    return {items_.data() + indptr_[user], static_cast<size_t>(indptr_[user + 1] - indptr_[user])};
  }
  std::span<const float> Weights(idx_t user) const {
    return {weights_.data() + indptr_[user], static_cast<size_t>(indptr_[user + 1] - indptr_[user])};
  }
  // Weight of (user, item), 0 when absent (binary search).
  float Weight(idx_t user, ItemIdx item) const;

  void Save(BinaryWriter& out) const;
  // `n_items` bounds the item indices read back.
  Status Load(BinaryReader& in, idx_t n_items);

 private:
  std::vector<idx_t> indptr_{0};
  std::vector<ItemIdx> items_;
  std::vector<float> weights_;
};

// A history given to ScoreHistory as a sorted sparse vector: duplicates summed,
// non-positive weights dropped, empty `weights` meaning all 1, `binary` forcing 1.
void HistoryToSparse(std::span<const ItemIdx> history, std::span<const float> weights, bool binary,
                     std::vector<ItemIdx>* items, std::vector<float>* values);

// The user's positive training items (weight > 0) in time order, ties in row
// order, with their weights: the history that profile models (content, fusion) fold.
void TimeOrderedHistory(const Interactions& train, idx_t user, std::vector<ItemIdx>* items,
                        std::vector<float>* weights);
// Weight of a history item `age` positions before the most recent one (age 0):
// 0.5^(age / half_life), or 1 when half_life is 0 (no decay).
double RecencyWeight(double age, double half_life);

// Checks the shapes every Score/ScoreAll/ScoreHistory implementation checks.
Status CheckUser(const char* model, UserIdx user, idx_t n_users);
Status CheckScoreArgs(const char* model, std::span<const ItemIdx> items, std::span<const float> scores,
                      idx_t n_items);
Status CheckHistoryArgs(const char* model, std::span<const ItemIdx> history, std::span<const float> weights,
                        std::span<const float> scores, idx_t n_items);

}  // namespace encore
