#pragma once

#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

namespace zcdp {

class Dialect;
class Warehouse;

// Checks a loaded project against the live warehouse schema: every source table or file glob
// exists and is readable, every mapped column exists, a `timestamp:` column has a time type,
// identifier and attribute columns are scalar, consent columns exist with usable types.
// Writes nothing to the warehouse. Problems go to `diags`, all of them.
void ValidateAgainstWarehouse(const Project& project, Warehouse& wh, Diagnostics& diags);

// Reports, at its `secret:`, each destination secret whose environment variable is unset now
// (a sync would fail on it). Reads the environment; stores no value.
void CheckSecretsSet(const std::vector<DestinationConfig>& destinations, Diagnostics& diags);

// The SQL relation a source reads from: a quoted table name or the dialect's in-place file
// reader. Used by every stage that reads a source.
Result<std::string> SourceRelation(const SourceConfig& source, const Dialect& dialect);

// The schema an unqualified table name lives in on this engine: "main" for DuckDB, "public"
// for PostgreSQL, "" when the engine has none (then tables must be written "schema.table").
std::string DefaultSchema(const Dialect& dialect);

}  // namespace zcdp
