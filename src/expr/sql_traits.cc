// TypeSqlTraits: the `sql` escape hatch compiled by the engine in validate, so that a typo
// is reported by trait name and position instead of failing the run, and so that the
// engine's result type checks the conditions that compare the trait.

#include <vector>

#include "zcdp/common/suggest.h"
#include "zcdp/expr/catalog.h"
#include "zcdp/expr/sql.h"
#include "zcdp/model/validate.h"
#include "zcdp/sql/dialect.h"

namespace zcdp::expr {
namespace {

constexpr size_t kMaxEngineMessage = 200;

// The first line of the engine's message, shortened. Nothing was read, so it quotes no rows.
std::string FirstLine(const Status& status) {
  std::string m = status.message().substr(0, status.message().find('\n'));
  if (m.size() > kMaxEngineMessage) m = m.substr(0, kMaxEngineMessage) + "...";
  return m;
}

// A typed NULL standing for a trait's values in the relation an outer `sql` trait reads.
std::string NullOf(ValueType type, AggregateFunction fn, const Dialect& d) {
  if (fn == AggregateFunction::kCount || fn == AggregateFunction::kCountDistinct) {
    return d.Cast("NULL", SqlType::kBigInt);
  }
  switch (type) {
    case ValueType::kNumber:
      return d.Cast("NULL", SqlType::kDouble);
    case ValueType::kText:
      return d.Cast("NULL", SqlType::kText);
    case ValueType::kTime:
      return d.Cast("NULL", SqlType::kTimestamp);
    case ValueType::kBool:
      return d.Cast("NULL", SqlType::kBoolean);
    case ValueType::kAny:
      break;
  }
  return "NULL";
}

// The query whose one column has the trait's type: the traits step's own shape (an
// aggregate over the source's rows by profile, or an expression over the other traits),
// over no rows. Empty when the trait's source is unknown (reported elsewhere).
std::string ProbeSql(const Project& p, const TraitConfig& t, const Catalog& catalog,
                     const Dialect& d) {
  const std::string expr = "(" + t.sql->value + ") AS v";
  if (t.source) {
    const SourceConfig* s = p.FindSource(t.source->value);
    if (s == nullptr || catalog.ColumnsOf(s->name.value) == nullptr) return "";
    Result<std::string> relation = SourceRelation(*s, d);
    if (!relation.ok()) return "";
    return "SELECT " + expr + " FROM (SELECT " + d.Cast("NULL", SqlType::kBigInt) +
           " AS zcdp_profile_id, s.* FROM " + *relation + " s) r GROUP BY r.zcdp_profile_id " +
           d.Limit(0);
  }
  std::vector<std::string> columns = {d.Cast("NULL", SqlType::kText) + " AS profile_id"};
  for (const auto& other : p.traits) {
    if (other.sql && !other.source) continue;  // outer traits do not see each other
    auto it = catalog.traits.find(other.name.value);
    const ValueType type = it == catalog.traits.end() ? ValueType::kAny : it->second;
    columns.push_back(NullOf(type, other.aggregate_function, d) + " AS " +
                      d.QuoteIdentifier(other.name.value));
  }
  return "SELECT " + expr + " FROM (SELECT " + Join(columns, ", ") + ") x " + d.Limit(0);
}

void TypeOne(const Project& p, const TraitConfig& t, Warehouse& wh, Catalog& catalog,
             Diagnostics* diags) {
  const std::string sql = ProbeSql(p, t, catalog, wh.dialect());
  if (sql.empty()) return;
  Result<std::vector<ColumnInfo>> columns = wh.DescribeQuery(sql);
  if (columns.ok() && columns->size() == 1) {
    catalog.traits[t.name.value] = ValueTypeOf(columns->front().kind);
    return;
  }
  if (diags == nullptr) return;
  const std::string over =
      t.source ? "an aggregate over the rows of source " + Quote(t.source->value) + " by profile"
               : "an expression over the other traits";
  diags->Error(t.sql->pos,
               "trait " + Quote(t.name.value) + ": sql: expected " + over +
                   "; the warehouse refuses it: " +
                   (columns.ok() ? "it has no single column" : FirstLine(columns.status())));
}

}  // namespace

void TypeSqlTraits(const Project& project, Warehouse& wh, Catalog& catalog, Diagnostics* diags) {
  // Sourced traits first: the outer ones read their types.
  for (const bool outer : {false, true}) {
    for (const auto& t : project.traits) {
      if (t.sql && (t.source == std::nullopt) == outer) TypeOne(project, t, wh, catalog, diags);
    }
  }
}

}  // namespace zcdp::expr
