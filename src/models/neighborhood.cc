#include "models/neighborhood.h"

namespace encore {
namespace {
constexpr char kSimilarityMagic[] = "ISIM";
constexpr uint32_t kSimilarityVersion = 1;
}  // namespace

float SparseRows::At(idx_t r, int32_t c) const {
  auto cols = Cols(r);
  auto it = std::lower_bound(cols.begin(), cols.end(), c);
  if (it == cols.end() || *it != c) return 0.0f;
  return Vals(r)[it - cols.begin()];
}

SparseRows SparseRows::Transposed(idx_t n_cols) const {
  SparseRows t;
  t.ptr.assign(n_cols + 1, 0);
  for (int32_t c : idx) ++t.ptr[c + 1];
  for (idx_t c = 0; c < n_cols; ++c) t.ptr[c + 1] += t.ptr[c];
  t.idx.resize(idx.size());
  t.val.resize(idx.size());
  std::vector<idx_t> next(t.ptr.begin(), t.ptr.end() - 1);
  for (idx_t r = 0; r < n_rows(); ++r) {
    for (idx_t k = ptr[r]; k < ptr[r + 1]; ++k) {
      idx_t dst = next[idx[k]]++;
      t.idx[dst] = static_cast<int32_t>(r);
      t.val[dst] = val[k];
    }
  }
  return t;
}

void SparseRows::Save(BinaryWriter& out) const {
  out.Vector(ptr);
  out.Vector(idx);
  out.Vector(val);
}

Status SparseRows::Load(BinaryReader& in, idx_t n_rows, idx_t n_cols) {
  ENCORE_RETURN_IF_ERROR(in.Vector(&ptr));
  ENCORE_RETURN_IF_ERROR(in.Vector(&idx));
  ENCORE_RETURN_IF_ERROR(in.Vector(&val));
  if (static_cast<idx_t>(ptr.size()) != n_rows + 1 || ptr.front() != 0 ||
      ptr.back() != static_cast<idx_t>(idx.size()) || idx.size() != val.size()) {
    return DataLoss(in.name() + ": corrupt sparse matrix");
  }
  for (idx_t r = 0; r < n_rows; ++r) {
    if (ptr[r] > ptr[r + 1]) return DataLoss(in.name() + ": corrupt sparse matrix offsets");
  }
  for (int32_t c : idx) {
    if (c < 0 || c >= n_cols) return DataLoss(in.name() + ": sparse matrix column out of range");
  }
  return Status::Ok();
}

SparseRows RowsFromHistory(const UserHistory& history) {
  SparseRows rows;
  rows.ptr.assign(history.n_users() + 1, 0);
  rows.idx.reserve(history.nnz());
  rows.val.reserve(history.nnz());
  for (idx_t u = 0; u < history.n_users(); ++u) {
    auto items = history.Items(u);
    auto weights = history.Weights(u);
    rows.idx.insert(rows.idx.end(), items.begin(), items.end());
    rows.val.insert(rows.val.end(), weights.begin(), weights.end());
    rows.ptr[u + 1] = static_cast<idx_t>(rows.idx.size());
  }
  return rows;
}

void ItemSimilarityModel::ScoreRow(std::span<const ItemIdx> items, std::span<const float> values,
                                   std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  // scores: [n_items] = sum over history of x_i * S(i, :)
  for (size_t m = 0; m < items.size(); ++m) {
    auto cols = similarity_.Cols(items[m]);
    auto vals = similarity_.Vals(items[m]);
    const float x = values[m];
    for (size_t k = 0; k < cols.size(); ++k) scores[cols[k]] += x * vals[k];
  }
}

Status ItemSimilarityModel::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  const std::string name = Name();
  ENCORE_RETURN_IF_ERROR(CheckUser(name.c_str(), user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs(name.c_str(), items, scores, n_items_));
  auto hist = history_.Items(user);
  auto values = history_.Weights(user);
  for (size_t n = 0; n < items.size(); ++n) {
    float s = 0;
    for (size_t m = 0; m < hist.size(); ++m) s += values[m] * similarity_.At(hist[m], items[n]);
    scores[n] = s;
  }
  return Status::Ok();
}

Status ItemSimilarityModel::ScoreAll(UserIdx user, std::span<float> scores) const {
  const std::string name = Name();
  ENCORE_RETURN_IF_ERROR(CheckUser(name.c_str(), user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs(name.c_str(), {}, {}, scores, n_items_));
  ScoreRow(history_.Items(user), history_.Weights(user), scores);
  return Status::Ok();
}

Status ItemSimilarityModel::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                                         std::span<float> scores) const {
  const std::string name = Name();
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs(name.c_str(), history, weights, scores, n_items_));
  std::vector<ItemIdx> items;
  std::vector<float> values;
  HistoryToSparse(history, weights, binary(), &items, &values);
  ScoreRow(items, values, scores);
  return Status::Ok();
}

Status ItemSimilarityModel::Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const {
  const std::string name = Name();
  ENCORE_RETURN_IF_ERROR(CheckUser(name.c_str(), user, n_users()));
  const ItemIdx one[1] = {item};
  float unused[1];
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs(name.c_str(), one, unused, n_items_));
  out->clear();
  auto hist = history_.Items(user);
  auto values = history_.Weights(user);
  for (size_t m = 0; m < hist.size(); ++m) {
    const float w = values[m] * similarity_.At(hist[m], item);
    if (w > 0) out->push_back({hist[m], w});
  }
  std::sort(out->begin(), out->end(), [](const Contribution& a, const Contribution& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
  });
  return Status::Ok();
}

Status ItemSimilarityModel::SaveBody(BinaryWriter& out) const {
  out.Header(kSimilarityMagic, kSimilarityVersion);
  out.Pod<int64_t>(n_items_);
  history_.Save(out);
  similarity_.Save(out);
  return Status::Ok();
}

Status ItemSimilarityModel::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kSimilarityMagic, kSimilarityVersion));
  (void)version;
  int64_t n_items = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  if (n_items < 0 || n_items > kMaxEntities) return DataLoss(in.name() + ": corrupt item count");
  n_items_ = n_items;
  ENCORE_RETURN_IF_ERROR(history_.Load(in, n_items_));
  return similarity_.Load(in, n_items_, n_items_);
}

}  // namespace encore
