#include "zcdp/expr/catalog.h"

#include "zcdp/model/validate.h"

namespace zcdp::expr {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kNumber:
      return "number";
    case ValueType::kText:
      return "text";
    case ValueType::kTime:
      return "date or timestamp";
    case ValueType::kBool:
      return "boolean";
    case ValueType::kAny:
      return "any";
  }
  return "any";
}

ValueType ValueTypeOf(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInteger:
    case ColumnKind::kFloat:
    case ColumnKind::kDecimal:
      return ValueType::kNumber;
    case ColumnKind::kText:
      return ValueType::kText;
    case ColumnKind::kDate:
    case ColumnKind::kTimestamp:
    case ColumnKind::kTimestampTz:
      return ValueType::kTime;
    case ColumnKind::kBoolean:
      return ValueType::kBool;
    default:
      return ValueType::kAny;
  }
}

const std::map<std::string, ValueType>* Catalog::ColumnsOf(const std::string& source) const {
  auto it = source_columns.find(source);
  return it == source_columns.end() ? nullptr : &it->second;
}

ValueType TraitType(const TraitConfig& trait, const Catalog& catalog) {
  const AggregateFunction fn = trait.aggregate_function;
  if (trait.sql) return ValueType::kAny;
  if (fn == AggregateFunction::kCount || fn == AggregateFunction::kSum ||
      fn == AggregateFunction::kAvg || fn == AggregateFunction::kCountDistinct) {
    return ValueType::kNumber;
  }
  if (trait.inputs.empty()) return ValueType::kAny;
  const auto* columns = catalog.ColumnsOf(trait.inputs.front().source.value);
  if (columns == nullptr) return ValueType::kAny;
  auto it = columns->find(trait.inputs.front().column.value);
  return it == columns->end() ? ValueType::kAny : it->second;
}

Catalog MakeCatalog(const Project& project,
                    const std::map<std::string, std::vector<ColumnInfo>>& described) {
  Catalog catalog;
  for (const auto& [source, columns] : described) {
    auto& out = catalog.source_columns[source];
    for (const auto& c : columns) out[c.name] = ValueTypeOf(c.kind);
  }
  for (const auto& t : project.traits) catalog.traits[t.name.value] = TraitType(t, catalog);
  return catalog;
}

Result<Catalog> LoadCatalog(const Project& project, Warehouse& wh, Diagnostics* diags) {
  std::map<std::string, std::vector<ColumnInfo>> described;
  for (const auto& s : project.sources) {
    ZCDP_ASSIGN_OR_RETURN(std::string relation, SourceRelation(s, wh.dialect()));
    auto columns = wh.DescribeQuery("SELECT * FROM " + relation);
    if (!columns.ok()) {
      return Status::Warehouse("source " + s.name.value + ": " + columns.status().message());
    }
    described[s.name.value] = std::move(*columns);
  }
  Catalog catalog = MakeCatalog(project, described);
  // Only when validating: a statement the engine refuses inside a step's transaction would
  // abort it (PostgreSQL), and the compilers do not read the types.
  if (diags != nullptr) TypeSqlTraits(project, wh, catalog, diags);
  return catalog;
}

}  // namespace zcdp::expr
