// The one training loop of the sequence models (sasrec, gru4rec): next-item
// prediction at every position of each training window, full softmax
// cross-entropy over the catalogue (Klenitskiy & Vasilev, RecSys 2023) or
// sampled softmax, Adam with linear warm-up, gradient clipping, dropout, early
// stopping on validation NDCG@10 with the best weights kept in memory.
// INTERNAL: includes torch through models/sequence_net.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/context.h"
#include "core/status.h"
#include "models/sequence_net.h"

namespace encore::seq {

struct TrainData {
  // Per user: training tokens (item + 1) in time order.
  std::vector<std::vector<int64_t>> sequences;
  // Per user: the token to predict after `sequences[user]` for validation, 0 = none.
  // Empty: no validation (train `epochs` epochs, keep the last weights).
  std::vector<int64_t> val_targets;
};

// Trains `net` in place. `label` names the progress bar. Throws c10::Error on
// torch failures (callers convert at their boundary).
Status TrainSequenceNet(SequenceNet& net, const TrainData& data, const SequenceOptions& options,
                        const RunContext& run, const std::string& label, SequenceTrainReport* report);

// Mean softmax cross-entropy of rows of h against every item, computed in row
// chunks with the gradient written directly (softmax minus one-hot), so the
// [N, n_items] logits never exist at once and log_softmax's backward is not
// used. h: [N, D]; items: [n_items, D]; targets: [N] int64 item indices.
// Same value and gradients as cross_entropy(h @ items^T, targets).
torch::Tensor FullSoftmaxCrossEntropy(const torch::Tensor& h, const torch::Tensor& items, const torch::Tensor& targets);

struct NextItemMetrics {
  double ndcg = 0;   // NDCG@k of the target, averaged over users with a target
  double hr = 0;     // HR@k
  int64_t users = 0;
};

// Ranks every item after each user's sequence (items of the sequence excluded,
// as in leave-one-out full ranking) and scores the rank of her target.
// Users with target 0 are skipped. Puts `net` in eval mode.
NextItemMetrics EvaluateNextItem(SequenceNet& net, const std::vector<std::vector<int64_t>>& sequences,
                                 const std::vector<int64_t>& targets, int max_len, int k);

}  // namespace encore::seq
