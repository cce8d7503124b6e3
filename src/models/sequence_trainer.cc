#include "models/sequence_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <numeric>
#include <random>

#include "core/progress.h"
#include "core/training_environment.h"

namespace encore::seq {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A training window of one user's tokens: inputs [begin, end - 1), targets [begin + 1, end).
struct Window {
  int64_t user = 0;
  int64_t begin = 0;
  int64_t end = 0;
};

// "last": the latest max_len + 1 tokens of each user (the reference SASRec).
// "all": consecutive windows from the end back to the start, each target once.
std::vector<Window> MakeWindows(const std::vector<std::vector<int64_t>>& sequences, int max_len, bool all) {
  std::vector<Window> windows;
  for (size_t user_idx = 0; user_idx < sequences.size(); ++user_idx) {
    int64_t end = static_cast<int64_t>(sequences[user_idx].size());
    while (end >= 2) {
      const int64_t begin = std::max<int64_t>(0, end - max_len - 1);
      windows.push_back({static_cast<int64_t>(user_idx), begin, end});
      if (!all || begin == 0) break;
      end = begin + 1;
    }
  }
  return windows;
}

// Copies of every parameter and buffer, to keep the best epoch's weights.
std::vector<torch::Tensor> Snapshot(torch::nn::Module& net) {
  std::vector<torch::Tensor> state;
  for (const auto& p : net.parameters()) state.push_back(p.detach().clone());
  for (const auto& b : net.buffers()) state.push_back(b.detach().clone());
  return state;
}

void Restore(torch::nn::Module& net, const std::vector<torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& p : net.parameters()) p.copy_(state[i++]);
  for (auto& b : net.buffers()) b.copy_(state[i++]);
}

void SetLearningRate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
  }
}

// Rows per chunk so that a chunk of logits stays around 16 MB: below glibc's
// mmap threshold, so the buffer is recycled instead of page-faulted afresh.
int64_t ChunkRows(int64_t n_items) { return std::max<int64_t>(64, (int64_t{4} << 20) / std::max<int64_t>(1, n_items)); }

class FullSoftmaxCrossEntropyFn : public torch::autograd::Function<FullSoftmaxCrossEntropyFn> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& h,
                               const torch::Tensor& items, const torch::Tensor& targets) {
    const int64_t n = h.size(0);
    const int64_t chunk = ChunkRows(items.size(0));
    torch::Tensor lse = torch::empty({n}, h.options());  // log-sum-exp per row
    for (int64_t begin = 0; begin < n; begin += chunk) {
      const int64_t end = std::min(n, begin + chunk);
      torch::Tensor logits = torch::mm(h.slice(0, begin, end), items.t());  // [c, n_items]
      lse.slice(0, begin, end).copy_(torch::logsumexp(logits, 1));
    }
    torch::Tensor target_logits = (h * items.index_select(0, targets)).sum(1);  // [N]
    ctx->save_for_backward({h, items, targets, lse});
    return (lse - target_logits).mean();
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor& h = saved[0];
    const torch::Tensor& items = saved[1];
    const torch::Tensor& targets = saved[2];
    const torch::Tensor& lse = saved[3];
    const int64_t n = h.size(0);
    const int64_t chunk = ChunkRows(items.size(0));
    const torch::Tensor scale = grad_outputs[0] / static_cast<double>(n);
    torch::Tensor grad_h = torch::empty_like(h);
    torch::Tensor grad_items = torch::zeros_like(items);
    for (int64_t begin = 0; begin < n; begin += chunk) {
      const int64_t end = std::min(n, begin + chunk);
      torch::Tensor hc = h.slice(0, begin, end);
      // p: [c, n_items] = (softmax - one_hot(target)) * grad / N
      torch::Tensor p = torch::mm(hc, items.t());
      p.sub_(lse.slice(0, begin, end).unsqueeze(1)).exp_();
      p.scatter_add_(1, targets.slice(0, begin, end).unsqueeze(1),
                     torch::full({end - begin, 1}, -1.0, p.options()));
      p.mul_(scale);
      grad_h.slice(0, begin, end).copy_(torch::mm(p, items));
      grad_items.addmm_(p.t(), hc);
    }
    return {grad_h, grad_items, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor FullSoftmaxCrossEntropy(const torch::Tensor& h, const torch::Tensor& items, const torch::Tensor& targets) {
  return FullSoftmaxCrossEntropyFn::apply(h, items, targets);
}

NextItemMetrics EvaluateNextItem(SequenceNet& net, const std::vector<std::vector<int64_t>>& sequences,
                                 const std::vector<int64_t>& targets, int max_len, int k) {
  constexpr size_t kEvalBatch = 256;
  net.eval();
  torch::NoGradGuard no_grad;
  torch::Tensor table = net.ItemTable();
  std::vector<int64_t> users;
  for (size_t user_idx = 0; user_idx < targets.size(); ++user_idx) {
    if (targets[user_idx] > 0 && !sequences[user_idx].empty()) users.push_back(static_cast<int64_t>(user_idx));
  }
  // Similar lengths share a batch: less padding to encode.
  std::stable_sort(users.begin(), users.end(),
                   [&](int64_t a, int64_t b) { return sequences[a].size() < sequences[b].size(); });
  NextItemMetrics m;
  for (size_t start = 0; start < users.size(); start += kEvalBatch) {
    const size_t stop = std::min(users.size(), start + kEvalBatch);
    std::vector<std::vector<int64_t>> batch;
    std::vector<int64_t> last;
    for (size_t i = start; i < stop; ++i) {
      batch.push_back(sequences[users[i]]);
      last.push_back(std::min<int64_t>(batch.back().size(), max_len) - 1);
    }
    torch::Tensor ids = PackLastTokens(batch, max_len);
    torch::Tensor h = net.Encode(ids, table);  // [b, T, D]
    torch::Tensor rows = torch::arange(static_cast<int64_t>(batch.size()), torch::kInt64);
    torch::Tensor final_h = h.index({rows, torch::tensor(last, torch::kInt64)});  // [b, D]
    torch::Tensor logits = SequenceNet::Logits(final_h, table).contiguous();       // [b, n_items]
    auto acc = logits.accessor<float, 2>();
    for (size_t row = 0; row < batch.size(); ++row) {
      const int64_t target_item = targets[users[start + row]] - 1;
      const float target_score = acc[row][target_item];
      // Seen items (the whole sequence, not only its last max_len) are excluded.
      std::vector<bool> seen(net.n_items(), false);
      for (int64_t token : batch[row]) seen[token - 1] = true;
      int64_t rank = 0;
      for (int64_t item_idx = 0; item_idx < net.n_items(); ++item_idx) {
        if (item_idx != target_item && !seen[item_idx] && acc[row][item_idx] > target_score) ++rank;
      }
      if (rank < k) {
        m.hr += 1;
        m.ndcg += 1.0 / std::log2(static_cast<double>(rank) + 2.0);
      }
    }
  }
  m.users = static_cast<int64_t>(users.size());
  if (m.users > 0) {
    m.hr /= static_cast<double>(m.users);
    m.ndcg /= static_cast<double>(m.users);
  }
  return m;
}

Status TrainSequenceNet(SequenceNet& net, const TrainData& data, const SequenceOptions& options,
                        const RunContext& run, const std::string& label, SequenceTrainReport* report) {
  constexpr int kMetricK = 10;
  const TrainingEnvironment environment;
  const bool sampled = options.loss == "sampled";
  const std::vector<Window> windows = MakeWindows(data.sequences, options.max_len, options.windows == "all");
  if (windows.empty()) {
    return FailedPrecondition(label + ": no user has two or more positive interactions; nothing to learn from");
  }
  bool have_validation = false;
  for (int64_t t : data.val_targets) have_validation = have_validation || t > 0;

  torch::optim::Adam optimizer(
      net.parameters(),
      torch::optim::AdamOptions(options.lr).betas({0.9, 0.98}).weight_decay(options.weight_decay));
  std::mt19937_64 rng(run.seed);
  std::vector<size_t> order(windows.size());
  std::iota(order.begin(), order.end(), size_t{0});

  Progress progress(label, options.epochs, run.progress);
  std::vector<torch::Tensor> best_state;
  int evals_without_gain = 0;
  int64_t step = 0;
  report->epochs.clear();
  report->best_epoch = 0;
  report->best_val_ndcg = -1;

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    SequenceEpoch record;
    record.epoch = epoch;
    const auto epoch_start = Clock::now();
    const std::clock_t epoch_cpu_start = std::clock();
    net.train();
    std::shuffle(order.begin(), order.end(), rng);
    if (options.length_buckets) {
      // Batches of similar lengths (attention costs T^2 per sequence), with a
      // random jitter of up to 25% of the length so batches differ between
      // epochs; the batch order is shuffled again below.
      std::uniform_real_distribution<double> jitter(1.0, 1.25);
      std::vector<double> key(windows.size());
      for (size_t i = 0; i < windows.size(); ++i) key[i] = static_cast<double>(windows[i].end - windows[i].begin) * jitter(rng);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
    }
    std::vector<size_t> batch_starts;
    for (size_t first = 0; first < order.size(); first += options.batch_size) batch_starts.push_back(first);
    std::shuffle(batch_starts.begin(), batch_starts.end(), rng);
    double loss_sum = 0;
    int64_t target_count = 0;
    for (size_t first : batch_starts) {
      const size_t last = std::min(order.size(), first + static_cast<size_t>(options.batch_size));
      int64_t longest = 1;
      for (size_t i = first; i < last; ++i) longest = std::max(longest, windows[order[i]].end - windows[order[i]].begin - 1);
      const int64_t batch = static_cast<int64_t>(last - first);
      // ids, targets: [B, T] left-aligned, 0 = padding.
      torch::Tensor ids = torch::zeros({batch, longest}, torch::kInt64);
      torch::Tensor targets = torch::zeros({batch, longest}, torch::kInt64);
      auto ids_acc = ids.accessor<int64_t, 2>();
      auto tgt_acc = targets.accessor<int64_t, 2>();
      for (int64_t row = 0; row < batch; ++row) {
        const Window& w = windows[order[first + row]];
        const auto& s = data.sequences[w.user];
        for (int64_t pos = w.begin; pos + 1 < w.end; ++pos) {
          ids_acc[row][pos - w.begin] = s[pos];
          tgt_acc[row][pos - w.begin] = s[pos + 1];
        }
      }
      if (options.warmup_steps > 0) {
        SetLearningRate(optimizer, options.lr * std::min(1.0, static_cast<double>(step + 1) / options.warmup_steps));
      }
      torch::Tensor table = net.ItemTable();
      torch::Tensor h = net.Encode(ids, table);  // [B, T, D]
      torch::Tensor flat_targets = targets.reshape({-1});
      torch::Tensor where = flat_targets.nonzero().squeeze(1);
      torch::Tensor hv = h.reshape({-1, net.hidden()}).index_select(0, where);  // [N, D]
      torch::Tensor item_targets = flat_targets.index_select(0, where) - 1;     // [N]
      torch::Tensor loss;
      if (!sampled) {
        loss = FullSoftmaxCrossEntropy(hv, table.slice(0, 1), item_targets);
      } else {
        // Sampled softmax: the positive against uniform negatives shared by the batch;
        // a negative equal to the positive is masked out.
        torch::Tensor negatives = torch::randint(net.n_items(), {options.negatives}, torch::kInt64);
        torch::Tensor pos = (hv * table.index_select(0, item_targets + 1)).sum(-1, true);  // [N, 1]
        torch::Tensor neg = torch::matmul(hv, table.index_select(0, negatives + 1).t());     // [N, K]
        neg = neg.masked_fill(negatives.unsqueeze(0).eq(item_targets.unsqueeze(1)),
                              -std::numeric_limits<float>::infinity());
        loss = torch::nn::functional::cross_entropy(torch::cat({pos, neg}, 1),
                                                    torch::zeros({hv.size(0)}, torch::kInt64));
      }
      optimizer.zero_grad();
      loss.backward();
      if (options.clip_norm > 0) torch::nn::utils::clip_grad_norm_(net.parameters(), options.clip_norm);
      optimizer.step();
      ++step;
      const int64_t n = hv.size(0);
      loss_sum += loss.item<double>() * static_cast<double>(n);
      target_count += n;
    }
    record.loss = target_count > 0 ? loss_sum / static_cast<double>(target_count) : 0.0;
    record.train_seconds = SecondsSince(epoch_start);
    record.train_cpu_seconds = static_cast<double>(std::clock() - epoch_cpu_start) / CLOCKS_PER_SEC;

    bool stop = false;
    char note[160];
    if (have_validation && (epoch % options.eval_every == 0 || epoch == options.epochs)) {
      const auto eval_start = Clock::now();
      NextItemMetrics m = EvaluateNextItem(net, data.sequences, data.val_targets, options.max_len, kMetricK);
      record.eval_seconds = SecondsSince(eval_start);
      record.val_ndcg = m.ndcg;
      record.val_hr = m.hr;
      if (m.ndcg > report->best_val_ndcg) {
        report->best_val_ndcg = m.ndcg;
        report->best_epoch = epoch;
        best_state = Snapshot(net);
        evals_without_gain = 0;
      } else if (++evals_without_gain >= options.patience) {
        stop = true;
      }
      std::snprintf(note, sizeof(note), "loss %.4f val ndcg@10 %.4f (best %.4f @%d)", record.loss, m.ndcg,
                    report->best_val_ndcg, report->best_epoch);
    } else {
      std::snprintf(note, sizeof(note), "loss %.4f", record.loss);
    }
    if (run.verbose) {
      std::fprintf(stderr, "%s epoch %d: %s, %.2f s\n", label.c_str(), epoch, note, record.train_seconds);
    }
    report->epochs.push_back(record);
    progress.SetNote(note);
    progress.Advance();
    if (stop) break;
  }
  progress.Finish();
  if (!best_state.empty()) {
    Restore(net, best_state);
  } else {
    report->best_epoch = static_cast<int>(report->epochs.size());
  }
  net.eval();
  return Status::Ok();
}

}  // namespace encore::seq
