#include "content/text/search.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace encore::text {
namespace {

// Genre synonyms: canonical genre label -> phrases (matched after tokenisation).
const std::map<std::string, std::vector<std::string>>& GenreSynonyms() {
  static const std::map<std::string, std::vector<std::string>> kSynonyms = {
      {"action", {"action", "动作"}},
      {"adventure", {"adventure", "冒险"}},
      {"animation", {"animated", "animation", "cartoon", "anime", "动画"}},
      {"children", {"kids", "children", "儿童"}},
      {"children's", {"kids", "children", "儿童"}},
      {"comedy", {"comedy", "funny", "hilarious", "喜剧", "搞笑"}},
      {"crime", {"crime", "gangster", "犯罪"}},
      {"documentary", {"documentary", "纪录片"}},
      {"drama", {"drama", "剧情"}},
      {"fantasy", {"fantasy", "magic", "奇幻", "魔幻"}},
      {"film-noir", {"film noir", "noir"}},
      {"horror", {"horror", "scary", "恐怖"}},
      {"musical", {"musical", "歌舞"}},
      {"mystery", {"mystery", "whodunit", "悬疑"}},
      {"romance", {"romance", "romantic", "爱情"}},
      {"sci-fi", {"sci fi", "scifi", "science fiction", "科幻"}},
      {"thriller", {"thriller", "惊悚"}},
      {"war", {"war", "战争"}},
      {"western", {"western", "cowboy", "西部"}},
  };
  return kSynonyms;
}

const std::map<std::string, ItemKind>& KindWords() {
  static const std::map<std::string, ItemKind> kKinds = {
      {"movie", ItemKind::kMovie},     {"film", ItemKind::kMovie},     {"电影", ItemKind::kMovie},
      {"episode", ItemKind::kEpisode}, {"series", ItemKind::kEpisode}, {"show", ItemKind::kEpisode},
      {"clip", ItemKind::kClip},       {"song", ItemKind::kTrack},     {"track", ItemKind::kTrack},
      {"歌曲", ItemKind::kTrack},      {"podcast", ItemKind::kPodcast}, {"artist", ItemKind::kArtist},
      {"band", ItemKind::kArtist},     {"singer", ItemKind::kArtist},
  };
  return kKinds;
}

const std::map<std::string, std::string>& LanguageWords() {
  static const std::map<std::string, std::string> kLanguages = {
      {"english", "en"}, {"french", "fr"},  {"german", "de"},  {"spanish", "es"}, {"italian", "it"},
      {"japanese", "ja"}, {"korean", "ko"}, {"chinese", "zh"}, {"mandarin", "zh"}, {"中文", "zh"},
      {"国语", "zh"},     {"英文", "en"},    {"日语", "ja"},
  };
  return kLanguages;
}

const std::map<std::string, std::vector<std::string>>& MoodWords() {
  static const std::map<std::string, std::vector<std::string>> kMoods = {
      {"calm", {"calm", "relaxing", "peaceful", "ambient", "chill", "mellow"}},
      {"relaxing", {"calm", "relaxing", "peaceful", "ambient", "chill", "mellow"}},
      {"happy", {"happy", "feel-good", "uplifting", "cheerful"}},
      {"sad", {"sad", "melancholic", "depressing", "tearjerker", "emotional"}},
      {"dark", {"dark", "disturbing", "bleak", "atmospheric"}},
      {"scary", {"scary", "creepy", "suspense", "tense"}},
      {"energetic", {"energetic", "upbeat", "fast-paced", "dance"}},
      {"romantic", {"romantic", "love", "sweet"}},
      {"安静", {"calm", "relaxing", "peaceful"}},
      {"轻松", {"calm", "relaxing", "chill"}},
  };
  return kMoods;
}

// A single CJK word also matches inside a longer segmented word: friso keeps
// "科幻电影" (sci-fi film) as one word, which must still match "科幻".
bool ContainsCjkWord(const std::vector<std::string>& tokens, const std::string& word) {
  size_t pos = 0;
  if (word.empty() || !IsCjk(DecodeUtf8(word, &pos))) return false;
  for (const std::string& t : tokens) {
    if (t.find(word) != std::string::npos) return true;
  }
  return false;
}

bool ContainsSequence(const std::vector<std::string>& tokens, const std::vector<std::string>& pattern) {
  if (pattern.size() == 1 && ContainsCjkWord(tokens, pattern[0])) return true;
  if (pattern.empty() || pattern.size() > tokens.size()) return false;
  for (size_t i = 0; i + pattern.size() <= tokens.size(); ++i) {
    if (std::equal(pattern.begin(), pattern.end(), tokens.begin() + i)) return true;
  }
  return false;
}

}  // namespace

Status SearchOptions::Validate() const {
  ENCORE_RETURN_IF_ERROR(bm25.Validate());
  if (!(embedding_weight >= 0) || !(profile_weight >= 0)) return InvalidArgument("search: weights must be >= 0");
  return fasttext.Validate();
}

Status ValidateQuery(std::string_view query) {
  NormalizeOptions strict;
  strict.strict_utf8 = true;
  strict.max_bytes = kMaxQueryBytes;
  auto normalized = NormalizeText(query, strict);
  if (!normalized.ok()) {
    return InvalidArgument("search: query: " + normalized.status().message());
  }
  size_t pos = 0;
  while (pos < normalized->size()) {
    const char32_t cp = DecodeUtf8(*normalized, &pos);
    if (IsWordChar(cp) || IsCjk(cp)) return Status::Ok();
  }
  return InvalidArgument("search: the query is empty; say what you are looking for, e.g. \"dark comedy\"");
}

StatusOr<SearchEngine> SearchEngine::Build(const std::vector<Item>& items, const std::vector<bool>* deleted,
                                           const SearchOptions& options, const RunContext& ctx) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  ENCORE_ASSIGN_OR_RETURN(Tokenizer tokenizer, Tokenizer::Create());
  SearchEngine engine(std::move(tokenizer), options);
  const size_t n = items.size();
  std::vector<std::vector<std::string>> docs(n);
  std::set<std::string> all_genres;
  std::set<ItemKind> all_kinds;
  engine.kinds_.resize(n);
  engine.languages_.resize(n);
  engine.genres_.resize(n);
  engine.deleted_.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    docs[i] = ItemTerms(items[i], engine.tokenizer_);
    engine.kinds_[i] = items[i].kind;
    all_kinds.insert(items[i].kind);
    engine.languages_[i] = CanonicalLabel(items[i].language);
    engine.has_languages_ |= !engine.languages_[i].empty();
    for (const std::string& g : items[i].genres) {
      std::string label = CanonicalLabel(g);
      if (label.empty()) continue;
      all_genres.insert(label);
      engine.genres_[i].push_back(std::move(label));
    }
    if (deleted && i < deleted->size()) engine.deleted_[i] = (*deleted)[i];
  }
  engine.several_kinds_ = all_kinds.size() > 1;
  for (const std::string& genre : all_genres) {
    std::vector<std::vector<std::string>> patterns;
    auto own = engine.tokenizer_.Tokenize(genre);
    if (!own.empty()) patterns.push_back(std::move(own));
    auto syn = GenreSynonyms().find(genre);
    if (syn != GenreSynonyms().end()) {
      for (const std::string& phrase : syn->second) {
        auto tokens = engine.tokenizer_.Tokenize(phrase);
        if (!tokens.empty()) patterns.push_back(std::move(tokens));
      }
    }
    engine.genre_patterns_.emplace_back(genre, std::move(patterns));
  }
  engine.index_ = TextIndex::Build(docs);
  if (options.use_embeddings) {
    if (!options.vectors_path.empty()) {
      ENCORE_ASSIGN_OR_RETURN(engine.vectors_, LoadWordVectors(options.vectors_path));
    } else {
      auto trained = TrainFastTextVectors(docs, options.fasttext, ctx);
      // A tiny catalogue may have no word reaching min_count: search then runs on BM25 alone.
      if (trained.ok()) engine.vectors_ = std::move(trained).value();
    }
    const int dim = engine.vectors_.dim();
    engine.item_vectors_.assign(n * dim, 0.0f);
    std::vector<float> v;
    for (size_t i = 0; i < n && dim > 0; ++i) {
      EmbedTokens(docs[i], engine.vectors_, &engine.index_, &v);
      std::copy(v.begin(), v.end(), engine.item_vectors_.begin() + i * dim);
    }
  }
  return engine;
}

ParsedQuery SearchEngine::Parse(std::string_view query) const {
  ParsedQuery parsed;
  auto normalized = NormalizeText(query.substr(0, kMaxQueryBytes));
  const std::vector<std::string> tokens = normalized.ok() ? tokenizer_.Tokenize(*normalized) : std::vector<std::string>{};
  // Kind words ("movies", "songs") state what to search, not what it is about:
  // they leave the BM25 query, or titles such as "Scary Movie" win every "... movies" query.
  for (const std::string& t : tokens) {
    if (!KindWords().count(t)) parsed.terms.push_back(t);
  }
  for (const auto& [genre, patterns] : genre_patterns_) {
    for (const auto& pattern : patterns) {
      if (ContainsSequence(tokens, pattern)) {
        parsed.genres.push_back(genre);
        break;
      }
    }
  }
  for (const auto& [word, kind] : KindWords()) {
    if (several_kinds_ && !parsed.kind && ContainsSequence(tokens, {word})) parsed.kind = kind;
  }
  for (const std::string& t : tokens) {
    auto language = LanguageWords().find(t);
    if (language != LanguageWords().end() && has_languages_ && parsed.language.empty()) parsed.language = language->second;
    auto mood = MoodWords().find(t);
    if (mood != MoodWords().end()) {
      parsed.moods.push_back(t);
      for (const std::string& related : mood->second) {
        for (std::string& r : tokenizer_.Tokenize(related)) parsed.terms.push_back(std::move(r));
      }
    }
  }
  return parsed;
}

StatusOr<std::vector<SearchHit>> SearchEngine::Search(std::string_view query, std::span<const ItemIdx> history, int n,
                                                      ParsedQuery* parsed_out) const {
  if (n <= 0) return InvalidArgument("search: n must be > 0");
  ENCORE_RETURN_IF_ERROR(ValidateQuery(query));
  const ParsedQuery parsed = Parse(query);
  const idx_t n_items = index_.n_docs();
  // Candidates after filters; a filter that would leave nothing is dropped.
  const auto passes = [&](idx_t i, bool genre, bool kind, bool language) {
    if (deleted_[i]) return false;
    if (genre && !parsed.genres.empty()) {
      bool any = false;
      for (const std::string& g : genres_[i]) {
        any |= std::find(parsed.genres.begin(), parsed.genres.end(), g) != parsed.genres.end();
      }
      if (!any) return false;
    }
    if (kind && parsed.kind && kinds_[i] != *parsed.kind) return false;
    if (language && !parsed.language.empty() && languages_[i] != parsed.language) return false;
    return true;
  };
  std::vector<bool> candidate(n_items, false);
  bool any = false;
  for (bool relax : {false, true}) {
    for (idx_t i = 0; i < n_items; ++i) {
      candidate[i] = relax ? passes(i, false, false, false) : passes(i, true, true, true);
      any |= candidate[i];
    }
    if (any) break;
  }
  std::vector<float> bm25(n_items);
  index_.Bm25All(parsed.terms, options_.bm25, bm25);
  float max_bm25 = 0;
  for (idx_t i = 0; i < n_items; ++i) if (candidate[i]) max_bm25 = std::max(max_bm25, bm25[i]);
  const int dim = vectors_.dim();
  std::vector<float> query_vector;
  if (dim > 0) EmbedTokens(parsed.terms, vectors_, &index_, &query_vector);
  SparseVector profile;
  if (!history.empty() && options_.profile_weight > 0) {
    std::map<int32_t, float> acc;
    for (ItemIdx item : history) {
      if (item < 0 || item >= n_items) continue;
      const SparseVector v = index_.DocTfIdf(item);
      for (size_t k = 0; k < v.ids.size(); ++k) acc[v.ids[k]] += v.values[k];
    }
    for (const auto& [id, value] : acc) {
      profile.ids.push_back(id);
      profile.values.push_back(value);
    }
    NormalizeL2(&profile);
  }
  std::vector<SearchHit> hits;
  for (idx_t i = 0; i < n_items; ++i) {
    if (!candidate[i]) continue;
    SearchHit hit;
    hit.item = static_cast<ItemIdx>(i);
    hit.bm25 = max_bm25 > 0 ? bm25[i] / max_bm25 : 0;
    if (dim > 0) hit.embedding = Cosine(query_vector, std::span<const float>(item_vectors_.data() + i * dim, dim));
    if (!profile.ids.empty()) hit.profile = Dot(profile, index_.DocTfIdf(i));
    hit.score = hit.bm25 + static_cast<float>(options_.embedding_weight) * hit.embedding +
                static_cast<float>(options_.profile_weight) * hit.profile;
    hits.push_back(hit);
  }
  const size_t keep = std::min<size_t>(n, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + keep, hits.end(), [](const SearchHit& a, const SearchHit& b) {
    return a.score != b.score ? a.score > b.score : a.item < b.item;
  });
  hits.resize(keep);
  if (parsed_out) *parsed_out = parsed;
  return hits;
}

}  // namespace encore::text
