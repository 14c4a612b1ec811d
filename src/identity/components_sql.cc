// The SQL strategy: large-star / small-star (Kiveris, Lattanzi, Mirrokni, Rastogi and
// Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC 2014), alternated until
// every component is a star around its smallest node id. Rounds grow with the log of the
// diameter, not the diameter.
//
// The working edge set is kept oriented, a > b, without duplicates or self-loops, so for a
// node u its smaller neighbours are {b : (u, b)} and its larger ones {a : (a, u)}:
//   large-star: each edge (a, b) becomes (a, m(b)), m(b) = min(b, smaller neighbours of b);
//   small-star: each node u with smaller neighbours N(u) links u and all of N(u) to min N(u).
// Both keep the components and the orientation. The loop ends when the edge set is a forest
// of stars: no edge points at a node that has a smaller neighbour itself, and no node has
// two smaller neighbours. The star centres are then the components' smallest ids.
//
// Only portable SQL: CREATE TABLE AS (through the dialect), joins, GROUP BY, min, CASE,
// COALESCE, DISTINCT, UNION ALL, scalar subqueries.
#include <string>

#include "zcdp/identity/components.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/components_util.h"

namespace zcdp {
namespace {

using components_internal::CountResult;
using components_internal::CreateTableAs;
using components_internal::QueryInt;
using components_internal::QuotedNames;
using components_internal::Stopwatch;
using components_internal::WorkTables;

// Large-star/small-star shrinks the diameter geometrically; 200 rounds is far beyond any
// graph that fits a warehouse, so hitting it means a bug.
constexpr int64_t kMaxRounds = 200;

// The input edges as the oriented working set.
std::string InitialEdges(const QuotedNames& q) {
  const std::string& a = q.a;
  const std::string& b = q.b;
  return "SELECT DISTINCT CASE WHEN " + a + " > " + b + " THEN " + a + " ELSE " + b + " END AS " +
         a + ", CASE WHEN " + a + " > " + b + " THEN " + b + " ELSE " + a + " END AS " + b +
         " FROM " + q.edges + " WHERE " + a + " <> " + b;
}

// For each node with smaller neighbours in `edges`: the node (as u) and the smallest (as m).
std::string SmallestNeighbour(const QuotedNames& q, const std::string& edges) {
  return "SELECT " + q.a + " AS u, min(" + q.b + ") AS m FROM " + edges + " GROUP BY " + q.a;
}

std::string LargeStar(const QuotedNames& q, const std::string& edges) {
  return "SELECT DISTINCT e." + q.a + " AS " + q.a + ", COALESCE(s.m, e." + q.b + ") AS " + q.b +
         " FROM " + edges + " e LEFT JOIN (" + SmallestNeighbour(q, edges) + ") s ON s.u = e." +
         q.b;
}

std::string SmallStar(const QuotedNames& q, const std::string& edges) {
  const std::string s = "(" + SmallestNeighbour(q, edges) + ") s";
  return "SELECT DISTINCT x." + q.a + " AS " + q.a + ", x." + q.b + " AS " + q.b +
         " FROM (SELECT e." + q.b + " AS " + q.a + ", s.m AS " + q.b + " FROM " + edges +
         " e JOIN " + s + " ON e." + q.a + " = s.u WHERE e." + q.b + " <> s.m UNION ALL " +
         "SELECT s.u, s.m FROM " + s + ") x";
}

// Edges that keep the working set from being a forest of stars (0 once converged).
std::string Unsettled(const QuotedNames& q, const std::string& edges) {
  return "SELECT (SELECT count(*) FROM " + edges + " e JOIN (SELECT DISTINCT " + q.a +
         " AS u FROM " + edges + ") c ON e." + q.b + " = c.u) + (SELECT count(*) - count(" +
         "DISTINCT " + q.a + ") FROM " + edges + ")";
}

// Every node with the centre of its star, or itself when it has no smaller neighbour.
std::string Labels(const QuotedNames& q, const std::string& edges) {
  return "SELECT n." + q.node + " AS " + q.node + ", COALESCE(e." + q.b + ", n." + q.node +
         ") AS " + q.component + " FROM " + q.nodes + " n LEFT JOIN " + edges + " e ON e." + q.a +
         " = n." + q.node;
}

// Alternates large-star and small-star over work table "e0" until it is a star forest.
// Returns the number of rounds.
Result<int64_t> Converge(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                         WorkTables& work) {
  const std::string e0 = work.Qualified("e0"), e1 = work.Qualified("e1");
  for (int64_t rounds = 0;; ++rounds) {
    ZCDP_ASSIGN_OR_RETURN(int64_t unsettled, QueryInt(wh, Unsettled(q, e0)));
    if (unsettled == 0) return rounds;
    if (rounds == kMaxRounds) {
      return Status::Internal("large-star/small-star did not converge in " +
                              std::to_string(kMaxRounds) + " rounds for " + q.output);
    }
    ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name("e1"), LargeStar(q, e0)));
    ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name("e0"), SmallStar(q, e1)));
  }
}

}  // namespace

Result<ComponentsStats> ComponentsSql(Warehouse& wh, const ComponentsTables& t) {
  const Stopwatch total;
  const QuotedNames q(wh.dialect(), t);
  ComponentsStats stats;
  {
    WorkTables work(wh, t);
    ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name("e0"), InitialEdges(q)));
    ZCDP_ASSIGN_OR_RETURN(stats.rounds, Converge(wh, t, q, work));
    ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, t.output, Labels(q, work.Qualified("e0"))));
  }  // drops the working tables
  stats.seconds = total.Seconds();
  ZCDP_RETURN_IF_ERROR(CountResult(wh, t, stats));
  return stats;
}

}  // namespace zcdp
