#include "models/userknn.h"

#include <cmath>
#include <map>

#include "core/progress.h"

namespace encore {
namespace {
constexpr char kUserKnnMagic[] = "UKNN";
constexpr uint32_t kUserKnnVersion = 1;
}  // namespace

StatusOr<std::unique_ptr<Recommender>> UserKnn::Create(const ModelParams& params) {
  UserKnnOptions o;
  ParamReader r("userknn", params);
  ENCORE_RETURN_IF_ERROR(ReadKnnOptions(r, &o.similarity));
  ENCORE_RETURN_IF_ERROR(r.Bool("binary", &o.binary));
  ENCORE_RETURN_IF_ERROR(r.Finish());
  return std::unique_ptr<Recommender>(new UserKnn(o));
}

ModelParams UserKnn::Params() const {
  ModelParams p;
  WriteKnnOptions(options_.similarity, &p);
  p["binary"] = options_.binary ? "true" : "false";
  return p;
}

Status UserKnn::Fit(const TrainContext& ctx, const Interactions& train) {
  Progress progress("userknn", 1, ctx.run.progress);
  n_items_ = train.n_items();
  history_ = UserHistory::FromInteractions(train, options_.binary);
  weighted_ = RowsFromHistory(history_);
  if (options_.similarity.similarity == "bm25") {
    Bm25Weight(&weighted_, n_items_, options_.similarity.bm25_k1, options_.similarity.bm25_b);
  }
  by_item_ = weighted_.Transposed(n_items_);
  ENCORE_RETURN_IF_ERROR(BuildKnnSimilarity(weighted_, by_item_, options_.similarity, ctx.run.threads, &similarity_));
  progress.Advance();
  return Status::Ok();
}

void UserKnn::Aggregate(std::span<const int32_t> neighbours, std::span<const float> sims,
                        std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  // scores: [n_items] = sum_v S(u, v) x_v
  for (size_t n = 0; n < neighbours.size(); ++n) {
    auto items = history_.Items(neighbours[n]);
    auto values = history_.Weights(neighbours[n]);
    for (size_t k = 0; k < items.size(); ++k) scores[items[k]] += sims[n] * values[k];
  }
}

Status UserKnn::Score(UserIdx user, std::span<const ItemIdx> items, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("userknn", user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("userknn", items, scores, n_items_));
  std::vector<float> all(n_items_);
  Aggregate(similarity_.Cols(user), similarity_.Vals(user), all);
  for (size_t n = 0; n < items.size(); ++n) scores[n] = all[items[n]];
  return Status::Ok();
}

Status UserKnn::ScoreAll(UserIdx user, std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("userknn", user, n_users()));
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("userknn", {}, {}, scores, n_items_));
  Aggregate(similarity_.Cols(user), similarity_.Vals(user), scores);
  return Status::Ok();
}

Status UserKnn::ScoreHistory(std::span<const ItemIdx> history, std::span<const float> weights,
                             std::span<float> scores) const {
  ENCORE_RETURN_IF_ERROR(CheckHistoryArgs("userknn", history, weights, scores, n_items_));
  std::vector<ItemIdx> items;
  std::vector<float> values;
  HistoryToSparse(history, weights, options_.binary, &items, &values);
  // The new user against every training user, with Fit's similarity (under BM25
  // the new row keeps its raw values: it has no place in the corpus statistics).
  const idx_t n_users = history_.n_users();
  std::vector<float> dots(n_users, 0.0f);
  for (size_t m = 0; m < items.size(); ++m) {
    auto users = by_item_.Cols(items[m]);
    auto vals = by_item_.Vals(items[m]);
    for (size_t k = 0; k < users.size(); ++k) dots[users[k]] += values[m] * vals[k];
  }
  double squares = 0;
  for (float v : values) squares += static_cast<double>(v) * v;
  const auto& o = options_.similarity;
  const double alpha = o.similarity == "cosine" ? 0.5 : o.asymmetric_alpha;
  std::vector<std::pair<float, int32_t>> candidates;
  for (idx_t v = 0; v < n_users; ++v) {
    if (dots[v] <= 0) continue;
    float sim = dots[v];
    if (o.similarity != "bm25") {
      double other = 0;
      for (float x : weighted_.Vals(v)) other += static_cast<double>(x) * x;
      sim = static_cast<float>(dots[v] / (std::pow(squares, alpha) * std::pow(other, 1.0 - alpha) + o.shrink + 1e-12));
    }
    candidates.emplace_back(sim, static_cast<int32_t>(v));
  }
  const size_t keep = std::min(candidates.size(), static_cast<size_t>(o.neighbours));
  std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(),
                    [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<int32_t> neighbours(keep);
  std::vector<float> sims(keep);
  for (size_t n = 0; n < keep; ++n) {
    neighbours[n] = candidates[n].second;
    sims[n] = candidates[n].first;
  }
  Aggregate(neighbours, sims, scores);
  return Status::Ok();
}

Status UserKnn::Explain(UserIdx user, ItemIdx item, std::vector<Contribution>* out) const {
  ENCORE_RETURN_IF_ERROR(CheckUser("userknn", user, n_users()));
  const ItemIdx one[1] = {item};
  float unused[1];
  ENCORE_RETURN_IF_ERROR(CheckScoreArgs("userknn", one, unused, n_items_));
  std::map<ItemIdx, float> shares;
  auto mine = history_.Items(user);
  auto neighbours = similarity_.Cols(user);
  auto sims = similarity_.Vals(user);
  for (size_t n = 0; n < neighbours.size(); ++n) {
    const float vote = sims[n] * history_.Weight(neighbours[n], item);
    if (vote <= 0) continue;
    auto theirs = history_.Items(neighbours[n]);
    std::vector<ItemIdx> shared;
    std::set_intersection(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(shared));
    for (ItemIdx i : shared) shares[i] += vote / static_cast<float>(shared.size());
  }
  out->clear();
  for (const auto& [i, w] : shares) out->push_back({i, w});
  std::sort(out->begin(), out->end(), [](const Contribution& a, const Contribution& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
  });
  return Status::Ok();
}

Status UserKnn::SaveBody(BinaryWriter& out) const {
  out.Header(kUserKnnMagic, kUserKnnVersion);
  out.Pod<int64_t>(n_items_);
  history_.Save(out);
  weighted_.Save(out);
  similarity_.Save(out);
  return Status::Ok();
}

Status UserKnn::LoadBody(BinaryReader& in) {
  ENCORE_ASSIGN_OR_RETURN(uint32_t version, in.Header(kUserKnnMagic, kUserKnnVersion));
  (void)version;
  int64_t n_items = 0;
  ENCORE_RETURN_IF_ERROR(in.Pod(&n_items));
  if (n_items < 0 || n_items > kMaxEntities) return DataLoss(in.name() + ": corrupt item count");
  n_items_ = n_items;
  ENCORE_RETURN_IF_ERROR(history_.Load(in, n_items_));
  ENCORE_RETURN_IF_ERROR(weighted_.Load(in, history_.n_users(), n_items_));
  ENCORE_RETURN_IF_ERROR(similarity_.Load(in, history_.n_users(), history_.n_users()));
  by_item_ = weighted_.Transposed(n_items_);
  return Status::Ok();
}

}  // namespace encore
