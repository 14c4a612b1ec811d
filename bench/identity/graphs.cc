#include "graphs.h"

#include <algorithm>
#include <memory>
#include <string>

#include "zcdp/sql/dialect.h"

namespace zcdp::bench {
namespace {

// Every statement below is DuckDB SQL with numbers only spliced in; names are fixed.
Result<int64_t> QueryCount(Warehouse& wh, const std::string& sql) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(sql));
  if (r.rows.empty() || r.rows[0].empty() || r.rows[0][0].is_null()) return int64_t{0};
  return std::get<int64_t>(r.rows[0][0].storage());
}

// A random-looking, non-negative 63-bit id from a tuple of integers.
std::string Id(const std::string& args, uint64_t seed) {
  return "CAST(hash(" + args + ", " + std::to_string(seed) + ") >> 1 AS BIGINT)";
}

Status MakeRealistic(Warehouse& wh, const std::string& s, int64_t edges, uint64_t seed) {
  const std::string sd = std::to_string(seed);
  // About 2.9 edges per component on average: over-provision, then cut at `edges`.
  const int64_t components = edges / 2 + 1000;
  return wh.Execute(
      "CREATE OR REPLACE TEMP TABLE comp AS SELECT c, least(20, CAST(floor(1.0 / (1.0 - "
      "(hash(c, " + sd + ") % 1000000) / 1000000.0)) AS BIGINT)) AS s FROM range(" +
      std::to_string(components) + ") t(c);"
      "CREATE OR REPLACE TEMP TABLE member AS SELECT c, unnest(range(s)) AS k FROM comp;"
      // A random tree per component (each member links to an earlier one), and about one
      // link in ten seen twice, reversed.
      "CREATE OR REPLACE TEMP TABLE pair AS SELECT c, k AS k1, hash(c, k, " + sd + " + 1) % k"
      " AS k2 FROM member WHERE k > 0 UNION ALL SELECT c, hash(c, k, " + sd + " + 1) % k, k "
      "FROM member WHERE k > 0 AND hash(c, k, " + sd + " + 2) % 10 = 0;"
      "CREATE OR REPLACE TEMP TABLE cut AS SELECT coalesce(max(c), -1) AS c FROM (SELECT c, "
      "sum(n) OVER (ORDER BY c) AS total FROM (SELECT c, count(*) AS n FROM pair GROUP BY c)) "
      "WHERE total <= " + std::to_string(edges) + ";"
      "CREATE OR REPLACE TABLE " + s + ".nodes AS SELECT DISTINCT " + Id("c, k", seed) +
      " AS node FROM member WHERE c <= (SELECT c FROM cut);"
      "CREATE OR REPLACE TABLE " + s + ".edges AS SELECT " + Id("c, k1", seed) + " AS a, " +
      Id("c, k2", seed) + " AS b FROM pair WHERE c <= (SELECT c FROM cut) ORDER BY hash(c, k1, "
      "k2, " + sd + " + 3);"
      "DROP TABLE comp; DROP TABLE member; DROP TABLE pair; DROP TABLE cut;");
}

int64_t ChainLength(int64_t edges) {
  return std::clamp<int64_t>(edges / 10, 10000, 100000);
}

Status MakeChains(Warehouse& wh, const std::string& s, int64_t edges, uint64_t seed) {
  const int64_t length = ChainLength(edges);
  const int64_t chains = std::max<int64_t>(1, (edges + length / 2) / (length - 1));
  const std::string grid = " FROM range(" + std::to_string(chains) + ") t(c), range(";
  return wh.Execute(
      "CREATE OR REPLACE TABLE " + s + ".nodes AS SELECT " + Id("c, p", seed) + " AS node" +
      grid + std::to_string(length) + ") u(p);"
      "CREATE OR REPLACE TABLE " + s + ".edges AS SELECT " + Id("c, p", seed) + " AS a, " +
      Id("c, p + 1", seed) + " AS b" + grid + std::to_string(length - 1) +
      ") u(p) ORDER BY hash(c, p, " + std::to_string(seed) + " + 3);");
}

// The naive loop's rounds on the chains: from each chain's smallest id to its far end.
Result<int64_t> NaiveRoundsOnChains(Warehouse& wh, int64_t length, uint64_t seed,
                                    int64_t chains) {
  const std::string l = std::to_string(length);
  return QueryCount(wh, "SELECT max(greatest(p, " + l + " - 1 - p)) + 1 FROM (SELECT c, "
                        "arg_min(p, " + Id("c, p", seed) + ") AS p FROM range(" +
                        std::to_string(chains) + ") t(c), range(" + l + ") u(p) GROUP BY c)");
}

}  // namespace

std::string_view FamilyName(Family f) {
  return f == Family::kRealistic ? "realistic" : "chains";
}

Result<GraphInfo> MakeGraph(Warehouse& wh, const std::string& schema, Family f, int64_t edges,
                            uint64_t seed) {
  const std::string s = wh.dialect().QuoteIdentifier(schema);
  ZCDP_RETURN_IF_ERROR(wh.Execute(wh.dialect().CreateSchemaIfNotExists(schema)));
  GraphInfo info;
  if (f == Family::kRealistic) {
    ZCDP_RETURN_IF_ERROR(MakeRealistic(wh, s, edges, seed));
  } else {
    ZCDP_RETURN_IF_ERROR(MakeChains(wh, s, edges, seed));
    info.chain_length = ChainLength(edges);
  }
  ZCDP_ASSIGN_OR_RETURN(info.nodes, QueryCount(wh, "SELECT count(*) FROM " + s + ".nodes"));
  ZCDP_ASSIGN_OR_RETURN(info.edges, QueryCount(wh, "SELECT count(*) FROM " + s + ".edges"));
  if (f == Family::kChains) {
    ZCDP_ASSIGN_OR_RETURN(info.naive_rounds_needed,
                          NaiveRoundsOnChains(wh, info.chain_length, seed,
                                              info.nodes / info.chain_length));
  }
  return info;
}

}  // namespace zcdp::bench
