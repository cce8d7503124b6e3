#include "models/sequence_net.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace encore::seq {

torch::Tensor FastDropout(const torch::Tensor& x, double p, bool train) {
  if (!train || p <= 0) return x;
  const int64_t threshold = std::clamp<int64_t>(std::llround(p * 256.0), 0, 255);
  if (threshold == 0) return x;
  torch::Tensor bytes = torch::empty(x.sizes(), x.options().dtype(torch::kUInt8)).random_(0, 256);
  return x.masked_fill(bytes.lt(threshold), 0.0) * (256.0 / static_cast<double>(256 - threshold));
}

SequenceNet::SequenceNet(int64_t n_items, int hidden, const ItemFeatures& features)
    : n_items_(n_items), hidden_(hidden) {
  item_emb_ = register_module(
      "item_emb", torch::nn::Embedding(torch::nn::EmbeddingOptions(n_items + 1, hidden).padding_idx(0)));
  if (features.n_features > 0 && !features.ids.empty()) {
    feature_bag_ = register_module(
        "feature_bag",
        torch::nn::EmbeddingBag(torch::nn::EmbeddingBagOptions(features.n_features, hidden).mode(torch::kMean)));
    // The CSR offsets without the final end: EmbeddingBag wants the bag starts.
    std::vector<int64_t> starts(features.offsets.begin(), features.offsets.end() - 1);
    feature_ids_ = register_buffer("feature_ids", torch::tensor(features.ids, torch::kInt64));
    feature_offsets_ = register_buffer("feature_offsets", torch::tensor(starts, torch::kInt64));
  }
}

void SequenceNet::InitWeights() {
  torch::NoGradGuard no_grad;
  for (auto& param : named_parameters()) {
    // LayerNorm weights are 1-d and keep their (1, 0) initialisation.
    if (param.value().dim() >= 2) torch::nn::init::xavier_normal_(param.value());
  }
  item_emb_->weight[0].zero_();
}

torch::Tensor SequenceNet::ItemTable() {
  torch::Tensor table = item_emb_->weight;  // [n_items + 1, hidden]
  if (!feature_bag_.is_empty()) {
    torch::Tensor bags = feature_bag_->forward(feature_ids_, feature_offsets_);  // [n_items, hidden]
    table = table + torch::cat({torch::zeros({1, hidden_}, bags.options()), bags}, 0);
  }
  return table;
}

torch::Tensor SequenceNet::Logits(const torch::Tensor& h, const torch::Tensor& table) {
  // h: [..., hidden]; table rows 1.. are the items.
  return torch::matmul(h, table.slice(0, 1).t());
}

SasrecNet::SasrecNet(const SequenceOptions& options, int64_t n_items, const ItemFeatures& features)
    : SequenceNet(n_items, options.hidden, features),
      max_len_(options.max_len),
      heads_(options.heads),
      dropout_(options.dropout) {
  const int d = options.hidden;
  pos_emb_ = register_module("pos_emb", torch::nn::Embedding(max_len_, d));
  for (int block_idx = 0; block_idx < options.blocks; ++block_idx) {
    const std::string prefix = "block" + std::to_string(block_idx) + "_";
    Block b;
    b.ln_attn = register_module(prefix + "ln_attn", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(1e-8)));
    b.qkv = register_module(prefix + "qkv", torch::nn::Linear(d, 3 * d));
    b.out = register_module(prefix + "out", torch::nn::Linear(d, d));
    b.ln_ff = register_module(prefix + "ln_ff", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(1e-8)));
    b.ff1 = register_module(prefix + "ff1", torch::nn::Linear(d, d));
    b.ff2 = register_module(prefix + "ff2", torch::nn::Linear(d, d));
    blocks_.push_back(b);
  }
  ln_final_ = register_module("ln_final", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(1e-8)));
  InitWeights();
}

torch::Tensor SasrecNet::Encode(const torch::Tensor& ids, const torch::Tensor& table) {
  const int64_t batch = ids.size(0);
  const int64_t len = ids.size(1);
  const int64_t d = hidden();
  const int64_t head_dim = d / heads_;
  const bool train = is_training();
  // x: [B, T, D]
  torch::Tensor x = torch::embedding(table, ids) * std::sqrt(static_cast<double>(d));
  x = x + pos_emb_->weight.slice(0, 0, len);
  x = FastDropout(x, dropout_, train);
  torch::Tensor valid = ids.gt(0).unsqueeze(-1).to(x.scalar_type());  // [B, T, 1]
  x = x * valid;
  // Additive causal mask [T, T]: query t sees keys 0..t only.
  torch::Tensor causal =
      torch::full({len, len}, -std::numeric_limits<float>::infinity(), x.options()).triu(1);
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  for (Block& b : blocks_) {
    torch::Tensor h = b.ln_attn->forward(x);
    // qkv: [3, B, H, T, head_dim]
    torch::Tensor qkv = b.qkv->forward(h).view({batch, len, 3, heads_, head_dim}).permute({2, 0, 3, 1, 4});
    torch::Tensor att = torch::matmul(qkv[0], qkv[1].transpose(-2, -1)) * scale + causal;  // [B, H, T, T]
    att = FastDropout(torch::softmax(att, -1), dropout_, train);
    torch::Tensor o = torch::matmul(att, qkv[2]).permute({0, 2, 1, 3}).reshape({batch, len, d});
    x = x + FastDropout(b.out->forward(o), dropout_, train);
    h = b.ln_ff->forward(x);
    h = b.ff2->forward(FastDropout(torch::relu(b.ff1->forward(h)), dropout_, train));
    x = (x + FastDropout(h, dropout_, train)) * valid;
  }
  return ln_final_->forward(x);
}

Gru4recNet::Gru4recNet(const SequenceOptions& options, int64_t n_items, const ItemFeatures& features)
    : SequenceNet(n_items, options.hidden, features), dropout_(options.dropout) {
  gru_ = register_module(
      "gru", torch::nn::GRU(torch::nn::GRUOptions(options.hidden, options.hidden)
                                .num_layers(options.blocks)
                                .batch_first(true)
                                .dropout(options.blocks > 1 ? options.dropout : 0.0)));
  InitWeights();
}

torch::Tensor Gru4recNet::Encode(const torch::Tensor& ids, const torch::Tensor& table) {
  const bool train = is_training();
  torch::Tensor x = FastDropout(torch::embedding(table, ids), dropout_, train);  // [B, T, D]
  torch::Tensor out = std::get<0>(gru_->forward(x));                                 // [B, T, D]
  return FastDropout(out, dropout_, train);
}

std::shared_ptr<SequenceNet> MakeSequenceNet(const SequenceOptions& options, int64_t n_items,
                                             const ItemFeatures& features) {
  if (options.arch == SequenceArch::kGru4rec) return std::make_shared<Gru4recNet>(options, n_items, features);
  return std::make_shared<SasrecNet>(options, n_items, features);
}

torch::Tensor PackLastTokens(const std::vector<std::vector<int64_t>>& sequences, int max_len) {
  int64_t longest = 1;
  for (const auto& s : sequences) longest = std::max<int64_t>(longest, std::min<int64_t>(s.size(), max_len));
  torch::Tensor ids = torch::zeros({static_cast<int64_t>(sequences.size()), longest}, torch::kInt64);
  auto acc = ids.accessor<int64_t, 2>();
  for (size_t row = 0; row < sequences.size(); ++row) {
    const auto& s = sequences[row];
    const size_t start = s.size() > static_cast<size_t>(max_len) ? s.size() - max_len : 0;
    for (size_t pos = start; pos < s.size(); ++pos) acc[row][pos - start] = s[pos];
  }
  return ids;
}

}  // namespace encore::seq
