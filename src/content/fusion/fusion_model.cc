#include "content/fusion/fusion_model.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

#include "core/progress.h"
#include "core/random.h"
#include "core/training_environment.h"

namespace encore::fusion {
namespace {

constexpr char kMagic[] = "ENFU";
// 2: sparse-modality flags after the dims.
constexpr uint32_t kFormatVersion = 2;
// Attention logit of a missing modality (exp() of it is 0 in float).
constexpr double kMaskedLogit = -1e9;
// Standard deviations below this are treated as this (constant features).
constexpr float kMinStd = 1e-6f;
// Items embedded per forward pass in Embed.
constexpr int64_t kEmbedBatch = 4096;
// Bounds for reading model files.
constexpr int kMaxDim = 1 << 16;
constexpr int kMaxVocabulary = 1 << 24;  // sparse modalities
constexpr uint64_t kMaxParams = 1 << 10;

// SplitMix64: the pair sampler's generator (same sequence on every platform).
class PairRng {
 public:
  explicit PairRng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return SplitMix64Next(state_); }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

struct Projection : torch::nn::Module {
  Projection(int in, int hidden, int out) {
    fc1 = register_module("fc1", torch::nn::Linear(in, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, out));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2(torch::gelu(fc1(x))); }
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};

// The first layer of a sparse modality: a learnt vector per id, summed with the
// ids' values as weights (a linear layer over the whole vocabulary), then as Projection.
struct SparseProjection : torch::nn::Module {
  SparseProjection(int vocabulary, int hidden, int out) {
    bag = register_module("bag", torch::nn::EmbeddingBag(torch::nn::EmbeddingBagOptions(vocabulary, hidden)
                                                              .mode(torch::kSum)));
    {
      // Zero: ids no training item has (words only new items use) then add nothing,
      // rather than noise; the others learn from the items that carry them.
      torch::NoGradGuard no_grad;
      bag->weight.zero_();
    }
    bias = register_parameter("bias", torch::zeros({hidden}));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, out));
  }
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& offsets, const torch::Tensor& weights) {
    return fc2(torch::gelu(bag(ids, offsets, weights) + bias));
  }
  torch::nn::EmbeddingBag bag{nullptr};
  torch::Tensor bias;
  torch::nn::Linear fc2{nullptr};
};

// One modality's rows for a forward pass: a dense block, or CSR rows as EmbeddingBag inputs.
struct ModalityBatch {
  torch::Tensor dense;                 // [B, dim]
  torch::Tensor ids, offsets, weights; // sparse
};

// The network. Only modalities with dims[m] > 0 have a projection; `used`
// lists them in order and indexes the attention axis.
struct FusionNet : torch::nn::Module {
  FusionNet(const std::array<int, kModalities>& dims, const std::array<bool, kModalities>& sparse_in,
            const FusionOptions& options) {
    for (int m = 0; m < kModalities; ++m) {
      if (dims[m] <= 0) continue;
      used.push_back(m);
      sparse.push_back(sparse_in[m]);
      const std::string name = "proj_" + std::string(ModalityName(static_cast<Modality>(m)));
      if (sparse_in[m]) {
        sparse_proj.push_back(register_module(name, std::make_shared<SparseProjection>(dims[m], options.hidden, options.dim)));
        proj.push_back(nullptr);
        mean.emplace_back();
        inv_std.emplace_back();
        continue;
      }
      proj.push_back(register_module(name, std::make_shared<Projection>(dims[m], options.hidden, options.dim)));
      sparse_proj.push_back(nullptr);
      mean.push_back(register_buffer("mean_" + std::to_string(m), torch::zeros({dims[m]})));
      inv_std.push_back(register_buffer("inv_std_" + std::to_string(m), torch::ones({dims[m]})));
    }
    attn_u = register_module("attn_u", torch::nn::Linear(options.dim, options.dim));
    attn_v = register_module("attn_v", torch::nn::Linear(torch::nn::LinearOptions(options.dim, 1).bias(false)));
    attn_bias = register_parameter("attn_bias", torch::zeros({static_cast<int64_t>(used.size())}));
  }

  // x[k]: the rows of modality used[k] (raw dense inputs or sparse rows); mask: [B, used.size()] float 0/1.
  // Returns z: [B, dim] (unit rows; zero rows where mask is all 0) and alpha: [B, used.size()].
  std::pair<torch::Tensor, torch::Tensor> forward(const std::vector<ModalityBatch>& x, const torch::Tensor& mask) {
    std::vector<torch::Tensor> h;
    for (size_t k = 0; k < used.size(); ++k) {
      h.push_back(sparse[k] ? sparse_proj[k]->forward(x[k].ids, x[k].offsets, x[k].weights)
                            : proj[k]->forward((x[k].dense - mean[k]) * inv_std[k]));
    }
    torch::Tensor hs = torch::stack(h, 1);                                  // [B, M, dim]
    torch::Tensor logits = attn_v(torch::tanh(attn_u(hs))).squeeze(-1) + attn_bias;  // [B, M]
    logits = logits.masked_fill(mask <= 0, kMaskedLogit);
    torch::Tensor alpha = torch::softmax(logits, 1) * mask;                 // all-masked rows -> 0
    torch::Tensor fused = (alpha.unsqueeze(-1) * hs).sum(1);                // [B, dim]
    return {torch::nn::functional::normalize(fused, torch::nn::functional::NormalizeFuncOptions().dim(1).eps(1e-8)),
            alpha};
  }

  std::vector<int> used;
  std::vector<bool> sparse;                                   // by position in `used`
  std::vector<std::shared_ptr<Projection>> proj;              // dense modalities (else null)
  std::vector<std::shared_ptr<SparseProjection>> sparse_proj; // sparse modalities (else null)
  std::vector<torch::Tensor> mean, inv_std;                   // dense modalities (else undefined)
  torch::nn::Linear attn_u{nullptr}, attn_v{nullptr};
  torch::Tensor attn_bias;
};

torch::Tensor GatherDense(const ModalityInputs& in, int m, const std::vector<int64_t>& rows);

// Rows `rows` of modality m: a dense tensor [rows.size(), dim] (zeros where absent),
// or EmbeddingBag inputs (an empty bag where absent).
ModalityBatch Gather(const ModalityInputs& in, int m, const std::vector<int64_t>& rows) {
  ModalityBatch batch;
  if (in.sparse[m]) {
    std::vector<int64_t> ids, offsets;
    std::vector<float> weights;
    offsets.reserve(rows.size());
    for (int64_t row : rows) {
      const auto item = static_cast<size_t>(row);
      offsets.push_back(static_cast<int64_t>(ids.size()));
      if (!in.present[m][item]) continue;
      for (idx_t e = in.row_ptr[m][item]; e < in.row_ptr[m][item + 1]; ++e) {
        ids.push_back(in.ids[m][static_cast<size_t>(e)]);
        weights.push_back(in.values[m][static_cast<size_t>(e)]);
      }
    }
    batch.ids = torch::tensor(ids, torch::kLong);
    batch.offsets = torch::tensor(offsets, torch::kLong);
    batch.weights = torch::tensor(weights, torch::kFloat);
    return batch;
  }
  batch.dense = GatherDense(in, m, rows);
  return batch;
}

torch::Tensor GatherDense(const ModalityInputs& in, int m, const std::vector<int64_t>& rows) {
  const int dim = in.dims[m];
  torch::Tensor out = torch::zeros({static_cast<int64_t>(rows.size()), dim});
  float* dst = out.data_ptr<float>();
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto item = static_cast<size_t>(rows[r]);
    if (!in.present[m][item]) continue;
    std::copy_n(in.values[m].data() + item * static_cast<size_t>(dim), dim, dst + r * static_cast<size_t>(dim));
  }
  return out;
}

}  // namespace

std::string_view ModalityName(Modality modality) {
  switch (modality) {
    case Modality::kText: return "text";
    case Modality::kAudio: return "audio";
    case Modality::kVisual: return "visual";
    case Modality::kCollaborative: return "collaborative";
  }
  return "?";
}

void ModalityInputs::Set(Modality modality, int dim, std::vector<float> v, std::vector<uint8_t> p) {
  const auto m = static_cast<size_t>(modality);
  dims[m] = dim;
  sparse[m] = false;
  values[m] = std::move(v);
  row_ptr[m].clear();
  ids[m].clear();
  present[m] = std::move(p);
}

void ModalityInputs::SetSparse(Modality modality, int vocabulary, std::vector<idx_t> ptr, std::vector<int32_t> id,
                               std::vector<float> v, std::vector<uint8_t> p) {
  const auto m = static_cast<size_t>(modality);
  dims[m] = vocabulary;
  sparse[m] = true;
  values[m] = std::move(v);
  row_ptr[m] = std::move(ptr);
  ids[m] = std::move(id);
  present[m] = std::move(p);
}

Status ModalityInputs::Validate() const {
  if (n_items < 0) return InvalidArgument("fusion inputs: n_items must be >= 0");
  bool any = false;
  for (int m = 0; m < kModalities; ++m) {
    const std::string name(ModalityName(static_cast<Modality>(m)));
    if (dims[m] < 0 || dims[m] > (sparse[m] ? kMaxVocabulary : kMaxDim)) {
      return InvalidArgument("fusion inputs: " + name + " dim out of range");
    }
    if (dims[m] == 0) continue;
    any = true;
    if (sparse[m]) {
      const std::vector<idx_t>& ptr = row_ptr[m];
      if (ptr.size() != static_cast<size_t>(n_items) + 1 || ptr.front() != 0 ||
          ptr.back() != static_cast<idx_t>(ids[m].size()) || ids[m].size() != values[m].size() ||
          !std::is_sorted(ptr.begin(), ptr.end())) {
        return InvalidArgument("fusion inputs: " + name + " sparse rows are malformed (row_ptr, ids and values disagree)");
      }
      for (int32_t id : ids[m]) {
        if (id < 0 || id >= dims[m]) return InvalidArgument("fusion inputs: " + name + " id " + std::to_string(id) + " out of range");
      }
    } else if (values[m].size() != static_cast<size_t>(n_items) * static_cast<size_t>(dims[m])) {
      return InvalidArgument("fusion inputs: " + name + " values hold " + std::to_string(values[m].size()) +
                             " floats, expected n_items x dim = " + std::to_string(n_items) + " x " +
                             std::to_string(dims[m]));
    }
    if (present[m].size() != static_cast<size_t>(n_items)) {
      return InvalidArgument("fusion inputs: " + name + " presence flags must have one entry per item");
    }
    for (size_t i = 0; i < values[m].size(); ++i) {
      if (!std::isfinite(values[m][i])) {
        return InvalidArgument("fusion inputs: " + name + " value " + std::to_string(i) + " is not finite");
      }
    }
  }
  if (!any) return InvalidArgument("fusion inputs: no modality has values");
  return Status::Ok();
}

Status FusionOptions::Validate() const {
  if (dim < 1 || dim > 4096) return InvalidArgument("fusion: dim must be in [1, 4096]");
  if (hidden < 1 || hidden > 8192) return InvalidArgument("fusion: hidden must be in [1, 8192]");
  if (epochs < 0 || epochs > 100000) return InvalidArgument("fusion: epochs must be in [0, 100000]");
  if (batch_size < 2) return InvalidArgument("fusion: batch_size must be >= 2 (in-batch negatives)");
  if (!(learning_rate > 0)) return InvalidArgument("fusion: learning_rate must be > 0");
  if (!(weight_decay >= 0)) return InvalidArgument("fusion: weight_decay must be >= 0");
  if (!(temperature > 0)) return InvalidArgument("fusion: temperature must be > 0");
  if (!(modality_dropout >= 0 && modality_dropout < 1)) return InvalidArgument("fusion: modality_dropout must be in [0, 1)");
  if (!(collaborative_dropout >= 0 && collaborative_dropout <= 1)) {
    return InvalidArgument("fusion: collaborative_dropout must be in [0, 1]");
  }
  if (pairs_per_user < 1) return InvalidArgument("fusion: pairs_per_user must be >= 1");
  return Status::Ok();
}

struct FusionModel::Impl {
  std::array<int, kModalities> dims{};
  std::array<bool, kModalities> sparse{};
  FusionOptions options;
  std::shared_ptr<FusionNet> net;

  Status CheckInputs(const ModalityInputs& inputs) const {
    ENCORE_RETURN_IF_ERROR(inputs.Validate());
    if (inputs.sparse != sparse) return InvalidArgument("fusion: inputs are sparse where the model expects dense or the reverse");
    if (inputs.dims != dims) {
      std::string want, got;
      for (int m = 0; m < kModalities; ++m) {
        if (m > 0) {
          want += ',';
          got += ',';
        }
        want += std::to_string(dims[m]);
        got += std::to_string(inputs.dims[m]);
      }
      return InvalidArgument("fusion: inputs have modality dims (" + got + "), the model was built for (" + want +
                             ") [text,audio,visual,collaborative]");
    }
    return Status::Ok();
  }

  // Presence mask [rows, used] as float.
  torch::Tensor Mask(const ModalityInputs& in, const std::vector<int64_t>& rows) const {
    torch::Tensor mask = torch::zeros({static_cast<int64_t>(rows.size()), static_cast<int64_t>(net->used.size())});
    auto a = mask.accessor<float, 2>();
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t k = 0; k < net->used.size(); ++k) {
        a[static_cast<int64_t>(r)][static_cast<int64_t>(k)] = in.present[net->used[k]][static_cast<size_t>(rows[r])] ? 1.0f : 0.0f;
      }
    }
    return mask;
  }

  std::vector<ModalityBatch> Inputs(const ModalityInputs& in, const std::vector<int64_t>& rows) const {
    std::vector<ModalityBatch> x;
    for (int m : net->used) x.push_back(Gather(in, m, rows));
    return x;
  }

  // Hides present modalities at random, never all of a row's: mask [B, M].
  torch::Tensor DropModalities(const torch::Tensor& mask) const {
    std::vector<float> p(net->used.size());
    for (size_t k = 0; k < p.size(); ++k) {
      p[k] = static_cast<float>(net->used[k] == static_cast<int>(Modality::kCollaborative) ? options.collaborative_dropout
                                                                                           : options.modality_dropout);
    }
    torch::Tensor keep = (torch::rand(mask.sizes()) >= torch::tensor(p).unsqueeze(0)).to(torch::kFloat);
    torch::Tensor dropped = mask * keep;
    torch::Tensor empty = (dropped.sum(1, true) <= 0).to(torch::kFloat);  // rows that lost everything keep all
    return dropped * (1 - empty) + mask * empty;
  }

  // Per-modality mean and 1/std over the items that have the modality.
  void Standardise(const ModalityInputs& in) {
    torch::NoGradGuard no_grad;
    for (size_t k = 0; k < net->used.size(); ++k) {
      if (net->sparse[k]) continue;  // TF-IDF-like values are already on one scale
      const int m = net->used[k];
      const int dim = dims[m];
      std::vector<double> sum(static_cast<size_t>(dim), 0), sq(static_cast<size_t>(dim), 0);
      idx_t count = 0;
      for (idx_t i = 0; i < in.n_items; ++i) {
        if (!in.present[m][static_cast<size_t>(i)]) continue;
        ++count;
        const float* row = in.values[m].data() + static_cast<size_t>(i) * static_cast<size_t>(dim);
        for (int d = 0; d < dim; ++d) {
          sum[static_cast<size_t>(d)] += row[d];
          sq[static_cast<size_t>(d)] += static_cast<double>(row[d]) * row[d];
        }
      }
      auto mean = net->mean[k].accessor<float, 1>();
      auto inv = net->inv_std[k].accessor<float, 1>();
      for (int d = 0; d < dim; ++d) {
        const double mu = count ? sum[static_cast<size_t>(d)] / static_cast<double>(count) : 0.0;
        const double var = count ? std::max(0.0, sq[static_cast<size_t>(d)] / static_cast<double>(count) - mu * mu) : 1.0;
        mean[d] = static_cast<float>(mu);
        inv[d] = 1.0f / std::max(kMinStd, static_cast<float>(std::sqrt(var)));
      }
    }
  }
};

FusionModel::FusionModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FusionModel::~FusionModel() = default;

int FusionModel::dim() const { return impl_->options.dim; }
const std::array<int, kModalities>& FusionModel::input_dims() const { return impl_->dims; }
const FusionOptions& FusionModel::options() const { return impl_->options; }

StatusOr<std::unique_ptr<FusionModel>> FusionModel::Create(const std::array<int, kModalities>& dims,
                                                          const FusionOptions& options, uint64_t seed,
                                                          const std::array<bool, kModalities>& sparse) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  bool any = false;
  for (int m = 0; m < kModalities; ++m) {
    if (dims[m] < 0 || dims[m] > (sparse[m] ? kMaxVocabulary : kMaxDim)) {
      return InvalidArgument("fusion: modality dims must be in [0, 65536] (sparse: [0, 16777216])");
    }
    any = any || dims[m] > 0;
  }
  if (!any) return InvalidArgument("fusion: at least one modality must have a dim > 0");
  auto impl = std::make_unique<Impl>();
  impl->dims = dims;
  impl->sparse = sparse;
  impl->options = options;
  try {
    torch::manual_seed(seed);
    impl->net = std::make_shared<FusionNet>(dims, sparse, options);
  } catch (const std::exception& e) {
    return Internal(std::string("fusion: building the network failed: ") + e.what());
  }
  return std::unique_ptr<FusionModel>(new FusionModel(std::move(impl)));
}

Status FusionModel::Fit(const ModalityInputs& inputs, const Interactions& train, const RunContext& run,
                        std::vector<double>* epoch_loss) {
  ENCORE_RETURN_IF_ERROR(impl_->CheckInputs(inputs));
  if (train.n_items() > inputs.n_items) {
    return InvalidArgument("fusion: the interactions have " + std::to_string(train.n_items()) +
                           " items, the inputs only " + std::to_string(inputs.n_items));
  }
  if (epoch_loss != nullptr) epoch_loss->clear();
  const FusionOptions& o = impl_->options;
  // An item takes part in pairs only when it has at least one modality.
  std::vector<uint8_t> usable(static_cast<size_t>(inputs.n_items), 0);
  for (int m : impl_->net->used) {
    for (size_t i = 0; i < usable.size(); ++i) usable[i] |= inputs.present[m][i];
  }
  const TrainingEnvironment environment;  // BLAS on the calling thread, big blocks kept on the heap
  try {
    at::set_num_threads(std::max(1, run.threads));
    torch::manual_seed(run.seed);
    impl_->Standardise(inputs);
    impl_->net->train();
    torch::optim::Adam optimizer(impl_->net->parameters(),
                                 torch::optim::AdamOptions(o.learning_rate).weight_decay(o.weight_decay));
    PairRng rng(run.seed ^ 0x5EEDF05Eull);
    std::vector<int64_t> a_rows, b_rows;
    std::vector<ItemIdx> items;
    Progress progress("fusion", o.epochs, run.progress);
    for (int epoch = 0; epoch < o.epochs; ++epoch) {
      // Pairs: per user, pairs_per_user draws of two different usable items.
      a_rows.clear();
      b_rows.clear();
      for (idx_t u = 0; u < train.n_users(); ++u) {
        items.clear();
        for (ItemIdx i : train.Row(u)) {
          if (usable[static_cast<size_t>(i)]) items.push_back(i);
        }
        if (items.size() < 2) continue;
        for (int p = 0; p < o.pairs_per_user; ++p) {
          const size_t x = rng.Below(items.size());
          size_t y = rng.Below(items.size() - 1);
          if (y >= x) ++y;
          a_rows.push_back(items[x]);
          b_rows.push_back(items[y]);
        }
      }
      if (a_rows.size() < 2) return FailedPrecondition("fusion: no user consumed two items that have inputs");
      for (size_t k = a_rows.size() - 1; k > 0; --k) {  // Fisher-Yates, both lists alike
        const size_t j = rng.Below(k + 1);
        std::swap(a_rows[k], a_rows[j]);
        std::swap(b_rows[k], b_rows[j]);
      }
      double loss_sum = 0;
      int steps = 0;
      for (size_t start = 0; start + 1 < a_rows.size(); start += static_cast<size_t>(o.batch_size)) {
        const size_t end = std::min(a_rows.size(), start + static_cast<size_t>(o.batch_size));
        if (end - start < 2) break;
        std::vector<int64_t> a(a_rows.begin() + static_cast<std::ptrdiff_t>(start), a_rows.begin() + static_cast<std::ptrdiff_t>(end));
        std::vector<int64_t> b(b_rows.begin() + static_cast<std::ptrdiff_t>(start), b_rows.begin() + static_cast<std::ptrdiff_t>(end));
        auto [za, alpha_a] = impl_->net->forward(impl_->Inputs(inputs, a), impl_->DropModalities(impl_->Mask(inputs, a)));
        auto [zb, alpha_b] = impl_->net->forward(impl_->Inputs(inputs, b), impl_->DropModalities(impl_->Mask(inputs, b)));
        torch::Tensor logits = torch::matmul(za, zb.t()) / o.temperature;  // [B, B]
        torch::Tensor labels = torch::arange(static_cast<int64_t>(a.size()), torch::kLong);
        torch::Tensor loss = 0.5 * (torch::nn::functional::cross_entropy(logits, labels) +
                                    torch::nn::functional::cross_entropy(logits.t(), labels));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        loss_sum += loss.item<double>();
        ++steps;
      }
      const double mean_loss = steps ? loss_sum / steps : 0.0;
      if (epoch_loss != nullptr) epoch_loss->push_back(mean_loss);
      progress.SetNote("loss " + std::to_string(mean_loss));
      progress.Advance();
    }
    progress.Finish();
    impl_->net->eval();
  } catch (const std::exception& e) {
    return Internal(std::string("fusion: training failed: ") + e.what());
  }
  return Status::Ok();
}

Status FusionModel::Embed(const ModalityInputs& inputs, std::vector<float>* vectors, std::vector<float>* attention) const {
  ENCORE_RETURN_IF_ERROR(impl_->CheckInputs(inputs));
  const int dim = impl_->options.dim;
  vectors->assign(static_cast<size_t>(inputs.n_items) * static_cast<size_t>(dim), 0.0f);
  if (attention != nullptr) attention->assign(static_cast<size_t>(inputs.n_items) * kModalities, 0.0f);
  try {
    torch::NoGradGuard no_grad;
    std::vector<int64_t> rows;
    for (idx_t start = 0; start < inputs.n_items; start += kEmbedBatch) {
      const idx_t end = std::min(inputs.n_items, start + kEmbedBatch);
      rows.resize(static_cast<size_t>(end - start));
      for (idx_t i = start; i < end; ++i) rows[static_cast<size_t>(i - start)] = i;
      auto [z, alpha] = impl_->net->forward(impl_->Inputs(inputs, rows), impl_->Mask(inputs, rows));
      z = z.contiguous();
      std::copy_n(z.data_ptr<float>(), z.numel(), vectors->data() + static_cast<size_t>(start) * static_cast<size_t>(dim));
      if (attention != nullptr) {
        auto a = alpha.accessor<float, 2>();
        for (size_t r = 0; r < rows.size(); ++r) {
          for (size_t k = 0; k < impl_->net->used.size(); ++k) {
            (*attention)[(static_cast<size_t>(start) + r) * kModalities + static_cast<size_t>(impl_->net->used[k])] =
                a[static_cast<int64_t>(r)][static_cast<int64_t>(k)];
          }
        }
      }
    }
  } catch (const std::exception& e) {
    return Internal(std::string("fusion: embedding failed: ") + e.what());
  }
  return Status::Ok();
}

Status FusionModel::Save(BinaryWriter& out) const {
  const FusionOptions& o = impl_->options;
  out.Header(kMagic, kFormatVersion);
  for (int d : impl_->dims) out.Pod<int32_t>(d);
  for (bool s : impl_->sparse) out.Pod<uint8_t>(s ? 1 : 0);
  out.Pod<int32_t>(o.dim);
  out.Pod<int32_t>(o.hidden);
  out.Pod<int32_t>(o.epochs);
  out.Pod<int32_t>(o.batch_size);
  out.Pod<double>(o.learning_rate);
  out.Pod<double>(o.weight_decay);
  out.Pod<double>(o.temperature);
  out.Pod<double>(o.modality_dropout);
  out.Pod<double>(o.collaborative_dropout);
  out.Pod<int32_t>(o.pairs_per_user);
  // Parameters and buffers (standardisation) by name, in registration order.
  auto named = impl_->net->named_parameters(true);
  auto buffers = impl_->net->named_buffers(true);
  out.Pod<uint64_t>(named.size() + buffers.size());
  for (const auto* dict : {&named, &buffers}) {
    for (const auto& item : *dict) {
      torch::Tensor t = item.value().detach().contiguous();
      out.String(item.key());
      std::vector<float> values(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
      out.Vector(values);
    }
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<FusionModel>> FusionModel::Load(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kMagic, kFormatVersion));
  std::array<int, kModalities> dims{};
  for (int& d : dims) {
    int32_t v = 0;
    ENCORE_RETURN_IF_ERROR(in.Pod(&v));
    d = v;
  }
  std::array<bool, kModalities> sparse{};
  if (version >= 2) {
    for (bool& s : sparse) {
      uint8_t v = 0;
      ENCORE_RETURN_IF_ERROR(in.Pod(&v));
      if (v > 1) return DataLoss(in.name() + ": bad fusion model header: sparse flag " + std::to_string(v));
      s = v == 1;
    }
  }
  FusionOptions o;
  int32_t i32 = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&i32)); o.dim = i32;
  ENCORE_RETURN_IF_ERROR(in.Pod(&i32)); o.hidden = i32;
  ENCORE_RETURN_IF_ERROR(in.Pod(&i32)); o.epochs = i32;
  ENCORE_RETURN_IF_ERROR(in.Pod(&i32)); o.batch_size = i32;
  ENCORE_RETURN_IF_ERROR(in.Pod(&o.learning_rate));
  ENCORE_RETURN_IF_ERROR(in.Pod(&o.weight_decay));
  ENCORE_RETURN_IF_ERROR(in.Pod(&o.temperature));
  ENCORE_RETURN_IF_ERROR(in.Pod(&o.modality_dropout));
  ENCORE_RETURN_IF_ERROR(in.Pod(&o.collaborative_dropout));
  ENCORE_RETURN_IF_ERROR(in.Pod(&i32)); o.pairs_per_user = i32;
  auto created = Create(dims, o, 0, sparse);
  if (!created.ok()) return DataLoss(in.name() + ": bad fusion model header: " + created.status().message());
  std::unique_ptr<FusionModel> model = std::move(*created);
  uint64_t count = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&count));
  auto named = model->impl_->net->named_parameters(true);
  auto buffers = model->impl_->net->named_buffers(true);
  if (count != named.size() + buffers.size() || count > kMaxParams) {
    return DataLoss(in.name() + ": fusion model has " + std::to_string(count) + " tensors, expected " +
                    std::to_string(named.size() + buffers.size()));
  }
  torch::NoGradGuard no_grad;
  for (auto* dict : {&named, &buffers}) {
    for (auto& item : *dict) {
      std::string name;
      std::vector<float> values;
      ENCORE_RETURN_IF_ERROR(in.String(&name, 1024));
      ENCORE_RETURN_IF_ERROR(in.Vector(&values));
      torch::Tensor& t = item.value();
      if (name != item.key() || static_cast<int64_t>(values.size()) != t.numel()) {
        return DataLoss(in.name() + ": fusion model tensor '" + name + "' does not match '" + item.key() + "'");
      }
      std::copy(values.begin(), values.end(), t.data_ptr<float>());
    }
  }
  model->impl_->net->eval();
  return model;
}

}  // namespace encore::fusion
