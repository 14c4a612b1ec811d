// The native strategy: the graph read into memory (components_read.cc), the union-find core
// (components_core.cc), and the output written back through the appender.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/identity/components.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/components_util.h"

namespace zcdp {
namespace {

using components_internal::CreateTableAs;
using components_internal::QuotedNames;
using components_internal::Stopwatch;

// Creates or replaces the output table and appends (node, component) for every node.
Status WriteOutput(Warehouse& wh, const ComponentsTables& t, const QuotedNames& q,
                   const std::vector<int64_t>& ids, const std::vector<uint32_t>& labels) {
  const Dialect& d = wh.dialect();
  Transaction txn(wh);
  ZCDP_RETURN_IF_ERROR(txn.Begin());
  ZCDP_RETURN_IF_ERROR(CreateTableAs(wh, t.schema, t.output,
                                     "SELECT " + d.Cast("NULL", SqlType::kBigInt) + " AS " +
                                         q.node + ", " + d.Cast("NULL", SqlType::kBigInt) + " AS " +
                                         q.component + " WHERE 1 = 0"));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> app, wh.CreateAppender(t.schema, t.output));
  constexpr size_t kAhead = 16;  // labels point anywhere in `ids`: fetch them ahead
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i + kAhead < ids.size()) __builtin_prefetch(&ids[labels[i + kAhead]]);
    ZCDP_RETURN_IF_ERROR(app->AppendInt(ids[i]));
    ZCDP_RETURN_IF_ERROR(app->AppendInt(ids[labels[i]]));
    ZCDP_RETURN_IF_ERROR(app->EndRow());
  }
  ZCDP_RETURN_IF_ERROR(app->Close());
  return txn.Commit();
}

}  // namespace

Result<ComponentsStats> ComponentsNative(Warehouse& wh, const ComponentsTables& t) {
  const Stopwatch total;
  const QuotedNames q(wh.dialect(), t);
  ComponentsStats stats;
  ZCDP_ASSIGN_OR_RETURN(const IndexedGraph graph, ReadIndexedGraph(wh, t));
  const Stopwatch core;
  const std::vector<uint32_t> labels =
      MinLabelComponents(uint32_t(graph.ids.size()), graph.a, graph.b);
  stats.core_seconds = core.Seconds();
  ZCDP_RETURN_IF_ERROR(WriteOutput(wh, t, q, graph.ids, labels));
  stats.nodes = int64_t(graph.ids.size());
  stats.edges = graph.edge_rows;
  for (uint32_t i = 0; i < labels.size(); ++i) stats.components += labels[i] == i ? 1 : 0;
  stats.rounds = 1;
  stats.seconds = total.Seconds();
  return stats;
}

}  // namespace zcdp
