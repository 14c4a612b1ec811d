// The naive baseline: every node starts with its own id as label and, each round, takes the
// smallest label among itself and its neighbours. Labels travel one hop per round, so a chain
// of length L needs about L rounds. Kept only so benchmarks can measure the SQL strategy
// against it in the same run.
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

// Both directions of every edge, without self-loops or duplicates.
std::string SymmetricEdges(const QuotedNames& q) {
  return "SELECT DISTINCT " + q.a + ", " + q.b + " FROM (SELECT " + q.a + ", " + q.b + " FROM " +
         q.edges + " WHERE " + q.a + " <> " + q.b + " UNION ALL SELECT " + q.b + ", " + q.a +
         " FROM " + q.edges + " WHERE " + q.a + " <> " + q.b + ") e";
}

std::string InitialLabels(const QuotedNames& q) {
  return "SELECT " + q.node + ", " + q.node + " AS " + q.component + ", 1 AS changed FROM " +
         q.nodes;
}

// One hop: each node's label becomes the smallest of its own and its neighbours' labels;
// `changed` marks the nodes whose label went down.
std::string Hop(const QuotedNames& q, const std::string& labels, const std::string& sym) {
  const std::string lower = "s.m IS NOT NULL AND s.m < l." + q.component;
  return "SELECT l." + q.node + " AS " + q.node + ", CASE WHEN " + lower + " THEN s.m ELSE l." +
         q.component + " END AS " + q.component + ", CASE WHEN " + lower +
         " THEN 1 ELSE 0 END AS changed FROM " + labels + " l LEFT JOIN (SELECT e." + q.a +
         " AS u, min(n." + q.component + ") AS m FROM " + sym + " e JOIN " + labels + " n ON e." +
         q.b + " = n." + q.node + " GROUP BY e." + q.a + ") s ON s.u = l." + q.node;
}

bool LimitReached(const ComponentsLimits& limits, int64_t rounds, const Stopwatch& clock) {
  return (limits.max_rounds > 0 && rounds >= limits.max_rounds) ||
         (limits.max_seconds > 0 && clock.Seconds() >= limits.max_seconds);
}

// Runs hops between work tables "l0" and "l1" until no label changes or a limit is reached.
// Returns the work table holding the last labels.
Result<std::string> Propagate(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                              const ComponentsLimits& limits, WorkTables& work,
                              ComponentsStats& stats, const Stopwatch& clock) {
  const std::string sym = work.Qualified("sym");
  std::string current = "l0", next = "l1";
  while (true) {
    if (LimitReached(limits, stats.rounds, clock)) {
      stats.converged = false;
      return current;
    }
    ZCDP_RETURN_IF_ERROR(
        CreateTableAs(wh, t.schema, work.Name(next), Hop(q, work.Qualified(current), sym)));
    ++stats.rounds;
    std::swap(current, next);
    ZCDP_ASSIGN_OR_RETURN(
        int64_t changed,
        QueryInt(wh, "SELECT count(*) FROM " + work.Qualified(current) + " WHERE changed = 1"));
    if (changed == 0) return current;
  }
}

}  // namespace

Result<ComponentsStats> ComponentsNaive(Warehouse& wh, const ComponentsTables& t,
                                        const ComponentsLimits& limits) {
  const Stopwatch total;
  const QuotedNames q(wh.dialect(), t);
  ComponentsStats stats;
  {
    WorkTables work(wh, t);
    ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name("sym"), SymmetricEdges(q)));
    ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, work.Name("l0"), InitialLabels(q)));
    ZCDP_ASSIGN_OR_RETURN(std::string last, Propagate(wh, t, q, limits, work, stats, total));
    ZCDP_RETURN_IF_ERROR(
        CreateTableAs(wh, t.schema, t.output,
                      "SELECT " + q.node + ", " + q.component + " FROM " + work.Qualified(last)));
  }  // drops the working tables
  stats.seconds = total.Seconds();
  ZCDP_RETURN_IF_ERROR(CountResult(wh, t, stats));
  return stats;
}

Result<ComponentsStats> ComponentsNaive(Warehouse& wh, const ComponentsTables& t) {
  return ComponentsNaive(wh, t, ComponentsLimits{});
}

}  // namespace zcdp
