#pragma once

#include <map>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::expr {

// The types the audience language compares. Dates and timestamps are both kTime.
enum class ValueType { kNumber, kText, kTime, kBool, kAny };

std::string_view ValueTypeName(ValueType type);
ValueType ValueTypeOf(ColumnKind kind);

// What a condition may name: each source's columns with their types, and each trait's
// type. Built from the live warehouse schema; holds names and types only.
struct Catalog {
  std::map<std::string, std::map<std::string, ValueType>> source_columns;
  std::map<std::string, ValueType> traits;

  const std::map<std::string, ValueType>* ColumnsOf(const std::string& source) const;
};

// The type a trait's values have, given its source's columns: numbers for count, sum,
// avg and count_distinct, the input column's type for the others, kAny for `sql` traits.
ValueType TraitType(const TraitConfig& trait, const Catalog& catalog);

// Builds the catalog from already described sources (source name -> columns).
Catalog MakeCatalog(const Project& project,
                    const std::map<std::string, std::vector<ColumnInfo>>& described);

// Compiles each `sql` trait's expression through the warehouse as the traits step would run
// it (over its source's rows grouped by profile, or over the other traits), reading no rows,
// and sets its type in `catalog` from the column the engine describes. A trait the engine
// refuses keeps kAny and, when `diags` is given, is reported at its `sql:` with the first
// line of the engine's message. REQUIRES: `catalog` holds the described sources.
void TypeSqlTraits(const Project& project, Warehouse& wh, Catalog& catalog, Diagnostics* diags);

// Describes every source through the warehouse (reads no rows) and builds the catalog. With
// `diags` (validation, outside any transaction), the `sql` traits are typed by TypeSqlTraits
// and their problems go to `diags`; without, they stay kAny. Fails with the first source that
// cannot be described.
Result<Catalog> LoadCatalog(const Project& project, Warehouse& wh, Diagnostics* diags = nullptr);

}  // namespace zcdp::expr
