#include "identity/components_util.h"

#include <algorithm>
#include <memory>
#include <string>

#include "zcdp/sql/dialect.h"

namespace zcdp::components_internal {

QuotedNames::QuotedNames(const Dialect& d, const ComponentsTables& t)
    : nodes(d.QualifiedName(t.schema, t.nodes)),
      edges(d.QualifiedName(t.schema, t.edges)),
      output(d.QualifiedName(t.schema, t.output)),
      node(d.QuoteIdentifier("node")),
      a(d.QuoteIdentifier("a")),
      b(d.QuoteIdentifier("b")),
      component(d.QuoteIdentifier("component")) {}

Status CreateTableAs(Warehouse& wh, std::string_view schema, std::string_view name,
                     std::string_view select_sql) {
  for (const std::string& sql : wh.dialect().CreateOrReplaceTableAs(schema, name, select_sql)) {
    ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
  }
  return Status::Ok();
}

WorkTables::~WorkTables() {
  // Best effort: a failed drop must not hide the error that ended the run.
  for (const std::string& name : names_) {
    (void)wh_.Execute("DROP TABLE IF EXISTS " + wh_.dialect().QualifiedName(t_.schema, name));
  }
}

std::string WorkTables::Name(std::string_view suffix) {
  std::string name = t_.output + "__cc_" + std::string(suffix);
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
  return name;
}

std::string WorkTables::Qualified(std::string_view suffix) {
  return wh_.dialect().QualifiedName(t_.schema, Name(suffix));
}

Status WorkTables::Drop(std::string_view suffix) {
  return wh_.Execute("DROP TABLE IF EXISTS " + Qualified(suffix));
}

Status CountResult(Warehouse& wh, const ComponentsTables& t, ComponentsStats& stats) {
  const QuotedNames q(wh.dialect(), t);
  ZCDP_ASSIGN_OR_RETURN(stats.nodes, QueryInt(wh, "SELECT count(*) FROM " + q.nodes));
  ZCDP_ASSIGN_OR_RETURN(stats.edges, QueryInt(wh, "SELECT count(*) FROM " + q.edges));
  ZCDP_ASSIGN_OR_RETURN(
      stats.components,
      QueryInt(wh, "SELECT count(*) FROM " + q.output + " WHERE " + q.node + " = " + q.component));
  return Status::Ok();
}

}  // namespace zcdp::components_internal
