#include "models/random.h"

#include <string>

namespace encore {
namespace {

// MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit over
// the output, so neighbouring (user, item) keys give unrelated scores. A hash of
// the key rather than a generator stream keeps Score() stateless and therefore
// the same whatever order or subset of items it is asked for.
uint64_t Fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  k ^= k >> 33;
  return k;
}

// Odd multipliers keep the user and item terms from cancelling each other.
constexpr uint64_t kUserMul = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kItemMul = 0xD6E8FEB86659FD93ull;
// Top bit set: history keys never collide with the keys of training users.
constexpr uint64_t kHistoryKeyBit = 1ull << 63;

float PairScore(uint64_t seed, uint64_t user_key, ItemIdx item) {
  const uint64_t h = Fmix64(Fmix64(seed ^ (user_key * kUserMul)) ^ (static_cast<uint64_t>(item) * kItemMul));
  return static_cast<float>(h >> 40) * 0x1.0p-24f;  // 24 bits: exact in a float, uniform in [0, 1)
}

}  // namespace

StatusOr<std::unique_ptr<Recommender>> RandomModel::Create(const ModelParams& params) {
  RandomOptions o;
  ParamReader r("random", params);
  ENCORE_RETURN_IF_ERROR(r.Int("seed", &o.seed, -1, INT64_MAX));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new RandomModel(o));
}

ModelParams RandomModel::Params() const { return {{"seed", std::to_string(options_.seed)}}; }

Status RandomModel::Fit(const TrainContext& ctx, const Interactions& train) {
  seed_ = options_.seed >= 0 ? static_cast<uint64_t>(options_.seed) : ctx.run.seed;
  n_users_ = train.n_users();
  n_items_ = train.n_items();
  return Status::Ok();
}

Status RandomModel::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  if (items.size() != scores.size()) return InvalidArgument("random: items and scores differ in size");
  if (user < 0 || user >= n_users_) {
    return InvalidArgument("random: user index " + std::to_string(user) + " was not in training (use ScoreHistory)");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] < 0 || items[i] >= n_items_) {
      return InvalidArgument("random: item index " + std::to_string(items[i]) + " out of range");
    }
    scores[i] = PairScore(seed_, static_cast<uint64_t>(user), items[i]);
  }
  return Status::Ok();
}

Status RandomModel::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                                 std::span<float> scores) const {
  if (static_cast<idx_t>(scores.size()) != n_items_) return InvalidArgument("random: wrong scores size");
  if (!weights.empty() && weights.size() != history.size()) {
    return InvalidArgument("random: history and weights differ in size");
  }
  uint64_t key = Fmix64(seed_ + history.size());
  for (ItemIdx item : history) key = Fmix64(key ^ (static_cast<uint64_t>(item) * kItemMul));
  key |= kHistoryKeyBit;
  for (idx_t item_idx = 0; item_idx < n_items_; ++item_idx) {
    scores[item_idx] = PairScore(seed_, key, static_cast<ItemIdx>(item_idx));
  }
  return Status::Ok();
}

Status RandomModel::SaveBody(BinaryWriter& out) const {
  out.Pod<uint64_t>(seed_);
  out.Pod<int64_t>(n_users_);
  out.Pod<int64_t>(n_items_);
  return Status::Ok();
}

Status RandomModel::LoadBody(BinaryReader& in) {
  uint64_t seed = 0;
  int64_t n_users = 0, n_items = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&seed));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_users));
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  if (n_users < 0 || n_items < 0) return DataLoss("random: negative user or item count");
  seed_ = seed;
  n_users_ = n_users;
  n_items_ = n_items;
  return Status::Ok();
}

}  // namespace encore
