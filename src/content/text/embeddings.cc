#include "content/text/embeddings.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include <fasttext/fasttext.h>

namespace encore::text {

WordVectors::WordVectors(std::vector<std::string> words, std::vector<float> vectors, int dim)
    : words_(std::move(words)), vectors_(std::move(vectors)), dim_(dim) {
  ENCORE_CHECK(vectors_.size() == words_.size() * static_cast<size_t>(dim_));
  index_.reserve(words_.size());
  for (size_t i = 0; i < words_.size(); ++i) index_.emplace(words_[i], i);
}

const float* WordVectors::Find(std::string_view word) const {
  auto it = index_.find(std::string(word));
  return it == index_.end() ? nullptr : vectors_.data() + it->second * dim_;
}

StatusOr<WordVectors> LoadWordVectors(const std::string& path, size_t max_words) {
  std::ifstream in(path);
  if (!in) return NotFound("word vectors file " + path + " cannot be opened");
  std::vector<std::string> words;
  std::vector<float> values;
  std::map<std::string, bool> seen;
  int dim = 0;
  std::string line;
  size_t line_no = 0;
  std::vector<float> row;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string word;
    fields >> word;
    row.clear();
    std::string token;
    while (fields >> token) {
      char* end = nullptr;
      errno = 0;
      const float v = std::strtof(token.c_str(), &end);
      if (end == token.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
        return InvalidArgument(path + ":" + std::to_string(line_no) + ": '" + token + "' is not a number");
      }
      row.push_back(v);
    }
    // word2vec header: "N DIM" (two integers) on the first line.
    if (line_no == 1 && row.size() == 1 && word.find_first_not_of("0123456789") == std::string::npos) continue;
    if (dim == 0) dim = static_cast<int>(row.size());
    if (dim == 0 || row.size() != static_cast<size_t>(dim)) {
      return InvalidArgument(path + ":" + std::to_string(line_no) + ": expected " + std::to_string(dim) +
                             " values after the word, found " + std::to_string(row.size()));
    }
    if (seen.emplace(word, true).second) {
      words.push_back(word);
      values.insert(values.end(), row.begin(), row.end());
    }
    if (max_words > 0 && words.size() >= max_words) break;
  }
  if (words.empty()) return InvalidArgument("word vectors file " + path + " has no vectors");
  return WordVectors(std::move(words), std::move(values), dim);
}

Status FastTextOptions::Validate() const {
  if (dim < 1 || dim > 1024) return InvalidArgument("fasttext: dim must be in [1, 1024]");
  if (epoch < 1) return InvalidArgument("fasttext: epoch must be >= 1");
  if (min_count < 1) return InvalidArgument("fasttext: min_count must be >= 1");
  if (window < 1) return InvalidArgument("fasttext: window must be >= 1");
  if (negatives < 1) return InvalidArgument("fasttext: negatives must be >= 1");
  if (min_subword < 0 || max_subword < min_subword) return InvalidArgument("fasttext: bad subword range");
  if (!(learning_rate > 0)) return InvalidArgument("fasttext: learning_rate must be > 0");
  return Status::Ok();
}

namespace {

// A temporary file removed when the object goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "encore-fasttext-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd >= 0) {
      close(fd);
      path_ = pattern;
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

StatusOr<WordVectors> TrainFastTextVectors(std::span<const std::vector<std::string>> documents,
                                           const FastTextOptions& options, const RunContext& ctx) {
  ENCORE_RETURN_IF_ERROR(options.Validate());
  TempFile corpus;
  if (corpus.path().empty()) return IoError("fasttext: cannot create a temporary file in " +
                                            std::filesystem::temp_directory_path().string());
  {
    std::ofstream out(corpus.path());
    for (const auto& doc : documents) {
      if (doc.empty()) continue;
      for (size_t i = 0; i < doc.size(); ++i) out << (i ? " " : "") << doc[i];
      out << '\n';
    }
    if (!out) return IoError("fasttext: cannot write the training corpus to " + corpus.path());
  }
  fasttext::Args args;
  args.input = corpus.path();
  args.model = fasttext::model_name::sg;
  args.loss = fasttext::loss_name::ns;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.minCount = options.min_count;
  args.ws = options.window;
  args.neg = options.negatives;
  args.minn = options.min_subword;
  args.maxn = options.max_subword;
  args.lr = options.learning_rate;
  args.thread = std::max(1, ctx.threads);
  args.seed = static_cast<int>(ctx.seed & 0x7fffffff);
  args.verbose = 0;
  fasttext::FastText model;
  try {
    model.train(args);
  } catch (const std::exception& e) {
    // fastText throws std::invalid_argument for an empty vocabulary.
    return InvalidArgument(std::string("fasttext training failed: ") + e.what() +
                           " (is the corpus large enough for min_count=" + std::to_string(options.min_count) + "?)");
  }
  const auto dict = model.getDictionary();
  const int32_t n_words = dict->nwords();
  std::vector<std::string> words;
  std::vector<float> values;
  words.reserve(n_words);
  values.reserve(static_cast<size_t>(n_words) * options.dim);
  fasttext::Vector vec(options.dim);
  for (int32_t word_idx = 0; word_idx < n_words; ++word_idx) {
    const std::string& word = dict->getWord(word_idx);
    if (word == "</s>") continue;  // fastText's end-of-line token
    model.getWordVector(vec, word);
    words.push_back(word);
    for (int64_t d = 0; d < vec.size(); ++d) values.push_back(vec[d]);
  }
  if (words.empty()) return InvalidArgument("fasttext: no word reached min_count");
  return WordVectors(std::move(words), std::move(values), options.dim);
}

size_t EmbedTokens(std::span<const std::string> tokens, const WordVectors& vectors, const TextIndex* corpus,
                   std::vector<float>* out) {
  const int dim = vectors.dim();
  out->assign(dim, 0.0f);
  if (dim == 0) return 0;
  const double max_idf = corpus ? std::log(1.0 + static_cast<double>(corpus->n_docs())) + 1.0 : 1.0;
  size_t used = 0;
  for (const std::string& token : tokens) {
    const float* v = vectors.Find(token);
    if (!v) continue;
    double weight = 1.0;
    if (corpus) {
      const int32_t id = corpus->TermId(token);
      weight = id >= 0 ? corpus->Idf(id) : max_idf;
    }
    for (int d = 0; d < dim; ++d) (*out)[d] += static_cast<float>(weight) * v[d];
    ++used;
  }
  double norm = 0;
  for (float x : *out) norm += static_cast<double>(x) * x;
  if (norm > 0) {
    const float inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (float& x : *out) x *= inv;
  }
  return used;
}

float Cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na <= 0 || nb <= 0) return 0;
  return static_cast<float>(dot / std::sqrt(na * nb));
}

}  // namespace encore::text
