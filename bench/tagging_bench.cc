// Automatic tagging study (docs/benchmarks.md, "Text, tagging and cold start").
// Hides the labels of 20% of the labelled items, predicts them from text only,
// from the co-consumption graph only, and from both, and prints a markdown table:
//   ml-100k genres (18 labels): micro / macro F1 of the predicted sets, P@5 / R@5.
//   Last.fm tags (top 500 tags by artists): P@5 / R@5.
// Usage: ENCORE_DATA_DIR=../shared/datasets encore_tagging_bench [seed]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "content/tagging/auto_tagger.h"
#include "content/tagging/labelled_data.h"
#include "content/text/item_text.h"

namespace encore {
namespace {

using tagging::AutoTagOptions;
using tagging::TextTaggerKind;

void PrintRow(const char* dataset, const char* method, const tagging::LabelMetrics& m, double seconds) {
  std::printf("| %s | %s | %lld | %.3f | %.3f | %.3f | %.3f | %.1f |\n", dataset, method,
              static_cast<long long>(m.items), m.precision_at_k, m.recall_at_k, m.micro_f1, m.macro_f1, seconds);
}

Status Run(const char* name, const tagging::testdata::LabelledCatalogue& data, uint64_t seed, bool tags) {
  ENCORE_ASSIGN_OR_RETURN(text::Tokenizer tokenizer, text::Tokenizer::Create());
  text::ItemTextOptions text_options;
  text_options.genre_weight = 0;  // labels never leak into the text
  text_options.tag_weight = 0;
  std::vector<std::vector<std::string>> tokens;
  for (const Item& item : data.items) tokens.push_back(text::ItemTerms(item, tokenizer, text_options));
  const std::vector<bool> hidden = tagging::testdata::HideShare(data.labels, 0.2, seed);
  std::vector<bool> known(hidden.size());
  for (size_t i = 0; i < hidden.size(); ++i) known[i] = !hidden[i];
  tagging::AutoTagInput input{&tokens, &data.labels, static_cast<int32_t>(data.label_names.size()), &known,
                              &data.user_items};
  RunContext ctx;
  ctx.threads = 2;
  ctx.seed = seed;
  for (TextTaggerKind kind : {TextTaggerKind::kLinear, TextTaggerKind::kFastText}) {
    AutoTagOptions options;
    options.text_tagger = kind;
    if (tags) {
      options.linear.epochs = 5;
      options.fasttext.min_subword = 3;  // artist names: character n-grams carry the signal
      options.fasttext.max_subword = 5;
    }
    const auto start = std::chrono::steady_clock::now();
    ENCORE_ASSIGN_OR_RETURN(tagging::AutoTagScores scores, tagging::PredictLabels(input, options, ctx));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const int32_t n = input.n_labels;
    const char* text_name = kind == TextTaggerKind::kLinear ? "text only (OvR logistic, TF-IDF)" : "text only (fastText ova)";
    PrintRow(name, text_name, tagging::EvaluateLabels(scores.text, n, data.labels, hidden, 5, 0.5f), seconds);
    if (kind == TextTaggerKind::kLinear) {
      PrintRow(name, "graph only (label propagation)", tagging::EvaluateLabels(scores.graph, n, data.labels, hidden, 5, 0.5f), seconds);
    }
    const char* combined_name = kind == TextTaggerKind::kLinear ? "combined (0.3 logistic + 0.7 graph)" : "combined (0.3 fastText + 0.7 graph)";
    PrintRow(name, combined_name, tagging::EvaluateLabels(scores.combined, n, data.labels, hidden, 5, 0.5f), seconds);
  }
  return Status::Ok();
}

}  // namespace
}  // namespace encore

int main(int argc, char** argv) {
  const uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 7;
  std::printf("| dataset | method | hidden items | P@5 | R@5 | micro-F1 | macro-F1 | seconds |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  auto ml = encore::tagging::testdata::LoadMl100k();
  if (!ml.ok()) {
    std::fprintf(stderr, "tagging_bench: %s\n", ml.status().ToString().c_str());
    return 1;
  }
  encore::Status s = encore::Run("ml-100k genres", *ml, seed, false);
  auto lastfm = encore::tagging::testdata::LoadLastfm(500);
  if (s.ok() && !lastfm.ok()) s = lastfm.status();
  if (s.ok()) s = encore::Run("Last.fm tags", *lastfm, seed, true);
  if (!s.ok()) {
    std::fprintf(stderr, "tagging_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
