// Maximum-inner-product search over item vectors. Two implementations behind one
// interface: ExactIndex (a full scan, the oracle every approximate index is
// tested against) and HnswIndex (hnswlib's graph, approximate, sub-linear).
//
// Layout: vectors are [n_items, dim] row-major floats; row i is item i.
// Thread-safety: after construction, Search may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "retrieve/topk.h"

namespace encore {

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual std::string Name() const = 0;
  virtual int dim() const = 0;
  virtual idx_t size() const = 0;
  // The k items with the largest inner product with `query` (dim() floats), best
  // first, score = inner product. Items with excluded[i] == true (when `excluded`
  // is non-empty) are skipped. Returns fewer than k when fewer remain.
  virtual StatusOr<std::vector<ScoredItem>> Search(std::span<const float> query, idx_t k,
                                                   std::span<const bool> excluded = {}) const = 0;
};

// Options of the HNSW graph (see Malkov & Yashunin 2016; hnswlib's names).
struct HnswOptions {
  int m = 16;                 // links per node (per layer); memory grows linearly with it
  int ef_construction = 200;  // beam width while building: higher = better graph, slower build
  int ef_search = 128;        // beam width while searching (at least k): higher = better recall
  uint64_t seed = 42;         // level assignment
  int threads = 1;            // build threads

  Status Validate() const;
};

// The exact scan over a copy of `vectors` ([n, dim]).
StatusOr<std::unique_ptr<VectorIndex>> BuildExactIndex(std::span<const float> vectors, int dim);

// An HNSW graph over `vectors` ([n, dim]) with inner-product distance.
StatusOr<std::unique_ptr<VectorIndex>> BuildHnswIndex(std::span<const float> vectors, int dim,
                                                      const HnswOptions& options = {});

// recall@k of `approx` against `exact`: |approx ∩ exact| / |exact| (1 when exact is empty).
double RecallAtK(std::span<const ScoredItem> approx, std::span<const ScoredItem> exact);

}  // namespace encore
