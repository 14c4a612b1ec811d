#pragma once

// Graph families for bench_identity, generated inside DuckDB with SQL.

#include <cstdint>
#include <string>
#include <string_view>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::bench {

enum class Family {
  // Many small components (1-20 identifiers, P(size >= k) ~ 1/k), random trees with some
  // duplicated links, random-looking 63-bit ids, edges in random order.
  kRealistic,
  // A few chains of 1e4-1e5 nodes, ids shuffled along each chain, edges in random order.
  kChains,
};

std::string_view FamilyName(Family f);

struct GraphInfo {
  int64_t nodes = 0;
  int64_t edges = 0;
  int64_t chain_length = 0;  // kChains only
};

// Creates or replaces tables "nodes" (node BIGINT) and "edges" (a BIGINT, b BIGINT) in
// `schema` (DuckDB only) with about `edges` edges of family `f`. Deterministic in `seed`.
Result<GraphInfo> MakeGraph(Warehouse& wh, const std::string& schema, Family f, int64_t edges,
                            uint64_t seed);

}  // namespace zcdp::bench
