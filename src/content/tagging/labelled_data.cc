#include "content/tagging/labelled_data.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

namespace encore::tagging::testdata {

StatusOr<std::string> DataDir(const std::string& dataset) {
  const char* root = std::getenv("ENCORE_DATA_DIR");
  if (!root || !*root) return NotFound("ENCORE_DATA_DIR is not set (point it at the shared datasets folder)");
  return std::string(root) + "/" + dataset;
}

namespace {

std::vector<std::string> SplitLine(const std::string& line, char sep) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, sep)) fields.push_back(field);
  if (!line.empty() && line.back() == sep) fields.emplace_back();
  return fields;
}

std::string Latin1ToUtf8(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace

StatusOr<LabelledCatalogue> LoadMl100k() {
  ENCORE_ASSIGN_OR_RETURN(std::string dir, DataDir("ml-100k"));
  LabelledCatalogue c;
  c.label_names = {"Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
                   "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
                   "War", "Western"};
  std::ifstream items(dir + "/u.item");
  if (!items) return NotFound(dir + "/u.item not found");
  std::unordered_map<std::string, ItemIdx> item_of;
  std::string line;
  while (std::getline(items, line)) {
    auto f = SplitLine(line, '|');
    if (f.size() < 24) continue;
    Item item;
    item.id = f[0];
    item.title = Latin1ToUtf8(f[1]);
    std::vector<int32_t> labels;
    for (int g = 0; g < 18; ++g) {
      if (f[6 + g] == "1") {
        labels.push_back(g);
        item.genres.push_back(c.label_names[g]);
      }
    }
    item_of[item.id] = static_cast<ItemIdx>(c.items.size());
    c.items.push_back(std::move(item));
    c.labels.push_back(std::move(labels));
  }
  std::ifstream data(dir + "/u.data");
  if (!data) return NotFound(dir + "/u.data not found");
  std::vector<Interaction> triplets;
  std::unordered_map<std::string, UserIdx> user_of;
  while (std::getline(data, line)) {
    auto f = SplitLine(line, '\t');
    if (f.size() < 4 || !item_of.count(f[1])) continue;
    auto [it, inserted] = user_of.try_emplace(f[0], static_cast<UserIdx>(user_of.size()));
    triplets.push_back({it->second, item_of[f[1]], 1.0f, std::atoll(f[3].c_str())});
  }
  c.user_items = Interactions::FromTriplets(static_cast<idx_t>(user_of.size()), static_cast<idx_t>(c.items.size()), triplets);
  return c;
}

StatusOr<LabelledCatalogue> LoadLastfm(int max_labels) {
  ENCORE_ASSIGN_OR_RETURN(std::string dir, DataDir("lastfm-2k"));
  LabelledCatalogue c;
  std::ifstream artists(dir + "/artists.dat");
  if (!artists) return NotFound(dir + "/artists.dat not found");
  std::unordered_map<std::string, ItemIdx> item_of;
  std::string line;
  std::getline(artists, line);  // header
  while (std::getline(artists, line)) {
    auto f = SplitLine(line, '\t');
    if (f.size() < 2) continue;
    Item item;
    item.id = f[0];
    item.title = f[1];
    item.kind = ItemKind::kArtist;
    item_of[item.id] = static_cast<ItemIdx>(c.items.size());
    c.items.push_back(std::move(item));
  }
  std::ifstream plays(dir + "/user_artists.dat");
  if (!plays) return NotFound(dir + "/user_artists.dat not found");
  std::getline(plays, line);
  std::vector<Interaction> triplets;
  std::unordered_map<std::string, UserIdx> user_of;
  while (std::getline(plays, line)) {
    auto f = SplitLine(line, '\t');
    if (f.size() < 3 || !item_of.count(f[1])) continue;
    auto [it, inserted] = user_of.try_emplace(f[0], static_cast<UserIdx>(user_of.size()));
    triplets.push_back({it->second, item_of[f[1]], static_cast<float>(std::atof(f[2].c_str())), 0});
  }
  c.user_items = Interactions::FromTriplets(static_cast<idx_t>(user_of.size()), static_cast<idx_t>(c.items.size()), triplets);
  std::ifstream tags(dir + "/tags.dat");
  std::ifstream assigned(dir + "/user_taggedartists.dat");
  if (!tags || !assigned) return NotFound(dir + "/tags.dat or user_taggedartists.dat not found");
  std::map<std::string, std::string> tag_name;
  std::getline(tags, line);
  while (std::getline(tags, line)) {
    auto f = SplitLine(line, '\t');
    if (f.size() >= 2) tag_name[f[0]] = f[1];
  }
  // (artist, tag) -> assignments; tag -> artists.
  std::map<std::pair<ItemIdx, std::string>, int> count;
  std::getline(assigned, line);
  while (std::getline(assigned, line)) {
    auto f = SplitLine(line, '\t');
    if (f.size() < 3 || !item_of.count(f[1])) continue;
    ++count[{item_of[f[1]], f[2]}];
  }
  std::map<std::string, int> artists_per_tag;
  for (const auto& [key, n] : count) ++artists_per_tag[key.second];
  std::vector<std::pair<int, std::string>> by_use;
  for (const auto& [tag, n] : artists_per_tag) by_use.emplace_back(-n, tag);
  std::sort(by_use.begin(), by_use.end());
  std::unordered_map<std::string, int32_t> label_of;
  for (const auto& [neg, tag] : by_use) {
    if (static_cast<int>(c.label_names.size()) >= max_labels) break;
    label_of[tag] = static_cast<int32_t>(c.label_names.size());
    c.label_names.push_back(tag_name.count(tag) ? tag_name[tag] : tag);
  }
  std::vector<std::vector<std::pair<int, int32_t>>> per_item(c.items.size());
  for (const auto& [key, n] : count) {
    auto it = label_of.find(key.second);
    if (it != label_of.end()) per_item[key.first].emplace_back(-n, it->second);
  }
  c.labels.resize(c.items.size());
  for (size_t i = 0; i < c.items.size(); ++i) {
    std::sort(per_item[i].begin(), per_item[i].end());
    for (const auto& [neg, label] : per_item[i]) c.labels[i].push_back(label);
  }
  return c;
}

// A 64-bit LCG (Knuth's MMIX constants): the same hidden set on every platform.
std::vector<bool> HideShare(const std::vector<std::vector<int32_t>>& labels, double share, uint64_t seed) {
  std::vector<bool> hidden(labels.size(), false);
  uint64_t state = seed;
  for (size_t i = 0; i < labels.size(); ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(state >> 11) / 9007199254740992.0;
    hidden[i] = !labels[i].empty() && u < share;
  }
  return hidden;
}

}  // namespace encore::tagging::testdata
