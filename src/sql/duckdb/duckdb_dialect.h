#pragma once

#include "sql/standard_dialect.h"

namespace zcdp {

// SQL for DuckDB 1.4. Stateless and thread-safe.
class DuckDbDialect final : public StandardDialect {
 public:
  std::string_view name() const override { return "duckdb"; }
  Capabilities capabilities() const override {
    return {.update_from = true, .merge = true, .temporary_tables = true, .catalogs = true};
  }
  std::string DefaultSchema() const override { return "main"; }
  std::string TypeName(SqlType type) const override;
  std::string CurrentTimestamp() const override;
  std::string Sha256Hex(std::string_view text_expr) const override;
  std::string HashToBigint(std::string_view text_expr) const override;
  std::string ArgMin(std::string_view value, std::string_view key) const override;
  std::string ArgMax(std::string_view value, std::string_view key) const override;
  std::string RegexMatches(std::string_view text_expr, std::string_view pattern) const override;
  std::vector<std::string> CreateOrReplaceTableAs(std::string_view schema, std::string_view name,
                                                  std::string_view select_sql) const override;
  // A TEMP table; `schema` is ignored (DuckDB keeps temporary tables in temp.main).
  std::vector<std::string> CreateScratchTableAs(std::string_view schema, std::string_view name,
                                                std::string_view select_sql) const override;
  std::string ScratchTable(std::string_view schema, std::string_view name) const override;
  std::vector<std::string> CreateNumberedScratchTableAs(std::string_view schema,
                                                        std::string_view name,
                                                        std::string_view select_sql,
                                                        std::string_view order_by) const override;
  std::string ScratchRowNumber() const override;
  // None: DuckDB keeps statistics as it writes.
  std::vector<std::string> RefreshStatistics(std::string_view schema,
                                             std::string_view name) const override;
  Result<std::string> FileRelation(FileFormat format, std::string_view glob,
                                   const CsvReadOptions& csv = {}) const override;
};

}  // namespace zcdp
