#include "rank/text_search.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace encore {

std::vector<std::string> Tokenize(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
    if (word) {
      cur.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

TextIndex TextIndex::Build(const Catalog& catalog, const TextSearchOptions& options,
                           std::span<const std::string> extra_text) {
  TextIndex index;
  index.options_ = options;
  index.catalog_version_ = catalog.version();
  index.doc_length_.assign(static_cast<size_t>(catalog.size()), 0.0f);
  double total = 0;
  std::map<std::string, float> tf;
  for (ItemIdx item_idx = 0; item_idx < catalog.size(); ++item_idx) {
    if (catalog.at(item_idx).deleted) continue;
    const Item& item = catalog.item(item_idx);
    tf.clear();
    auto add = [&tf](std::string_view text, float weight) {
      for (std::string& t : Tokenize(text)) tf[std::move(t)] += weight;
    };
    add(item.title, options.title_weight);
    for (const std::string& g : item.genres) add(g, options.tag_weight);
    for (const std::string& t : item.tags) add(t, options.tag_weight);
    add(item.description, options.description_weight);
    if (static_cast<size_t>(item_idx) < extra_text.size()) add(extra_text[item_idx], options.description_weight);
    float length = 0;
    for (const auto& [term, f] : tf) {
      index.postings_[term].push_back({item_idx, f});
      length += f;
    }
    index.doc_length_[item_idx] = length;
    total += length;
    ++index.n_docs_;
  }
  index.avg_length_ = index.n_docs_ > 0 ? static_cast<float>(total / static_cast<double>(index.n_docs_)) : 0.0f;
  return index;
}

std::vector<ScoredItem> TextIndex::Search(std::string_view query, idx_t k, std::span<const bool> excluded) const {
  std::vector<float> scores(doc_length_.size(), -INFINITY);  // scores: [n_items]
  std::vector<std::string> terms = Tokenize(query);
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  const float avg = avg_length_ > 0 ? avg_length_ : 1.0f;
  for (const std::string& term : terms) {
    auto it = postings_.find(term);
    if (it == postings_.end()) continue;
    const double df = static_cast<double>(it->second.size());
    const auto idf = static_cast<float>(std::log(1.0 + (static_cast<double>(n_docs_) - df + 0.5) / (df + 0.5)));
    for (const Posting& p : it->second) {
      const float norm = options_.k1 * (1.0f - options_.b + options_.b * doc_length_[p.item] / avg);
      const float part = idf * p.tf * (options_.k1 + 1.0f) / (p.tf + norm);
      float& s = scores[p.item];
      s = std::isfinite(s) ? s + part : part;
    }
  }
  return TopK(scores, k, excluded);
}

}  // namespace encore
