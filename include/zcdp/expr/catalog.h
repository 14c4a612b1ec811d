#pragma once

#include <map>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
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

// Describes every source through the warehouse (reads no rows) and builds the catalog.
// Fails with the first source that cannot be described.
Result<Catalog> LoadCatalog(const Project& project, Warehouse& wh);

}  // namespace zcdp::expr
