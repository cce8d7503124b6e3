#include "content/text/item_text.h"

namespace encore::text {
namespace {

void AddField(std::string_view raw, int weight, const Tokenizer& tokenizer, std::vector<std::string>* out) {
  if (weight <= 0 || raw.empty()) return;
  auto normalized = NormalizeText(raw);  // replacement mode: cannot fail
  if (!normalized.ok()) return;
  const std::vector<std::string> tokens = tokenizer.Tokenize(*normalized);
  for (int rep = 0; rep < weight; ++rep) out->insert(out->end(), tokens.begin(), tokens.end());
}

}  // namespace

std::string CanonicalLabel(std::string_view label) {
  auto normalized = NormalizeText(label.substr(0, 1024));
  std::string out;
  if (!normalized.ok()) return out;
  bool space = false;
  for (char c : *normalized) {
    if (c == ' ' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> ItemTerms(const Item& item, const Tokenizer& tokenizer, const ItemTextOptions& options) {
  std::vector<std::string> terms;
  AddField(item.title, options.title_weight, tokenizer, &terms);
  AddField(item.description, options.description_weight, tokenizer, &terms);
  for (const std::string& tag : item.tags) {
    AddField(tag, options.tag_weight, tokenizer, &terms);
    if (options.field_features) {
      std::string label = CanonicalLabel(tag);
      if (!label.empty()) terms.push_back("tag:" + label);
    }
  }
  for (const std::string& genre : item.genres) {
    AddField(genre, options.genre_weight, tokenizer, &terms);
    if (options.field_features) {
      std::string label = CanonicalLabel(genre);
      if (!label.empty()) terms.push_back("genre:" + label);
    }
  }
  return terms;
}

}  // namespace encore::text
