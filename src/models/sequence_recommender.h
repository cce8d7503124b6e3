// Next-item sequence models (sasrec, gru4rec) behind the Recommender interface.
//
// A user's sequence is her training row sorted by timestamp, then item index
// (positive weights only). The network reads the last `max_len` items and
// scores the whole catalogue for the next one. Both models share this class:
// data preparation, the training loop (models/sequence_trainer.h), serving,
// beam-search decoding and the model file; they differ only in the encoder
// (models/sequence_net.h). This header does not include torch, so other
// translation units can include it at no compile cost.
//
// Serving: Score/ScoreAll for a training user read her training sequence
// followed by her TrainContext::validation items (for leave-one-out that is
// the second-to-last item, which is history when the last item is scored).
// ScoreHistory reads the given history. An empty history falls back to item
// popularity.
//
// Epoch selection: with TrainContext::validation, early stopping ranks each
// user's first validation item after her training sequence. Without it
// (e.g. leave-one-out fitted on train + valid), `holdout=last` holds out each
// user's last item (users with 3+ items) as the early-stopping target, trains
// on the rest, and still serves from the full sequence: the protocol of the
// reference SASRec implementation. `holdout=none` trains `epochs` epochs.
//
// Decoding (`decode`): "score" (default) returns the one-step next-item logits.
// "beam" additionally runs beam search (GenerateSlate) and lifts the generated
// slate, in its order, above every other item, so top-N of the scores is the
// generated slate followed by the rest in logit order.
//
// Determinism: with the same seed, data and thread count, Fit produces the same
// weights bit for bit on one thread; with several threads torch's reductions
// may change the last bits between runs.
//
// Thread-safety: after Fit/LoadBody, const methods may be called concurrently.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "models/recommender.h"

namespace encore {

// Persisted in model files through Params(): names, not values.
enum class SequenceArch : int { kSasrec = 0, kGru4rec = 1 };

struct SequenceOptions {
  SequenceArch arch = SequenceArch::kSasrec;
  int max_len = 200;           // L: how many of the latest items the model reads
  int hidden = 50;             // embedding and hidden size
  int blocks = 2;              // sasrec: self-attention blocks; gru4rec: GRU layers
  int heads = 1;               // sasrec: attention heads (hidden must be divisible by heads)
  float dropout = 0.2f;        // dropout on embeddings, attention and feed-forward outputs
  int epochs = 200;            // maximum training epochs
  int batch_size = 128;        // sequences per mini-batch
  double lr = 0.001;           // Adam learning rate after warm-up
  int warmup_steps = 20;       // optimizer steps of linear learning-rate warm-up (0 = none)
  double clip_norm = 5.0;      // gradient-norm clipping (0 = off)
  double weight_decay = 0.0;   // Adam L2 penalty
  std::string loss = "full";   // "full": softmax cross-entropy over the catalogue; "sampled": sampled softmax
  int negatives = 256;         // sampled loss: uniform negatives shared by a batch
  std::string windows = "last";  // "last": one window of the latest L+1 items per user; "all": cover the whole history
  bool length_buckets = true;  // batch windows of similar length (less padding); false = plain random batches
  std::string holdout = "last";  // without TrainContext::validation: "last" holds out each user's last item for early stopping; "none" trains `epochs` epochs
  int patience = 10;           // evaluations without validation improvement before stopping
  int eval_every = 1;          // epochs between validation evaluations
  std::string features = "none";  // item side information: none | genres | tags | genres+tags
  int min_feature_count = 2;   // features on fewer items are dropped
  std::string decode = "score";  // "score" or "beam" (see the file comment)
  int beam_width = 5;          // beam search: hypotheses kept per step
  int slate = 10;              // beam search: items generated
};

// One epoch of training, for progress reports and benchmarks.
struct SequenceEpoch {
  int epoch = 0;               // 1-based
  double loss = 0;             // mean loss over the epoch's targets
  double train_seconds = 0;    // wall time of the optimisation steps
  double train_cpu_seconds = 0;  // process CPU time of the optimisation steps (all threads)
  double eval_seconds = 0;     // wall time of the validation pass (0 when none ran)
  double val_ndcg = -1;        // validation NDCG@10 (-1 when not evaluated)
  double val_hr = -1;          // validation HR@10 (-1 when not evaluated)
};

// One generated slate position.
struct SlateItem {
  ItemIdx item = kNoItem;
  float log_prob = 0;          // log-probability of this item given the history and the slate before it
};

struct SequenceTrainReport {
  std::vector<SequenceEpoch> epochs;
  int best_epoch = 0;          // epoch whose weights were kept (last epoch without validation)
  double best_val_ndcg = -1;
  double total_seconds = 0;    // whole Fit, data preparation included
};

class SequenceRecommender : public Recommender {
 public:
  explicit SequenceRecommender(SequenceOptions options);
  ~SequenceRecommender() override;
  // Parses the shared parameters into `options` (whose arch-specific defaults are
  // already set) and validates them.
  static Status ParseOptions(const std::string& model, const ModelParams& params, SequenceOptions* options);

  ModelParams Params() const override;
  Status Fit(const TrainContext& ctx, const Interactions& train) override;
  Status Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const override;
  Status ScoreAll(UserIdx user, std::span<float> scores) const override;
  Status ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                      std::span<float> scores) const override;
  idx_t n_users() const override { return n_users_; }
  idx_t n_items() const override { return n_items_; }
  Status SaveBody(BinaryWriter& out) const override;
  Status LoadBody(BinaryReader& in) override;

  // Batched ScoreHistory for serving many sessions at once: scores is
  // row-major [histories.size(), n_items()]; one forward pass per call.
  // Every history must be non-empty (items in time order). Always one-step
  // next-item logits (decode=beam is not applied here).
  Status ScoreHistories(std::span<const std::vector<ItemIdx>> histories, std::span<float> scores) const;

  // Generates the next `slate` items after `history` (time order) by beam search
  // of width `beam_width`: a sequence with no repeats and no history item.
  // Fewer items when the catalogue runs out. REQUIRES: fitted.
  Status GenerateSlate(std::span<const ItemIdx> history, int slate, int beam_width,
                       std::vector<SlateItem>* out) const;
  // Training sequence (plus validation items) of a training user, time order.
  std::span<const ItemIdx> UserSequence(UserIdx user) const;

  const SequenceOptions& options() const { return options_; }
  const SequenceTrainReport& train_report() const { return report_; }

 private:
  struct Impl;
  Status ScoreSequence(std::span<const ItemIdx> sequence, std::span<float> scores) const;
  Status CheckFitted() const;

  SequenceOptions options_;
  idx_t n_users_ = 0;
  idx_t n_items_ = 0;
  std::vector<idx_t> seq_indptr_{0};   // serving sequences, CSR by user
  std::vector<ItemIdx> seq_items_;
  std::vector<float> popularity_;      // fallback for empty histories
  SequenceTrainReport report_;
  std::unique_ptr<Impl> impl_;         // torch state (network, cached item table)
};

}  // namespace encore
