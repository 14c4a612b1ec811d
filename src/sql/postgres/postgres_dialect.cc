#include "sql/postgres/postgres_dialect.h"

#include <string>

namespace zcdp {

std::string PostgresDialect::TypeName(SqlType type) const {
  switch (type) {
    case SqlType::kBoolean:
      return "BOOLEAN";
    case SqlType::kBigInt:
      return "BIGINT";
    case SqlType::kDouble:
      return "DOUBLE PRECISION";
    case SqlType::kText:
      return "TEXT";
    case SqlType::kDate:
      return "DATE";
    case SqlType::kTimestamp:
      return "TIMESTAMP";
    case SqlType::kJson:
      return "JSONB";
  }
  return "TEXT";
}

std::string PostgresDialect::CurrentTimestamp() const {
  return "CAST(current_timestamp AS TIMESTAMP)";
}

std::string PostgresDialect::Sha256Hex(std::string_view text_expr) const {
  return "encode(sha256(convert_to(" + std::string(text_expr) + ", 'UTF8')), 'hex')";
}

std::string PostgresDialect::HashToBigint(std::string_view text_expr) const {
  return "(hashtextextended(" + std::string(text_expr) + ", 0) & 9223372036854775807)";
}

std::string PostgresDialect::ArgMin(std::string_view value, std::string_view key) const {
  const std::string k(key);
  return "(array_agg(" + std::string(value) + " ORDER BY " + k + ") FILTER (WHERE " + k +
         " IS NOT NULL))[1]";
}

std::string PostgresDialect::ArgMax(std::string_view value, std::string_view key) const {
  const std::string k(key);
  return "(array_agg(" + std::string(value) + " ORDER BY " + k + " DESC) FILTER (WHERE " + k +
         " IS NOT NULL))[1]";
}

std::string PostgresDialect::RegexMatches(std::string_view text_expr,
                                          std::string_view pattern) const {
  return "(" + std::string(text_expr) + " ~ " + QuoteString(pattern) + ")";
}

namespace {

// `body` as a DO block, dollar-quoted with a tag that does not occur in it.
std::string DoBlock(const std::string& body) {
  std::string tag = "$zcdp$";
  for (int i = 0; body.find(tag) != std::string::npos; ++i) {
    tag = "$zcdp" + std::to_string(i) + "$";
  }
  return "DO " + tag + body + tag;
}

}  // namespace

std::string PostgresDialect::CreateSchemaIfNotExists(std::string_view schema) const {
  // A DO block takes no parameters: the name is quoted inside the body.
  return DoBlock(
      "BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = " + QuoteString(schema) +
      ") THEN CREATE SCHEMA " + QuoteIdentifier(schema) + "; END IF; END");
}

std::vector<std::string> PostgresDialect::CreateOrReplaceTableAs(
    std::string_view schema, std::string_view name, std::string_view select_sql) const {
  const std::string table = QualifiedName(schema, name);
  const std::string fresh_name = std::string(name) + "__zcdp_new";
  const std::string fresh = QualifiedName(schema, fresh_name);
  const std::string old_oid = QuoteString(table) + "::regclass";
  const std::string new_oid = QuoteString(fresh) + "::regclass";
  const auto columns = [](const std::string& oid) {
    return "SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = " + oid +
           " AND attnum > 0 AND NOT attisdropped";
  };
  return {// The first line names the table, for logs that show one line per statement.
          DoBlock("BEGIN DROP TABLE IF EXISTS " + fresh +
                  ";\n"
                  "CREATE TABLE " +
                  fresh + " AS " + std::string(select_sql) +
                  ";\n"
                  "IF to_regclass(" +
                  QuoteString(table) +
                  ") IS NOT NULL THEN\n"
                  "  IF NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = " +
                  old_oid +
                  " AND classid = 'pg_rewrite'::regclass) THEN\n"
                  "    DROP TABLE " +
                  table +
                  ";\n"
                  "  ELSIF NOT EXISTS (" +
                  columns(old_oid) + " EXCEPT " + columns(new_oid) + ") AND NOT EXISTS (" +
                  columns(new_oid) + " EXCEPT " + columns(old_oid) +
                  ") THEN\n"
                  "    TRUNCATE " +
                  table +
                  ";\n"
                  "    INSERT INTO " +
                  table + " SELECT * FROM " + fresh +
                  ";\n"
                  "    DROP TABLE " +
                  fresh +
                  ";\n"
                  "    RETURN;\n"
                  "  ELSE\n"
                  "    DROP TABLE " +
                  table +
                  " CASCADE;\n"
                  "  END IF;\n"
                  "END IF;\n"
                  "ALTER TABLE " +
                  fresh + " RENAME TO " + QuoteIdentifier(name) +
                  ";\n"
                  "END"),
          RefreshStatistics(schema, name).front()};
}

std::vector<std::string> PostgresDialect::CreateScratchTableAs(std::string_view schema,
                                                               std::string_view name,
                                                               std::string_view select_sql) const {
  const std::string table = ScratchTable(schema, name);
  return {"DROP TABLE IF EXISTS " + table,
          "CREATE UNLOGGED TABLE " + table + " AS " + std::string(select_sql),
          RefreshStatistics(schema, name).front()};
}

std::string PostgresDialect::ScratchTable(std::string_view schema, std::string_view name) const {
  return QualifiedName(schema, name);
}

std::vector<std::string> PostgresDialect::CreateNumberedScratchTableAs(
    std::string_view schema, std::string_view name, std::string_view select_sql,
    std::string_view order_by) const {
  return CreateScratchTableAs(schema, name,
                              "SELECT zcdp_rows.*, row_number() OVER (ORDER BY " +
                                  std::string(order_by) + ") AS zcdp_row FROM (" +
                                  std::string(select_sql) + ") zcdp_rows");
}

std::string PostgresDialect::ScratchRowNumber() const { return "zcdp_row"; }

std::vector<std::string> PostgresDialect::RefreshStatistics(std::string_view schema,
                                                            std::string_view name) const {
  return {"ANALYZE " + QualifiedName(schema, name)};
}

Result<std::string> PostgresDialect::FileRelation(FileFormat, std::string_view glob,
                                                  const CsvReadOptions& /*csv*/) const {
  return Status::Invalid("PostgreSQL cannot read files in place ('" + std::string(glob) +
                         "'): load them into a table (for example with COPY) and name that "
                         "table as the source");
}

}  // namespace zcdp
