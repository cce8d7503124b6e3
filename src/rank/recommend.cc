#include "rank/recommend.h"

#include <algorithm>

#include "rank/rerank.h"

namespace encore {
namespace {

// Each source proposes a few times what is asked, so fusion and MMR have room.
constexpr idx_t kPoolFactor = 3;
constexpr idx_t kMinPool = 30;

}  // namespace

StatusOr<RecommendResult> Recommend(const RankContext& ctx, const UserView& user, const RecommendRequest& request) {
  const Catalog& catalog = *ctx.catalog;
  RecommendResult result;
  const idx_t want = request.offset + request.n;
  const idx_t pool = std::max(kMinPool, want * kPoolFactor);

  std::vector<ItemIdx> consumed;
  if (!request.include_consumed) consumed.assign(user.history.begin(), user.history.end());
  consumed.insert(consumed.end(), user.served.begin(), user.served.end());
  const ItemMask mask = BuildExclusionMask(catalog, request.filter, consumed);

  std::vector<SourceList> lists;
  if (user.model != nullptr) {
    CfQuery q{user.model, user.model_user, user.history, user.weights, user.index};
    auto cf = CfCandidates(q, pool, mask.span());
    if (cf.ok()) {
      result.personal_cf = true;
      lists.push_back({Source::kCf, std::move(*cf)});
    } else if (cf.status().code() != StatusCode::kUnimplemented) {
      return cf.status();
    }
  }
  if (ctx.neighbours != nullptr && !user.history.empty()) {
    auto nb = NeighbourCandidates(*ctx.neighbours, user.history, user.weights, pool, mask.span());
    if (!nb.empty()) lists.push_back({Source::kNeighbours, std::move(nb)});
  }
  if (lists.empty() && !user.history.empty()) {
    auto content = ContentCandidates(catalog, user.history, pool, mask.span());
    if (!content.empty()) lists.push_back({Source::kContent, std::move(content)});
  }
  result.fallback = lists.empty();
  lists.push_back({Source::kPopular, FilterList(ctx.popular, pool, mask.span())});
  lists.push_back({Source::kFresh, FilterList(ctx.fresh, result.fallback ? pool : want, mask.span())});

  std::vector<Candidate> fused = MergeAndFuse(lists, ctx.fusion);
  const float lambda = 1.0f - std::clamp(request.diversity, 0.0f, 1.0f);
  std::vector<Candidate> ranked = MmrRerank(fused, catalog, want, lambda);

  ExplainContext ectx{&catalog, user.model, user.model_user, ctx.neighbours, user.history, user.weights};
  for (idx_t pos = request.offset; pos < static_cast<idx_t>(ranked.size()); ++pos) {
    const Candidate& c = ranked[pos];
    RankedItem r{c.item, c.score, c.sources, std::nullopt};
    if (request.explain) r.explanation = ExplainItem(ectx, c.item, c.sources);
    result.items.push_back(std::move(r));
  }
  return result;
}

StatusOr<std::vector<ScoredItem>> SimilarItems(const RankContext& ctx, std::span<const float> item_vectors,
                                               const VectorIndex* index, ItemIdx item, idx_t n,
                                               const ItemFilter& filter) {
  const Catalog& catalog = *ctx.catalog;
  const ItemIdx self[] = {item};
  const ItemMask mask = BuildExclusionMask(catalog, filter, self);
  std::vector<SourceList> lists;
  if (ctx.neighbours != nullptr) {
    lists.push_back({Source::kNeighbours, FilterList(ctx.neighbours->Of(item), n, mask.span())});
  }
  if (index != nullptr && static_cast<size_t>(item + 1) * index->dim() <= item_vectors.size()) {
    // The item's own vector as the query: what a user who liked it would get.
    const size_t dim = static_cast<size_t>(index->dim());
    ENCORE_ASSIGN_OR_RETURN(auto near, index->Search(item_vectors.subspan(item * dim, dim), n, mask.span()));
    lists.push_back({Source::kCf, std::move(near)});
  }
  lists.push_back({Source::kContent, ContentCandidates(catalog, self, n, mask.span(), 1)});
  // Neighbours first, then vectors, then content: concatenation, not fusion,
  // since a co-occurrence neighbour is stronger evidence than a shared tag.
  std::vector<ScoredItem> out;
  std::vector<char> seen(static_cast<size_t>(catalog.size()), 0);
  for (const SourceList& list : lists) {
    for (const ScoredItem& s : list.items) {
      if (static_cast<idx_t>(out.size()) >= n) break;
      if (s.item < 0 || s.item >= catalog.size() || seen[s.item]) continue;
      seen[s.item] = 1;
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace encore
