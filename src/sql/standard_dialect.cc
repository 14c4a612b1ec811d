#include "sql/standard_dialect.h"

#include <algorithm>
#include <string>

namespace zcdp {

std::string QuoteWith(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  for (char c : text) {
    if (c == '\0') continue;
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

std::string IntervalUnitName(Duration::Unit unit) {
  switch (unit) {
    case Duration::Unit::kSecond:
      return "second";
    case Duration::Unit::kMinute:
      return "minute";
    case Duration::Unit::kHour:
      return "hour";
    case Duration::Unit::kDay:
      return "day";
    case Duration::Unit::kWeek:
      return "week";
    case Duration::Unit::kMonth:
      return "month";
    case Duration::Unit::kYear:
      return "year";
  }
  return "day";
}

std::string JoinQuoted(const Dialect& d, const std::vector<std::string>& names,
                       std::string_view prefix) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += std::string(prefix) + d.QuoteIdentifier(n);
  }
  return out;
}

std::string StandardDialect::QuoteIdentifier(std::string_view ident) const {
  return QuoteWith(ident, '"');
}

std::string StandardDialect::QuoteString(std::string_view value) const {
  return QuoteWith(value, '\'');
}

std::string StandardDialect::Placeholder(int index) const { return "$" + std::to_string(index); }

std::string StandardDialect::IntervalLiteral(const Duration& d) const {
  return "INTERVAL '" + std::to_string(d.count) + " " + IntervalUnitName(d.unit) + "'";
}

std::string StandardDialect::Md5Hex(std::string_view text_expr) const {
  return "md5(" + std::string(text_expr) + ")";
}

std::string StandardDialect::CreateSchemaIfNotExists(std::string_view schema) const {
  return "CREATE SCHEMA IF NOT EXISTS " + QuoteIdentifier(schema);
}

std::string StandardDialect::CreateOrReplaceView(std::string_view schema, std::string_view name,
                                                 std::string_view select_sql) const {
  return "CREATE OR REPLACE VIEW " + QualifiedName(schema, name) + " AS " + std::string(select_sql);
}

std::string StandardDialect::CommentOn(bool is_view, std::string_view schema, std::string_view name,
                                       std::string_view text) const {
  return std::string("COMMENT ON ") + (is_view ? "VIEW " : "TABLE ") + QualifiedName(schema, name) +
         " IS " + QuoteString(text);
}

std::string StandardDialect::CreateTableIfNotExists(std::string_view schema, std::string_view name,
                                                    const std::vector<ColumnDef>& columns,
                                                    const std::vector<std::string>& key) const {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + QualifiedName(schema, name) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(columns[i].name) + " " + TypeName(columns[i].type);
    if (columns[i].not_null) sql += " NOT NULL";
  }
  if (!key.empty()) sql += ", PRIMARY KEY (" + JoinQuoted(*this, key) + ")";
  return sql + ")";
}

std::vector<std::string> StandardDialect::Upsert(std::string_view schema, std::string_view table,
                                                 const std::vector<std::string>& columns,
                                                 const std::vector<std::string>& key,
                                                 std::string_view select_sql) const {
  std::string sql = "INSERT INTO " + QualifiedName(schema, table) + " (" +
                    JoinQuoted(*this, columns) + ") " + std::string(select_sql) + " ON CONFLICT (" +
                    JoinQuoted(*this, key) + ") DO ";
  std::string sets;
  for (const auto& c : columns) {
    if (std::find(key.begin(), key.end(), c) != key.end()) continue;
    if (!sets.empty()) sets += ", ";
    sets += QuoteIdentifier(c) + " = excluded." + QuoteIdentifier(c);
  }
  return {sql + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets)};
}

std::string StandardDialect::Limit(int64_t n) const { return " LIMIT " + std::to_string(n); }

}  // namespace zcdp
