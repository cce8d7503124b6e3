#include "rank/explain.h"

#include <algorithm>
#include <unordered_set>

namespace encore {
namespace {

constexpr size_t kMaxBecause = 3;
constexpr size_t kMaxShared = 3;

const char* ConsumedVerb(const Item& item) {
  switch (item.kind) {
    case ItemKind::kTrack:
    case ItemKind::kPodcast:
    case ItemKind::kArtist:
      return "listened to";
    default:
      return "watched";
  }
}

std::string Quote(const Item& item) { return "\"" + (item.title.empty() ? item.id : item.title) + "\""; }

// Genres and tags of `a` that `b` has too, display names from `a`.
std::vector<std::string> SharedNames(const Item& a, const Item& b) {
  std::unordered_set<std::string> theirs;
  for (const std::string& g : b.genres) theirs.insert("g:" + Lowercase(g));
  for (const std::string& t : b.tags) theirs.insert("t:" + Lowercase(t));
  std::vector<std::string> out;
  for (const std::string& g : a.genres) {
    if (theirs.count("g:" + Lowercase(g)) && out.size() < kMaxShared) out.push_back(g);
  }
  for (const std::string& t : a.tags) {
    if (theirs.count("t:" + Lowercase(t)) && out.size() < kMaxShared) out.push_back(t);
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
  return out;
}

Explanation BecauseOf(const Catalog& catalog, std::string reason, const std::vector<ItemIdx>& because, ItemIdx item) {
  Explanation e;
  e.reason = std::move(reason);
  e.because = because;
  const Item& first = catalog.item(because.front());
  e.shared = SharedNames(catalog.item(item), first);
  e.text = std::string("Because you ") + ConsumedVerb(first) + " " + Quote(first);
  if (because.size() > 1) e.text += " and " + Quote(catalog.item(because[1]));
  return e;
}

}  // namespace

Explanation ExplainItem(const ExplainContext& ctx, ItemIdx item, uint32_t sources) {
  const Catalog& catalog = *ctx.catalog;
  auto positive = [&](size_t pos) { return ctx.weights.empty() || ctx.weights[pos] > 0; };

  // 1. The model's own attribution.
  if (ctx.model != nullptr && ctx.model_user != kNoUser && item < ctx.model->n_items()) {
    std::vector<Contribution> contributions;
    if (ctx.model->Explain(ctx.model_user, item, &contributions).ok()) {
      std::vector<ItemIdx> because;
      for (const Contribution& c : contributions) {
        if (c.weight > 0 && catalog.Live(c.item) && because.size() < kMaxBecause) because.push_back(c.item);
      }
      if (!because.empty()) return BecauseOf(catalog, "model", because, item);
    }
  }
  // 2. History items whose neighbour lists hold the item, strongest first.
  if (ctx.neighbours != nullptr) {
    std::vector<std::pair<float, ItemIdx>> hits;
    for (size_t pos = 0; pos < ctx.history.size(); ++pos) {
      if (!positive(pos) || !catalog.Live(ctx.history[pos])) continue;
      const float sim = ctx.neighbours->Similarity(ctx.history[pos], item);
      if (sim > 0) hits.push_back({sim, ctx.history[pos]});
    }
    if (!hits.empty()) {
      std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      std::vector<ItemIdx> because;
      for (const auto& [sim, h] : hits) {
        if (because.size() < kMaxBecause) because.push_back(h);
      }
      return BecauseOf(catalog, "neighbours", because, item);
    }
  }
  // 3. Shared genres/tags with the most recent similar history item.
  if (item >= 0 && item < catalog.size()) {
    const auto& features = catalog.at(item).features;
    for (size_t pos = ctx.history.size(); pos-- > 0;) {
      const ItemIdx h = ctx.history[pos];
      if (!positive(pos) || !catalog.Live(h)) continue;
      if (FeatureSimilarity(features, catalog.at(h).features) > 0) {
        Explanation e;
        e.reason = "shared_tags";
        e.because = {h};
        e.shared = SharedNames(catalog.item(item), catalog.item(h));
        e.text = "Like " + Quote(catalog.item(h)) + ": " + Join(e.shared);
        return e;
      }
    }
  }
  // 4. The source.
  Explanation e;
  if ((sources >> static_cast<int>(Source::kPopular)) & 1u) {
    e.reason = "popular";
    e.text = "Popular right now";
  } else if ((sources >> static_cast<int>(Source::kFresh)) & 1u) {
    e.reason = "fresh";
    e.text = "New in the catalogue";
  } else {
    e.reason = "relevant";
    e.text = "Recommended for your taste";
  }
  return e;
}

}  // namespace encore
