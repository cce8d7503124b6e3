#include "rank/catalog.h"

#include <algorithm>

namespace encore {

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

uint64_t FeatureHash(std::string_view kind, std::string_view name) {
  // FNV-1a over "kind:lowercase(name)": stable across runs and builds.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  };
  for (char c : kind) mix(c);
  mix(':');
  for (char c : name) mix(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  return h;
}

std::vector<uint64_t> ItemFeatures(const Item& item) {
  std::vector<uint64_t> f;
  f.reserve(item.genres.size() + item.tags.size());
  for (const std::string& g : item.genres) f.push_back(FeatureHash("genre", g));
  for (const std::string& t : item.tags) f.push_back(FeatureHash("tag", t));
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return f;
}

float FeatureSimilarity(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 0.0f;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<float>(common) / static_cast<float>(a.size() + b.size() - common);
}

std::optional<ItemIdx> Catalog::Find(const std::string& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void Catalog::Set(ItemIdx idx, Item item, bool deleted) {
  ENCORE_CHECK(idx >= 0);
  while (static_cast<ItemIdx>(items_.size()) <= idx) {
    items_.push_back({std::make_shared<const Item>(), true, {}});
    deleted_.push_back(1);
  }
  CatalogItem& slot = items_[idx];
  if (!slot.item->id.empty() && slot.item->id != item.id) index_.erase(slot.item->id);
  index_[item.id] = idx;
  slot.features = ItemFeatures(item);
  slot.item = std::make_shared<const Item>(std::move(item));
  slot.deleted = deleted;
  deleted_[idx] = deleted ? 1 : 0;
  ++version_;
}

void Catalog::MarkDeleted(ItemIdx idx) {
  if (idx < 0 || idx >= size()) return;
  items_[idx].deleted = true;
  deleted_[idx] = 1;
  ++version_;
}

bool ItemFilter::Matches(const Catalog& catalog, ItemIdx item) const {
  const Item& it = catalog.item(item);
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), it.kind) == kinds.end()) return false;
  if (!languages.empty()) {
    const std::string lang = Lowercase(it.language);
    bool any = false;
    for (const std::string& l : languages) any = any || Lowercase(l) == lang;
    if (!any) return false;
  }
  if (!genres.empty()) {
    const auto& features = catalog.at(item).features;
    bool any = false;
    for (const std::string& g : genres) {
      any = any || std::binary_search(features.begin(), features.end(), FeatureHash("genre", g));
    }
    if (!any) return false;
  }
  return true;
}

ItemMask BuildExclusionMask(const Catalog& catalog, const ItemFilter& filter, std::span<const ItemIdx> consumed) {
  ItemMask mask(catalog.deleted_flags());
  if (filter.Restrictive()) {
    for (ItemIdx item_idx = 0; item_idx < catalog.size(); ++item_idx) {
      if (!filter.Matches(catalog, item_idx)) mask.Set(item_idx);
    }
  }
  for (ItemIdx item : filter.exclude) mask.Set(item);
  for (ItemIdx item : consumed) mask.Set(item);
  return mask;
}

}  // namespace encore
