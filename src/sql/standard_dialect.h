#pragma once

#include "zcdp/sql/dialect.h"

namespace zcdp {

// The parts of SQL that DuckDB and PostgreSQL spell the same way, as the standard does:
// double-quoted identifiers, single-quoted strings, `$n` placeholders, INTERVAL literals,
// CREATE ... IF NOT EXISTS, INSERT ... ON CONFLICT and LIMIT. Engine dialects derive from it
// and override what differs. Stateless and thread-safe.
class StandardDialect : public Dialect {
 public:
  std::string QuoteIdentifier(std::string_view ident) const override;
  std::string QuoteString(std::string_view value) const override;
  std::string Placeholder(int index) const override;
  std::string IntervalLiteral(const Duration& d) const override;
  std::string Md5Hex(std::string_view text_expr) const override;
  std::string CreateSchemaIfNotExists(std::string_view schema) const override;
  std::string CreateOrReplaceView(std::string_view schema, std::string_view name,
                                  std::string_view select_sql) const override;
  std::string CommentOn(bool is_view, std::string_view schema, std::string_view name,
                        std::string_view text) const override;
  std::string CreateTableIfNotExists(std::string_view schema, std::string_view name,
                                     const std::vector<ColumnDef>& columns,
                                     const std::vector<std::string>& key) const override;
  std::vector<std::string> Upsert(std::string_view schema, std::string_view table,
                                  const std::vector<std::string>& columns,
                                  const std::vector<std::string>& key,
                                  std::string_view select_sql) const override;
  std::string Limit(int64_t n) const override;
};

// Quotes with `quote`, doubling embedded quotes and dropping NUL bytes (which no engine
// accepts inside a token).
std::string QuoteWith(std::string_view text, char quote);
std::string IntervalUnitName(Duration::Unit unit);
// The quoted names joined with ", ", each after `prefix`.
std::string JoinQuoted(const Dialect& d, const std::vector<std::string>& names,
                       std::string_view prefix = "");

}  // namespace zcdp
