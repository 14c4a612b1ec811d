#include "graphs.h"

#include <algorithm>
#include <memory>
#include <string>
#include <variant>

#include "zcdp/sql/dialect.h"

namespace zcdp::bench {
namespace {

// The statements below are DuckDB SQL with only numbers spliced in; table names are fixed.

Result<int64_t> QueryCount(Warehouse& wh, const std::string& sql) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(sql));
  if (r.rows.empty() || r.rows[0].empty() || r.rows[0][0].is_null()) return int64_t{0};
  return std::get<int64_t>(r.rows[0][0].storage());
}

// A random-looking, non-negative 63-bit id from a tuple of integer expressions.
std::string Id(const std::string& args, uint64_t seed) {
  return "CAST(hash(" + args + ", " + std::to_string(seed) + ") >> 1 AS BIGINT)";
}

std::string N(int64_t v) { return std::to_string(v); }

// Components of 1-20 members with P(size >= k) ~ 1/k; over-provisioned (about 2.9 edges per
// component on average) and cut at `edges` below.
std::string RealisticComponents(int64_t edges, const std::string& sd) {
  const std::string uniform = "(hash(c, " + sd + ") % 1000000) / 1000000.0";
  return "CREATE OR REPLACE TEMP TABLE comp AS SELECT c, least(20, CAST(floor(1.0 / (1.0 - " +
         uniform + ")) AS BIGINT)) AS s FROM range(" + N(edges / 2 + 1000) + ") t(c);" +
         "CREATE OR REPLACE TEMP TABLE member AS SELECT c, unnest(range(s)) AS k FROM comp;";
}

// A random tree per component (each member links to an earlier one); about one link in ten
// is seen twice, reversed. Then the components are cut where the edges reach `edges`.
std::string RealisticLinks(int64_t edges, const std::string& sd) {
  const std::string parent = "CAST(hash(c, k, " + sd + " + 1) % k AS BIGINT)";
  return "CREATE OR REPLACE TEMP TABLE pair AS SELECT c, k AS k1, " + parent +
         " AS k2 FROM member WHERE k > 0 UNION ALL SELECT c, " + parent +
         ", k FROM member WHERE k > 0 AND hash(c, k, " + sd + " + 2) % 10 = 0;" +
         "CREATE OR REPLACE TEMP TABLE cut AS SELECT coalesce(max(c), -1) AS c FROM (SELECT c, " +
         "sum(n) OVER (ORDER BY c) AS total FROM (SELECT c, count(*) AS n FROM pair GROUP BY " +
         "c)) WHERE total <= " + N(edges) + ";";
}

Status MakeRealistic(Warehouse& wh, const std::string& s, int64_t edges, uint64_t seed) {
  const std::string sd = std::to_string(seed);
  const std::string kept = " WHERE c <= (SELECT c FROM cut)";
  return wh.Execute(
      RealisticComponents(edges, sd) + RealisticLinks(edges, sd) + "CREATE OR REPLACE TABLE " + s +
      ".nodes AS SELECT DISTINCT " + Id("c, k", seed) + " AS node FROM member" + kept + ";" +
      "CREATE OR REPLACE TABLE " + s + ".edges AS SELECT " + Id("c, k1", seed) + " AS a, " +
      Id("c, k2", seed) + " AS b FROM pair" + kept + " ORDER BY hash(c, k1, k2, " + sd + " + 3);" +
      "DROP TABLE comp; DROP TABLE member; DROP TABLE pair; DROP TABLE cut;");
}

int64_t ChainLength(int64_t edges) { return std::clamp<int64_t>(edges / 10, 10000, 100000); }

Status MakeChains(Warehouse& wh, const std::string& s, int64_t edges, uint64_t seed) {
  const int64_t length = ChainLength(edges);
  const int64_t chains = std::max<int64_t>(1, (edges + length / 2) / (length - 1));
  const std::string grid = " FROM range(" + N(chains) + ") t(c), range(";
  return wh.Execute("CREATE OR REPLACE TABLE " + s + ".nodes AS SELECT " + Id("c, p", seed) +
                    " AS node" + grid + N(length) + ") u(p);" + "CREATE OR REPLACE TABLE " + s +
                    ".edges AS SELECT " + Id("c, p", seed) + " AS a, " + Id("c, p + 1", seed) +
                    " AS b" + grid + N(length - 1) + ") u(p) ORDER BY hash(c, p, " +
                    std::to_string(seed) + " + 3);");
}

}  // namespace

std::string_view FamilyName(Family f) { return f == Family::kRealistic ? "realistic" : "chains"; }

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
  return info;
}

}  // namespace zcdp::bench
