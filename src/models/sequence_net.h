// The torch networks behind the sequence models. INTERNAL: includes torch, so
// only the sequence models' .cc files and their tests include it (one TU with
// torch costs ~18 s to compile).
//
// Tokens: 0 is padding, token t > 0 is item t - 1. Sequences are left-aligned:
// a row of `ids` holds the items in time order from column 0 and padding after
// them. Every encoder is causal, so the output at position t depends only on
// tokens 0..t and padding never influences a real position.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/sequence_recommender.h"

namespace encore::seq {

// Item side information as CSR: item i has the features
// ids[offsets[i] .. offsets[i+1]) out of n_features.
struct ItemFeatures {
  int64_t n_features = 0;
  std::vector<int64_t> offsets{0};
  std::vector<int64_t> ids;
};

// Shared part of both encoders: the item table (embedding plus the mean of the
// item's feature embeddings) that is both the input lookup and the output layer.
class SequenceNet : public torch::nn::Module {
 public:
  SequenceNet(int64_t n_items, int hidden, const ItemFeatures& features);

  // Token table: [n_items + 1, hidden]; row 0 (padding) is zero.
  torch::Tensor ItemTable();
  // ids: [B, T] int64 tokens (T <= max_len); table: ItemTable().
  // Returns the hidden states [B, T, hidden].
  virtual torch::Tensor Encode(const torch::Tensor& ids, const torch::Tensor& table) = 0;
  // Next-item logits for hidden states h: [..., hidden] -> [..., n_items].
  static torch::Tensor Logits(const torch::Tensor& h, const torch::Tensor& table);

  int64_t n_items() const { return n_items_; }
  int hidden() const { return hidden_; }

 protected:
  // Xavier-normal for matrices (as the reference SASRec), zero padding row.
  void InitWeights();

 private:
  int64_t n_items_;
  int hidden_;
  torch::nn::Embedding item_emb_{nullptr};
  torch::nn::EmbeddingBag feature_bag_{nullptr};
  torch::Tensor feature_ids_;      // [nnz] int64
  torch::Tensor feature_offsets_;  // [n_items] int64 (bag starts)
};

// SASRec (Kang & McAuley 2018): learned positional embeddings and pre-LayerNorm
// causal self-attention blocks with a point-wise feed-forward layer.
class SasrecNet : public SequenceNet {
 public:
  SasrecNet(const SequenceOptions& options, int64_t n_items, const ItemFeatures& features);
  torch::Tensor Encode(const torch::Tensor& ids, const torch::Tensor& table) override;

 private:
  struct Block {
    torch::nn::LayerNorm ln_attn{nullptr}, ln_ff{nullptr};
    torch::nn::Linear qkv{nullptr}, out{nullptr}, ff1{nullptr}, ff2{nullptr};
  };
  int max_len_;
  int heads_;
  double dropout_;
  torch::nn::Embedding pos_emb_{nullptr};
  std::vector<Block> blocks_;
  torch::nn::LayerNorm ln_final_{nullptr};
};

// GRU4Rec (Hidasi et al. 2016) with tied input/output item embeddings.
class Gru4recNet : public SequenceNet {
 public:
  Gru4recNet(const SequenceOptions& options, int64_t n_items, const ItemFeatures& features);
  torch::Tensor Encode(const torch::Tensor& ids, const torch::Tensor& table) override;

 private:
  double dropout_;
  torch::nn::GRU gru_{nullptr};
};

std::shared_ptr<SequenceNet> MakeSequenceNet(const SequenceOptions& options, int64_t n_items,
                                             const ItemFeatures& features);

// Inverted dropout with an 8-bit random mask: the drop probability is rounded
// to a multiple of 1/256 (0.2 -> 51/256). torch's bernoulli_ draws one double
// per element serially on CPU and took ~10x longer; dropout was a fifth of a
// SASRec training step on ml-100k.
torch::Tensor FastDropout(const torch::Tensor& x, double p, bool train);

// Left-aligned batch of the last `max_len` tokens of each sequence:
// [sequences.size(), longest] int64, zero-padded after each sequence.
torch::Tensor PackLastTokens(const std::vector<std::vector<int64_t>>& sequences, int max_len);

}  // namespace encore::seq
