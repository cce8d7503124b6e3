// The catalogue as the ranking stages read it: item metadata by internal index,
// the external-id mapping, and per-item feature hashes (lowercase genres and
// tags) for business filters, diversity and explanations.
//
// Thread-safety: none on its own. The owner (serve/) guards it with a
// reader-writer lock; ranking functions take it by const reference.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/records.h"
#include "core/types.h"

namespace encore {

struct CatalogItem {
  std::shared_ptr<const Item> item;  // never null
  bool deleted = false;
  std::vector<uint64_t> features;    // sorted, unique: FeatureHash of each genre and tag
};

// Hash of a genre ("genre", name) or tag ("tag", name), case-insensitive.
uint64_t FeatureHash(std::string_view kind, std::string_view name);
// Sorted unique feature hashes of an item's genres and tags.
std::vector<uint64_t> ItemFeatures(const Item& item);
// Jaccard similarity of two sorted hash lists (0 when both are empty).
float FeatureSimilarity(std::span<const uint64_t> a, std::span<const uint64_t> b);
// ASCII lowercase copy.
std::string Lowercase(std::string_view s);

class Catalog {
 public:
  idx_t size() const { return static_cast<idx_t>(items_.size()); }
  // REQUIRES: 0 <= item < size().
  const CatalogItem& at(ItemIdx item) const { return items_[static_cast<size_t>(item)]; }
  const Item& item(ItemIdx item) const { return *items_[static_cast<size_t>(item)].item; }
  bool Live(ItemIdx item) const { return item >= 0 && item < size() && !items_[item].deleted; }
  // Index of external id `id` (deleted items included); nullopt when unknown.
  std::optional<ItemIdx> Find(const std::string& id) const;
  // Stores `item` at internal index `idx` (growing the table; gaps are filled
  // with deleted placeholders). REQUIRES: idx >= 0.
  void Set(ItemIdx idx, Item item, bool deleted = false);
  void MarkDeleted(ItemIdx idx);
  // Incremented by every change: caches derived from the catalogue compare it.
  uint64_t version() const { return version_; }
  // deleted_flags()[i] == 1 when item i is deleted (a compact copy for masks).
  const std::vector<char>& deleted_flags() const { return deleted_; }

 private:
  std::vector<CatalogItem> items_;
  std::vector<char> deleted_;
  std::unordered_map<std::string, ItemIdx> index_;
  uint64_t version_ = 0;
};

// Boolean item mask usable as std::span<const bool> (the type TopK takes).
class ItemMask {
 public:
  explicit ItemMask(idx_t n = 0) : data_(new bool[static_cast<size_t>(n)]()), size_(static_cast<size_t>(n)) {}
  // A mask with item i set where flags[i] != 0.
  explicit ItemMask(const std::vector<char>& flags) : ItemMask(static_cast<idx_t>(flags.size())) {
    for (size_t i = 0; i < size_; ++i) data_[i] = flags[i] != 0;
  }
  void Set(ItemIdx item) {
    if (item >= 0 && static_cast<size_t>(item) < size_) data_[item] = true;
  }
  bool Get(ItemIdx item) const { return item >= 0 && static_cast<size_t>(item) < size_ && data_[item]; }
  std::span<const bool> span() const { return {data_.get(), size_}; }
  idx_t size() const { return static_cast<idx_t>(size_); }

 private:
  std::unique_ptr<bool[]> data_;
  size_t size_;
};

// Business filters of a request. Empty lists accept everything.
struct ItemFilter {
  std::vector<ItemKind> kinds;           // any of
  std::vector<std::string> genres;       // any of (case-insensitive)
  std::vector<std::string> languages;    // any of (case-insensitive)
  std::vector<ItemIdx> exclude;          // never these

  bool Matches(const Catalog& catalog, ItemIdx item) const;
  bool Restrictive() const { return !kinds.empty() || !genres.empty() || !languages.empty(); }
};

// Items that must not be served: deleted ones, those `filter` rejects, its
// exclude list and `consumed`. Size: catalog.size().
ItemMask BuildExclusionMask(const Catalog& catalog, const ItemFilter& filter, std::span<const ItemIdx> consumed);

}  // namespace encore
