#pragma once

#include "sql/standard_dialect.h"

namespace zcdp {

// SQL for PostgreSQL 15 (and servers that speak its dialect). Stateless and thread-safe.
// Sessions are expected to run with TimeZone = 'UTC' (the warehouse adapter sets it), so that
// TIMESTAMP values mean UTC as they do on DuckDB.
class PostgresDialect final : public StandardDialect {
 public:
  std::string_view name() const override { return "postgres"; }
  // MERGE exists from PostgreSQL 15; a database is its only catalog.
  Capabilities capabilities() const override {
    return {.update_from = true, .merge = true, .temporary_tables = true, .catalogs = false};
  }
  std::string DefaultSchema() const override { return "public"; }
  std::string TypeName(SqlType type) const override;
  std::string CurrentTimestamp() const override;
  std::string Sha256Hex(std::string_view text_expr) const override;
  // hashtextextended (PostgreSQL 11+), masked to 63 bits. Node ids therefore differ from
  // DuckDB's; the partition of records into profiles does not.
  std::string HashToBigint(std::string_view text_expr) const override;
  // No arg_min/arg_max aggregates: the first element of an ordered array_agg, over rows whose
  // key is not NULL (as DuckDB's arg_min ignores them).
  std::string ArgMin(std::string_view value, std::string_view key) const override;
  std::string ArgMax(std::string_view value, std::string_view key) const override;
  std::string RegexMatches(std::string_view text_expr, std::string_view pattern) const override;
  // Creating a schema needs CREATE on the database even when it exists; a least-privilege
  // role owns its output schema but may not create schemas, so this checks the catalog first.
  std::string CreateSchemaIfNotExists(std::string_view schema) const override;
  // One DO block that builds the new rows in a scratch table, then: renames it into place when
  // nothing depends on the old table; refills the old table when views (a user's, or zcdp's)
  // depend on it and the columns are unchanged, so that they keep working; and otherwise
  // drops the old table with its dependent views. In the caller's transaction. Then ANALYZE.
  // REQUIRES: `select_sql` has no parameters.
  std::vector<std::string> CreateOrReplaceTableAs(std::string_view schema, std::string_view name,
                                                  std::string_view select_sql) const override;
  // An UNLOGGED table in `schema`, analysed.
  std::vector<std::string> CreateScratchTableAs(std::string_view schema, std::string_view name,
                                                std::string_view select_sql) const override;
  std::string ScratchTable(std::string_view schema, std::string_view name) const override;
  std::vector<std::string> CreateNumberedScratchTableAs(std::string_view schema,
                                                        std::string_view name,
                                                        std::string_view select_sql,
                                                        std::string_view order_by) const override;
  std::string ScratchRowNumber() const override;
  // ANALYZE of the table.
  std::vector<std::string> RefreshStatistics(std::string_view schema,
                                             std::string_view name) const override;
  // PostgreSQL cannot read files in place: InvalidArgument.
  Result<std::string> FileRelation(FileFormat format, std::string_view glob,
                                   const CsvReadOptions& csv = {}) const override;
};

}  // namespace zcdp
