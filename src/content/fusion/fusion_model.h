// Multimodal fusion: maps an item's text, audio, visual and collaborative
// embeddings into one item space (docs/media.md, "Fusion").
//
//   per modality m present for the item:  h_m = W2_m gelu(W1_m standardise(x_m))      [dim]
//   attention over the present modalities: a_m = softmax_m(v . tanh(U h_m) + b_m)
//   item vector:                            z = normalise(sum_m a_m h_m)
//
// Trained so that items consumed by the same user are close: each step takes a
// batch of co-consumed pairs (i, j) and minimises the symmetric in-batch
// softmax loss of z_i . z_j / temperature against the other pairs' items.
// Missing modalities are masked out of the attention; during training present
// modalities are also hidden at random (one always stays), and the
// collaborative one more often, so items never consumed (cold start: content
// only) land in the same space as items known from behaviour.
//
// torch stays inside fusion_model.cc: this header does not include it.
// Thread-safety: Embed may be called concurrently; Fit may not.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/binary_io.h"
#include "core/context.h"
#include "core/interactions.h"
#include "core/status.h"

namespace encore::fusion {

// Persisted (model files): values are pinned.
enum class Modality : int { kText = 0, kAudio = 1, kVisual = 2, kCollaborative = 3 };
inline constexpr int kModalities = 4;
std::string_view ModalityName(Modality modality);

// The inputs of every item, per modality, and a presence flag per item. A dense
// modality is a row-major [n_items, dims[m]] block; a sparse one (e.g. text as
// TF-IDF terms) is CSR rows over a vocabulary of dims[m] ids, and the network
// learns an embedding per id (EmbeddingBag) instead of a dense first layer. A
// modality with dims[m] == 0 is unused.
struct ModalityInputs {
  idx_t n_items = 0;
  std::array<int, kModalities> dims{};
  std::array<bool, kModalities> sparse{};
  std::array<std::vector<float>, kModalities> values;     // dense block, or the CSR values
  std::array<std::vector<idx_t>, kModalities> row_ptr;    // sparse: [n_items + 1]
  std::array<std::vector<int32_t>, kModalities> ids;      // sparse: ids in [0, dims[m])
  std::array<std::vector<uint8_t>, kModalities> present;

  explicit ModalityInputs(idx_t items = 0) : n_items(items) {}
  // Sets one dense modality. values: [n_items, dim]; present: [n_items] (1 = the item has it).
  void Set(Modality modality, int dim, std::vector<float> values, std::vector<uint8_t> present);
  // Sets one sparse modality: item i holds ids[row_ptr[i], row_ptr[i+1]) with their values.
  void SetSparse(Modality modality, int vocabulary, std::vector<idx_t> row_ptr, std::vector<int32_t> ids,
                 std::vector<float> values, std::vector<uint8_t> present);
  // Sizes agree with n_items and dims, ids are in range, values are finite, at least one modality is used.
  Status Validate() const;
};

struct FusionOptions {
  int dim = 32;                      // size of the fused item vectors
  int hidden = 64;                   // hidden width of each modality's projection
  int epochs = 30;                   // passes over the sampled pairs
  int batch_size = 256;              // pairs per step; the other pairs are the negatives
  double learning_rate = 3e-3;       // Adam
  double weight_decay = 1e-5;        // Adam (L2)
  double temperature = 0.1;          // of the in-batch softmax
  double modality_dropout = 0.2;     // chance a present modality is hidden per training example
  double collaborative_dropout = 0.5;  // the same for the collaborative modality
  int pairs_per_user = 20;           // co-consumed pairs sampled per user and epoch

  Status Validate() const;
};

class FusionModel {
 public:
  // An untrained model for inputs with these dims (weights drawn from `seed`).
  // `sparse` marks modalities given as sparse rows (ModalityInputs::SetSparse).
  static StatusOr<std::unique_ptr<FusionModel>> Create(const std::array<int, kModalities>& dims,
                                                      const FusionOptions& options, uint64_t seed,
                                                      const std::array<bool, kModalities>& sparse = {});
  // Reads a model written by Save (DataLoss on a truncated or corrupt stream).
  static StatusOr<std::unique_ptr<FusionModel>> Load(BinaryReader& in);
  ~FusionModel();
  FusionModel(const FusionModel&) = delete;
  FusionModel& operator=(const FusionModel&) = delete;

  // Trains on the co-consumed pairs of `train` (users x items; items indexed as
  // in `inputs`). Same data, options, seed and run.threads give the same model.
  // epoch_loss (optional) receives the mean loss of each epoch.
  Status Fit(const ModalityInputs& inputs, const Interactions& train, const RunContext& run,
             std::vector<double>* epoch_loss = nullptr);
  // vectors: [n_items, dim()], unit length (zero for an item with no modality).
  // attention (optional): [n_items, kModalities], the weight of each modality (0 when missing).
  Status Embed(const ModalityInputs& inputs, std::vector<float>* vectors,
               std::vector<float>* attention = nullptr) const;

  int dim() const;
  const std::array<int, kModalities>& input_dims() const;
  const FusionOptions& options() const;
  Status Save(BinaryWriter& out) const;

 private:
  struct Impl;
  explicit FusionModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace encore::fusion
