#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp {

class Warehouse;

// Where a connected-components computation reads and writes, all in one schema.
//   nodes:  (node BIGINT)            every node, including isolated ones; node ids are unique
//   edges:  (a BIGINT, b BIGINT)     undirected; duplicates and self-loops allowed
//   output: (node BIGINT, component BIGINT), created or replaced; one row per node, where
//           component is the smallest node id of the node's connected component.
struct ComponentsTables {
  std::string schema;
  std::string nodes;
  std::string edges;
  std::string output;
};

struct ComponentsStats {
  int64_t nodes = 0;
  int64_t edges = 0;
  int64_t components = 0;
  int64_t rounds = 0;       // SQL strategies: iterations until convergence; native: 1
  double seconds = 0;       // wall time of the whole computation
  double core_seconds = 0;  // native: the union-find alone, excluding I/O
  bool converged = true;    // false only when ComponentsLimits stopped the naive loop
};

// Limits on the naive loop, for benchmarks whose baseline could run for hours.
struct ComponentsLimits {
  int64_t max_rounds = 0;  // 0: no limit
  double max_seconds = 0;  // 0: no limit; checked between rounds
};

// In-process union-find over the streamed edges; writes the output through the appender.
// Every strategy below returns the same output table for the same input.
Result<ComponentsStats> ComponentsNative(Warehouse& wh, const ComponentsTables& t);
// Entirely in the engine: large-star/small-star iterations over node ids, so that rounds grow
// with the log of the diameter rather than the diameter.
Result<ComponentsStats> ComponentsSql(Warehouse& wh, const ComponentsTables& t);
// The naive min-label propagation loop (one hop per round). A benchmark baseline only.
Result<ComponentsStats> ComponentsNaive(Warehouse& wh, const ComponentsTables& t);
// The same, stopping early when a limit is reached: then stats.converged is false and the
// output holds the labels of the last finished round (not yet the components).
Result<ComponentsStats> ComponentsNaive(Warehouse& wh, const ComponentsTables& t,
                                        const ComponentsLimits& limits);

// The native strategy's input, read into memory: node ids ascending (a node's index is its
// rank, so the smallest index of a component is its smallest id) and the edges as index
// pairs, rows with a NULL endpoint left out. Exposed for benchmarks and tests.
struct IndexedGraph {
  std::vector<int64_t> ids;
  std::vector<uint32_t> a, b;
  int64_t edge_rows = 0;  // rows of the edges table, NULL endpoints included
};
// Fails with InvalidArgument on a NULL or duplicate node id, an edge endpoint missing from the
// nodes, or 2^32 - 1 nodes or more.
Result<IndexedGraph> ReadIndexedGraph(Warehouse& wh, const ComponentsTables& t);

// The union-find core: `n` nodes 0..n-1, edges as index pairs. Returns for each node the
// smallest index in its component. Exposed for the core benchmark and tests.
// REQUIRES: a.size() == b.size() and every index < n.
std::vector<uint32_t> MinLabelComponents(uint32_t n, const std::vector<uint32_t>& a,
                                         const std::vector<uint32_t>& b);

}  // namespace zcdp
