#pragma once

#include "zcdp/sql/dialect.h"

namespace zcdp {

// SQL for DuckDB 1.4. Stateless and thread-safe.
class DuckDbDialect final : public Dialect {
 public:
  std::string_view name() const override { return "duckdb"; }
  std::string QuoteIdentifier(std::string_view ident) const override;
  std::string QuoteString(std::string_view value) const override;
  std::string Placeholder(int index) const override;
  std::string TypeName(SqlType type) const override;
  std::string IntervalLiteral(const Duration& d) const override;
  std::string CurrentTimestamp() const override;
  std::string Sha256Hex(std::string_view text_expr) const override;
  std::string HashToBigint(std::string_view text_expr) const override;
  std::string ArgMin(std::string_view value, std::string_view key) const override;
  std::string ArgMax(std::string_view value, std::string_view key) const override;
  std::string RegexMatches(std::string_view text_expr, std::string_view pattern) const override;
  std::string CreateSchemaIfNotExists(std::string_view schema) const override;
  std::string CreateOrReplaceView(std::string_view schema, std::string_view name,
                                  std::string_view select_sql) const override;
  std::vector<std::string> CreateOrReplaceTableAs(std::string_view schema, std::string_view name,
                                                  std::string_view select_sql) const override;
  std::string CreateTableIfNotExists(std::string_view schema, std::string_view name,
                                     const std::vector<ColumnDef>& columns,
                                     const std::vector<std::string>& key) const override;
  std::vector<std::string> Upsert(std::string_view schema, std::string_view table,
                                  const std::vector<std::string>& columns,
                                  const std::vector<std::string>& key,
                                  std::string_view select_sql) const override;
  std::string Limit(int64_t n) const override;
  Result<std::string> FileRelation(FileFormat format, std::string_view glob) const override;
};

// Quotes with `quote`, doubling embedded quotes and dropping NUL bytes (which no engine
// accepts inside a token). Shared by dialects that follow the SQL standard.
std::string QuoteWith(std::string_view text, char quote);
// Standard-SQL helpers other dialects reuse.
std::string IntervalUnitName(Duration::Unit unit);
std::string JoinQuoted(const Dialect& d, const std::vector<std::string>& names,
                       std::string_view prefix = "");

}  // namespace zcdp
