// The SQL strategy: large-star / small-star (Kiveris, Lattanzi, Mirrokni, Rastogi and
// Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC 2014), with the pendant
// nodes pruned from the working graph after every round.
//
// The working edge set is kept oriented, a > b, without duplicates or self-loops, so a node
// u's smaller neighbours are {b : (u, b)} and its larger ones {a : (a, u)}. One round:
//   large-star: each edge (a, b) becomes (a, m(b)), m(b) = min(b, smaller neighbours of b);
//   small-star: each node u with smaller neighbours N(u) links u and all of N(u) to min N(u);
//   pruning:    an edge (a, b) whose larger end a has no other edge is parked: a hangs below
//               b for good and leaves the working graph.
// Large-star and small-star keep the components of the working graph, and so does removing a
// pendant node, which stays attached to its component through its parked edge. The rounds
// make every component a star and then prune its leaves, so the working graph empties in a
// number of rounds that grows with the log of the diameter. Pruning shrinks the working
// graph geometrically on random-looking ids (by ~2.5x a round on long chains), so the total
// work is a few passes over the input instead of one per round.
//
// The parked edges form a forest whose edges point from larger to smaller ids; each tree is
// a component and its root, never parked, is the component's smallest id. Labels are
// resolved from the last round back to the first, each round's parked edges looking up their
// target's label among the later rounds'.
//
// Only portable SQL: CREATE TABLE AS (through the dialect), WITH, joins, GROUP BY, count,
// min, CASE, COALESCE, DISTINCT, UNION ALL.
#include <string>
#include <utility>

#include "zcdp/identity/components.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/components_util.h"

namespace zcdp {
namespace {

using components_internal::CountResult;
using components_internal::CreateTableAs;
using components_internal::QuotedNames;
using components_internal::Stopwatch;
using components_internal::WorkTables;

// Large-star/small-star halves the diameter about every round, so 200 rounds is far beyond
// any graph that fits a warehouse: hitting it means a bug.
constexpr int64_t kMaxRounds = 200;

// Work table names: "r<k>" holds (a, b, pendant) after round k; "ls" and "ss" the current
// round's large-star and small-star results; "l0" and "l1" labels while resolving.
std::string RoundTable(int64_t k) { return "r" + std::to_string(k); }

// The input edges as the oriented working set, none parked yet.
std::string InitialEdges(const QuotedNames& q) {
  const std::string &a = q.a, &b = q.b;
  return "SELECT DISTINCT CASE WHEN " + a + " > " + b + " THEN " + a + " ELSE " + b + " END AS " +
         a + ", CASE WHEN " + a + " > " + b + " THEN " + b + " ELSE " + a + " END AS " + b +
         ", 0 AS pendant FROM " + q.edges + " WHERE " + a + " <> " + b;
}

// The edges of round table `r` with pendant = `parked` (0: still working, 1: parked).
std::string EdgesOf(const QuotedNames& q, const std::string& r, int parked) {
  return "(SELECT " + q.a + ", " + q.b + " FROM " + r +
         " WHERE pendant = " + std::to_string(parked) + ")";
}

// For each node with smaller neighbours in `edges`: the node (u) and the smallest one (m).
std::string SmallestNeighbour(const QuotedNames& q, const std::string& edges) {
  return "SELECT " + q.a + " AS u, min(" + q.b + ") AS m FROM " + edges + " x GROUP BY " + q.a;
}

std::string LargeStar(const QuotedNames& q, const std::string& edges) {
  return "SELECT e." + q.a + " AS " + q.a + ", COALESCE(s.m, e." + q.b + ") AS " + q.b + " FROM " +
         edges + " e LEFT JOIN (" + SmallestNeighbour(q, edges) + ") s ON s.u = e." + q.b;
}

std::string SmallStar(const QuotedNames& q, const std::string& edges) {
  return "WITH s AS (" + SmallestNeighbour(q, edges) + ") SELECT " + q.a + ", " + q.b +
         " FROM (SELECT e." + q.b + " AS " + q.a + ", s.m AS " + q.b + " FROM " + edges +
         " e JOIN s ON e." + q.a + " = s.u WHERE e." + q.b + " <> s.m UNION ALL SELECT u, m " +
         "FROM s) x GROUP BY " + q.a + ", " + q.b;
}

// Marks the edges whose larger end has no other edge.
std::string Prune(const QuotedNames& q, const std::string& edges) {
  return "SELECT e." + q.a + " AS " + q.a + ", e." + q.b + " AS " + q.b +
         ", CASE WHEN d.n = 1 THEN 1 ELSE 0 END AS pendant FROM " + edges +
         " e JOIN (SELECT v, count(*) AS n FROM (SELECT " + q.a + " AS v FROM " + edges +
         " UNION ALL SELECT " + q.b + " FROM " + edges + ") y GROUP BY v) d ON d.v = e." + q.a;
}

// Runs rounds until no working edge is left. Returns the number of rounds.
Result<int64_t> Shrink(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                       WorkTables& work) {
  ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name(RoundTable(0)), InitialEdges(q)));
  for (int64_t k = 0;; ++k) {
    const std::string r = work.Qualified(RoundTable(k));
    ZCDP_ASSIGN_OR_RETURN(int64_t working,
                          QueryInt(wh, "SELECT count(*) FROM " + EdgesOf(q, r, 0) + " w"));
    if (working == 0) return k;
    if (k == kMaxRounds) {
      return Status::Internal("large-star/small-star did not converge in " +
                              std::to_string(kMaxRounds) + " rounds for " + q.output);
    }
    ZCDP_RETURN_IF_ERROR(
        CreateTableAs(wh, t.schema, work.Name("ls"), LargeStar(q, EdgesOf(q, r, 0))));
    ZCDP_RETURN_IF_ERROR(
        CreateTableAs(wh, t.schema, work.Name("ss"), SmallStar(q, work.Qualified("ls"))));
    ZCDP_RETURN_IF_ERROR(
        CreateTableAs(wh, t.schema, work.Name(RoundTable(k + 1)), Prune(q, work.Qualified("ss"))));
  }
}

// Labels for the parked edges `parked`, whose targets are labelled in `later` or are roots,
// together with the rows of `later`.
std::string LookUpLabels(const QuotedNames& q, const std::string& parked,
                         const std::string& later) {
  std::string sql = "SELECT p." + q.a + " AS " + q.node + ", COALESCE(l." + q.component;
  sql += ", p." + q.b + ") AS " + q.component + " FROM " + parked + " p LEFT JOIN " + later;
  sql += " l ON l." + q.node + " = p." + q.b;
  return sql + " UNION ALL SELECT " + q.node + ", " + q.component + " FROM " + later;
}

// Resolves the parked edges of rounds 1..`rounds` into (node, component) for every parked
// node. Returns the qualified name of the labels table. REQUIRES: rounds >= 1.
Result<std::string> Resolve(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                            WorkTables& work, int64_t rounds) {
  std::string labels = "l0", next = "l1";
  ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name(labels),
                                     "SELECT " + q.a + " AS " + q.node + ", " + q.b + " AS " +
                                         q.component + " FROM " +
                                         EdgesOf(q, work.Qualified(RoundTable(rounds)), 1) + " p"));
  for (int64_t k = rounds - 1; k >= 1; --k) {
    ZCDP_RETURN_IF_ERROR(work.Drop(RoundTable(k + 1)));
    ZCDP_RETURN_IF_ERROR(CreateTableAs(
        wh, t.schema, work.Name(next),
        LookUpLabels(q, EdgesOf(q, work.Qualified(RoundTable(k)), 1), work.Qualified(labels))));
    std::swap(labels, next);
  }
  return work.Qualified(labels);
}

// Every node with its component: the label of a parked node, else the node itself.
Status WriteOutput(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                   const std::string& labels) {
  if (labels.empty()) {
    return CreateTableAs(
        wh, t.schema, t.output,
        "SELECT " + q.node + ", " + q.node + " AS " + q.component + " FROM " + q.nodes);
  }
  return CreateTableAs(wh, t.schema, t.output,
                       "SELECT n." + q.node + " AS " + q.node + ", COALESCE(l." + q.component +
                           ", n." + q.node + ") AS " + q.component + " FROM " + q.nodes +
                           " n LEFT JOIN " + labels + " l ON l." + q.node + " = n." + q.node);
}

}  // namespace

Result<ComponentsStats> ComponentsSql(Warehouse& wh, const ComponentsTables& t) {
  const Stopwatch total;
  const QuotedNames q(wh.dialect(), t);
  ComponentsStats stats;
  {
    WorkTables work(wh, t);
    ZCDP_ASSIGN_OR_RETURN(stats.rounds, Shrink(wh, t, q, work));
    std::string labels;
    if (stats.rounds > 0) {
      ZCDP_ASSIGN_OR_RETURN(labels, Resolve(wh, t, q, work, stats.rounds));
    }
    ZCDP_RETURN_IF_ERROR(WriteOutput(wh, t, q, labels));
  }  // drops the working tables
  stats.seconds = total.Seconds();
  ZCDP_RETURN_IF_ERROR(CountResult(wh, t, stats));
  return stats;
}

}  // namespace zcdp
