#include "content/tagging/fasttext_tagger.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fasttext/fasttext.h>

namespace encore::tagging {

Status FastTextTaggerOptions::Validate() const {
  if (dim < 1 || epoch < 1 || !(learning_rate > 0) || word_ngrams < 1) {
    return InvalidArgument("fasttext tagger: dim, epoch, word_ngrams must be >= 1 and learning_rate > 0");
  }
  if (min_subword < 0 || max_subword < min_subword) return InvalidArgument("fasttext tagger: bad subword range");
  return Status::Ok();
}

FastTextTagger::FastTextTagger(FastTextTaggerOptions options) : options_(options) {}
FastTextTagger::~FastTextTagger() = default;
FastTextTagger::FastTextTagger(FastTextTagger&&) noexcept = default;
FastTextTagger& FastTextTagger::operator=(FastTextTagger&&) noexcept = default;

namespace {

constexpr const char* kLabelPrefix = "__label__";

}  // namespace

Status FastTextTagger::Fit(std::span<const std::vector<std::string>> tokens,
                           std::span<const std::vector<int32_t>> labels, int32_t n_labels, const RunContext& ctx) {
  ENCORE_RETURN_IF_ERROR(options_.Validate());
  if (tokens.size() != labels.size()) return InvalidArgument("fasttext tagger: tokens and labels differ in count");
  std::string path = (std::filesystem::temp_directory_path() / "encore-fttag-XXXXXX").string();
  const int fd = mkstemp(path.data());
  if (fd < 0) return IoError("fasttext tagger: cannot create a temporary file");
  close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};
  {
    std::ofstream out(path);
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (labels[i].empty()) continue;
      for (int32_t l : labels[i]) {
        if (l < 0 || l >= n_labels) return InvalidArgument("fasttext tagger: label id out of range");
        out << kLabelPrefix << l << ' ';
      }
      for (const std::string& t : tokens[i]) out << t << ' ';
      out << '\n';
    }
    if (!out) return IoError("fasttext tagger: cannot write " + path);
  }
  fasttext::Args args;
  args.input = path;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::ova;
  args.dim = options_.dim;
  args.epoch = options_.epoch;
  args.lr = options_.learning_rate;
  args.wordNgrams = options_.word_ngrams;
  args.minn = options_.min_subword;
  args.maxn = options_.max_subword;
  args.minCount = 1;
  args.thread = std::max(1, ctx.threads);
  args.seed = static_cast<int>(ctx.seed & 0x7fffffff);
  args.verbose = 0;
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->train(args);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("fasttext tagger training failed: ") + e.what());
  }
  const auto dict = model->getDictionary();
  label_of_output_.assign(dict->nlabels(), -1);
  for (int32_t k = 0; k < dict->nlabels(); ++k) {
    const std::string name = dict->getLabel(k);
    label_of_output_[k] = std::stoi(name.substr(std::char_traits<char>::length(kLabelPrefix)));
  }
  n_labels_ = n_labels;
  model_ = std::move(model);
  return Status::Ok();
}

void FastTextTagger::Predict(std::span<const std::string> tokens, std::span<float> probabilities) const {
  std::fill(probabilities.begin(), probabilities.end(), 0.0f);
  if (!model_) return;
  std::string line;
  for (const std::string& t : tokens) {
    line += t;
    line += ' ';
  }
  line += '\n';
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  try {
    model_->predictLine(in, predictions, -1, 0.0);
  } catch (const std::exception&) {
    return;  // leaves zeros: fastText only throws for a corrupt model
  }
  for (const auto& [p, name] : predictions) {
    const int32_t id = std::atoi(name.c_str() + std::char_traits<char>::length(kLabelPrefix));
    if (id >= 0 && id < n_labels_) probabilities[id] = p;
  }
}

}  // namespace encore::tagging
