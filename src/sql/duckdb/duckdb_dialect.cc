#include "sql/duckdb/duckdb_dialect.h"

#include <string>

namespace zcdp {

std::string DuckDbDialect::TypeName(SqlType type) const {
  switch (type) {
    case SqlType::kBoolean:
      return "BOOLEAN";
    case SqlType::kBigInt:
      return "BIGINT";
    case SqlType::kDouble:
      return "DOUBLE";
    case SqlType::kText:
      return "VARCHAR";
    case SqlType::kDate:
      return "DATE";
    case SqlType::kTimestamp:
      return "TIMESTAMP";
    case SqlType::kJson:
      return "JSON";
  }
  return "VARCHAR";
}

std::string DuckDbDialect::CurrentTimestamp() const {
  return "CAST(current_timestamp AS TIMESTAMP)";
}

std::string DuckDbDialect::Sha256Hex(std::string_view text_expr) const {
  return "sha256(" + std::string(text_expr) + ")";
}

std::string DuckDbDialect::HashToBigint(std::string_view text_expr) const {
  return "CAST(hash(" + std::string(text_expr) + ") >> 1 AS BIGINT)";
}

std::string DuckDbDialect::ArgMin(std::string_view value, std::string_view key) const {
  return "arg_min(" + std::string(value) + ", " + std::string(key) + ")";
}

std::string DuckDbDialect::ArgMax(std::string_view value, std::string_view key) const {
  return "arg_max(" + std::string(value) + ", " + std::string(key) + ")";
}

std::string DuckDbDialect::RegexMatches(std::string_view text_expr,
                                        std::string_view pattern) const {
  return "regexp_matches(" + std::string(text_expr) + ", " + QuoteString(pattern) + ")";
}

std::vector<std::string> DuckDbDialect::CreateOrReplaceTableAs(std::string_view schema,
                                                               std::string_view name,
                                                               std::string_view select_sql) const {
  return {"CREATE OR REPLACE TABLE " + QualifiedName(schema, name) + " AS " +
          std::string(select_sql)};
}

std::vector<std::string> DuckDbDialect::CreateScratchTableAs(std::string_view schema,
                                                             std::string_view name,
                                                             std::string_view select_sql) const {
  return {"CREATE OR REPLACE TEMP TABLE " + ScratchTable(schema, name) + " AS " +
          std::string(select_sql)};
}

std::string DuckDbDialect::ScratchTable(std::string_view /*schema*/, std::string_view name) const {
  return "temp.main." + QuoteIdentifier(name);
}

std::vector<std::string> DuckDbDialect::CreateNumberedScratchTableAs(
    std::string_view schema, std::string_view name, std::string_view select_sql,
    std::string_view order_by) const {
  // Insertion order is preserved (DuckDB's default), so rowid follows the ORDER BY.
  return CreateScratchTableAs(schema, name,
                              "SELECT * FROM (" + std::string(select_sql) +
                                  ") zcdp_rows ORDER BY " + std::string(order_by));
}

std::string DuckDbDialect::ScratchRowNumber() const { return "(rowid + 1)"; }

std::vector<std::string> DuckDbDialect::RefreshStatistics(std::string_view /*schema*/,
                                                          std::string_view /*name*/) const {
  return {};
}

Result<std::string> DuckDbDialect::FileRelation(FileFormat format, std::string_view glob,
                                                const CsvReadOptions& csv) const {
  switch (format) {
    case FileFormat::kParquet:
      return "read_parquet(" + QuoteString(glob) + ")";
    case FileFormat::kCsv: {
      std::string sql = "read_csv(" + QuoteString(glob) +
                        ", header = " + (csv.header.value_or(true) ? "true" : "false") +
                        ", auto_detect = true";
      const auto text = [&](const char* name, const std::optional<std::string>& v) {
        if (v) sql += std::string(", ") + name + " = " + QuoteString(*v);
      };
      text("delim", csv.delimiter);
      text("quote", csv.quote);
      text("escape", csv.escape);
      text("nullstr", csv.null_text);
      text("dateformat", csv.date_format);
      text("timestampformat", csv.timestamp_format);
      if (csv.skip) sql += ", skip = " + std::to_string(*csv.skip);
      if (!csv.columns.empty()) {
        sql += ", columns = {";
        for (size_t i = 0; i < csv.columns.size(); ++i) {
          sql += (i ? ", " : "") + QuoteString(csv.columns[i].first) + ": " +
                 QuoteString(csv.columns[i].second);
        }
        sql += "}";
      }
      return sql + ")";
    }
    case FileFormat::kJson:
      return "read_json_auto(" + QuoteString(glob) + ")";
  }
  return Status::Invalid("unsupported file format");
}

}  // namespace zcdp
