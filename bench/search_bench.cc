// Intent-search evaluation (docs/benchmarks.md, "Text, tagging and cold start"):
// precision@10 of items carrying the intended genre or tag, for the queries in
// tests/data/queries.tsv, over a store imported from ml-latest-small:
//   encore import --format movielens-latest --db ml-latest.db $ENCORE_DATA_DIR/ml-latest-small
//   encore_search_bench ml-latest.db tests/data/queries.tsv
// Prints one row per query and the mean, for BM25 only and BM25 + embeddings.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "content/text/search.h"
#include "store/dataset.h"

namespace encore {
namespace {

struct Query {
  std::string text, kind, target;
};

StatusOr<std::vector<Query>> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("queries file " + path + " not found");
  std::vector<Query> queries;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Query q;
    if (!std::getline(fields, q.text, '\t') || !std::getline(fields, q.kind, '\t') || !std::getline(fields, q.target)) {
      return InvalidArgument(path + ":" + std::to_string(line_no) + ": expected query<TAB>kind<TAB>target");
    }
    queries.push_back(q);
  }
  return queries;
}

bool Relevant(const Item& item, const Query& q) {
  const std::string target = text::CanonicalLabel(q.target);
  const auto& labels = q.kind == "genre" ? item.genres : item.tags;
  for (const std::string& l : labels) if (text::CanonicalLabel(l) == target) return true;
  return false;
}

Status Run(const std::string& db, const std::string& queries_path) {
  ENCORE_ASSIGN_OR_RETURN(std::vector<Query> queries, ReadQueries(queries_path));
  ENCORE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(db));
  ENCORE_ASSIGN_OR_RETURN(Dataset data, LoadDataset(*store, DatasetOptions{}));
  RunContext ctx;
  ctx.threads = 2;
  std::printf("| query | target | BM25 only | BM25 + embeddings |\n|---|---|---|---|\n");
  std::vector<text::SearchEngine> engines;
  for (bool embeddings : {false, true}) {
    text::SearchOptions options;
    options.use_embeddings = embeddings;
    ENCORE_ASSIGN_OR_RETURN(text::SearchEngine engine, text::SearchEngine::Build(data.items, &data.item_deleted, options, ctx));
    engines.push_back(std::move(engine));
  }
  double sums[2][2] = {{0, 0}, {0, 0}};  // [engine][genre/tag]
  int counts[2] = {0, 0};
  for (const Query& q : queries) {
    double p[2];
    for (int e = 0; e < 2; ++e) {
      ENCORE_ASSIGN_OR_RETURN(std::vector<text::SearchHit> hits, engines[e].Search(q.text, {}, 10));
      int relevant = 0;
      for (const auto& hit : hits) relevant += Relevant(data.items[hit.item], q);
      p[e] = relevant / 10.0;
      sums[e][q.kind == "tag"] += p[e];
    }
    ++counts[q.kind == "tag"];
    std::printf("| %s | %s %s | %.1f | %.1f |\n", q.text.c_str(), q.kind.c_str(), q.target.c_str(), p[0], p[1]);
  }
  for (int k = 0; k < 2; ++k) {
    std::printf("| **mean, %d %s queries** | | %.3f | %.3f |\n", counts[k], k ? "tag" : "genre",
                sums[0][k] / std::max(1, counts[k]), sums[1][k] / std::max(1, counts[k]));
  }
  const int total = counts[0] + counts[1];
  std::printf("| **mean, all %d queries** | | %.3f | %.3f |\n", total, (sums[0][0] + sums[0][1]) / std::max(1, total),
              (sums[1][0] + sums[1][1]) / std::max(1, total));
  return Status::Ok();
}

}  // namespace
}  // namespace encore

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: encore_search_bench STORE.db QUERIES.tsv\n");
    return 2;
  }
  encore::Status s = encore::Run(argv[1], argv[2]);
  if (!s.ok()) {
    std::fprintf(stderr, "search_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
