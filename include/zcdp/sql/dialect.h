#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/duration.h"
#include "zcdp/common/file_format.h"
#include "zcdp/common/status.h"

namespace zcdp {

// Portable column types zcdp creates in its output schema.
enum class SqlType { kBoolean, kBigInt, kDouble, kText, kDate, kTimestamp, kJson };

// Everything about SQL that differs between engines. Callers build statements only through
// a Dialect, so a new engine is one new implementation and a factory line.
// Implementations are stateless and thread-safe.
class Dialect {
 public:
  virtual ~Dialect() = default;

  // The factory key: "duckdb", "postgres", "trino". For messages and goldens: callers ask
  // capabilities() rather than testing the name.
  virtual std::string_view name() const = 0;

  // What the engine's SQL can do, so that callers branch on features, not engine names.
  struct Capabilities {
    bool update_from = false;       // UPDATE t SET ... FROM other
    bool merge = false;             // MERGE INTO
    bool temporary_tables = false;  // CREATE TEMP TABLE (scratch tables may use them)
    bool catalogs = false;          // three-part names catalog.schema.table across catalogs
  };
  virtual Capabilities capabilities() const = 0;
  // The schema unqualified names resolve to on a fresh connection ("main", "public").
  virtual std::string DefaultSchema() const = 0;

  // --- Quoting: the one place user text becomes SQL text. ---------------------------------
  // A quoted identifier, safe for any input (embedded quotes doubled, NUL rejected by
  // callers' validation; here it is dropped).
  virtual std::string QuoteIdentifier(std::string_view ident) const = 0;
  // `schema.name`, each part quoted.
  std::string QualifiedName(std::string_view schema, std::string_view name) const;
  // `catalog.schema.name`, each part quoted; `schema.name` when `catalog` is empty.
  std::string QualifiedName(std::string_view catalog, std::string_view schema,
                            std::string_view name) const;
  // A string literal, safe for any input.
  virtual std::string QuoteString(std::string_view value) const = 0;
  // The placeholder for the `index`-th bound parameter (1-based): "?" or "$1".
  virtual std::string Placeholder(int index) const = 0;

  // --- Types and expressions. -------------------------------------------------------------
  virtual std::string TypeName(SqlType type) const = 0;
  virtual std::string IntervalLiteral(const Duration& d) const = 0;
  // `expr` minus a duration, as a timestamp expression.
  std::string TimestampMinus(std::string_view expr, const Duration& d) const;
  // The engine's wall-clock time as a TIMESTAMP (UTC: warehouses run their sessions in UTC).
  // Only for bookkeeping read back by wall-clock (the ledger's --since); windows and
  // membership stamps use TimestampLiteral of the run's as_of instead.
  virtual std::string CurrentTimestamp() const = 0;
  // The instant `micros` (since the epoch, UTC) as a TIMESTAMP literal:
  // CAST('2026-12-01 21:00:00.000000' AS TIMESTAMP). Rendered from the integer, never from
  // user text.
  std::string TimestampLiteral(int64_t micros) const;
  // Lower-case hex SHA-256 of a text expression.
  virtual std::string Sha256Hex(std::string_view text_expr) const = 0;
  // Lower-case hex MD5 of a text expression: a change-detection checksum, several times
  // cheaper than SHA-256 in the engines; never used where a hash must resist an adversary.
  virtual std::string Md5Hex(std::string_view text_expr) const = 0;
  // A 63-bit non-negative BIGINT hash of a text expression (node ids of the identity graph).
  // Stable for a given engine and version.
  virtual std::string HashToBigint(std::string_view text_expr) const = 0;
  // True when `text_expr` contains a match of the regular expression `pattern` (a literal,
  // quoted here).
  virtual std::string RegexMatches(std::string_view text_expr, std::string_view pattern) const = 0;
  // Aggregates: the `value` of the row with the smallest (ArgMin) or largest (ArgMax) `key`.
  virtual std::string ArgMin(std::string_view value, std::string_view key) const = 0;
  virtual std::string ArgMax(std::string_view value, std::string_view key) const = 0;
  // CAST(expr AS type).
  std::string Cast(std::string_view expr, SqlType type) const;

  // --- Statements. ------------------------------------------------------------------------
  virtual std::string CreateSchemaIfNotExists(std::string_view schema) const = 0;
  virtual std::string CreateOrReplaceView(std::string_view schema, std::string_view name,
                                          std::string_view select_sql) const = 0;
  // COMMENT ON TABLE|VIEW schema.name IS 'text' (text quoted as a string).
  virtual std::string CommentOn(bool is_view, std::string_view schema, std::string_view name,
                                std::string_view text) const = 0;
  // May be several statements on engines without CREATE OR REPLACE TABLE.
  virtual std::vector<std::string> CreateOrReplaceTableAs(std::string_view schema,
                                                          std::string_view name,
                                                          std::string_view select_sql) const = 0;
  // A scratch table: intermediate rows of one step that need not survive a crash and are
  // read only by the connection that created them. DuckDB: a TEMP table (in memory, no
  // WAL). PostgreSQL: an UNLOGGED table in `schema`, so no TEMPORARY privilege is needed.
  // Replaces a previous table of the name. Refer to it through ScratchTable; drop it with
  // "DROP TABLE IF EXISTS " + ScratchTable(...).
  virtual std::vector<std::string> CreateScratchTableAs(std::string_view schema,
                                                        std::string_view name,
                                                        std::string_view select_sql) const = 0;
  virtual std::string ScratchTable(std::string_view schema, std::string_view name) const = 0;
  // A scratch table of `select_sql`'s rows numbered from 1 in `order_by` order (an
  // expression over its columns; ties in any order). Read the number through
  // ScratchRowNumber(). DuckDB numbers rows by position (rowid, from a sorted insert), which
  // costs a sort instead of a window over every column.
  virtual std::vector<std::string> CreateNumberedScratchTableAs(
      std::string_view schema, std::string_view name, std::string_view select_sql,
      std::string_view order_by) const = 0;
  // The row number of a numbered scratch table, as an expression in a query over it.
  virtual std::string ScratchRowNumber() const = 0;
  // Statements that refresh the planner statistics of a table just filled in bulk, so that
  // the next queries over it are planned from its real size and value distribution. Empty
  // on engines that keep statistics as they write (DuckDB). PostgreSQL: ANALYZE, which
  // autovacuum would run only minutes later (plans built on "no statistics" guesses can
  // turn a hash join into a nested loop over millions of rows). CreateOrReplaceTableAs and
  // CreateScratchTableAs include it; call it after INSERTs of many rows.
  virtual std::vector<std::string> RefreshStatistics(std::string_view schema,
                                                     std::string_view name) const = 0;
  struct ColumnDef {
    std::string name;
    SqlType type;
    bool not_null = false;
  };
  // CREATE TABLE IF NOT EXISTS with the given columns and optional primary key.
  virtual std::string CreateTableIfNotExists(std::string_view schema, std::string_view name,
                                             const std::vector<ColumnDef>& columns,
                                             const std::vector<std::string>& key) const = 0;
  // Inserts the rows of `select_sql` (whose columns are `columns`, in order) into the table,
  // replacing rows that share the `key` columns. REQUIRES: key is a non-empty subset of
  // columns, and the table has a unique constraint on key where the engine needs one.
  virtual std::vector<std::string> Upsert(std::string_view schema, std::string_view table,
                                          const std::vector<std::string>& columns,
                                          const std::vector<std::string>& key,
                                          std::string_view select_sql) const = 0;
  // " LIMIT n" (or the engine's equivalent) to append to a query.
  virtual std::string Limit(int64_t n) const = 0;
  // A relation that reads files in place (a path or glob), CSV files as `csv` says, or
  // InvalidArgument when the engine cannot read files. REQUIRES: `csv` is empty unless
  // `format` is kCsv.
  virtual Result<std::string> FileRelation(FileFormat format, std::string_view glob,
                                           const CsvReadOptions& csv = {}) const = 0;
};

// Statements joined into one script ("a;\nb"), for Warehouse::Execute without parameters.
std::string JoinStatements(const std::vector<std::string>& statements);

// The dialect registered under `name`, or NotFound listing the known names.
Result<std::unique_ptr<Dialect>> MakeDialect(std::string_view name);
std::vector<std::string> DialectNames();

}  // namespace zcdp
