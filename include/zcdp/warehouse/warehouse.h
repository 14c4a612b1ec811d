#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/value.h"

namespace zcdp {

class Dialect;
class JsonCellWriter;

struct ColumnInfo {
  std::string name;
  std::string type_name;  // the engine's own spelling, e.g. "TIMESTAMP WITH TIME ZONE"
  ColumnKind kind = ColumnKind::kOther;
};

struct TableInfo {
  std::string schema;
  std::string name;
  bool is_view = false;
  std::string comment;  // the object's comment (COMMENT ON), "" when it has none
};

// One batch of rows from a streamed query, read in place from the engine's buffers.
// Valid until the next call to QueryStream::Next() or the stream's destruction.
// REQUIRES for every accessor: column < column_count(), row < row_count().
class Chunk {
 public:
  virtual ~Chunk() = default;
  virtual size_t row_count() const = 0;
  virtual size_t column_count() const = 0;
  virtual bool IsNull(size_t column, size_t row) const = 0;
  // Typed reads. REQUIRES: !IsNull(column, row) and a column of the matching kind.
  // GetInt also reads booleans and dates; GetText reads text (the view dies with the chunk).
  virtual int64_t GetInt(size_t column, size_t row) const = 0;
  virtual double GetDouble(size_t column, size_t row) const = 0;
  virtual std::string_view GetText(size_t column, size_t row) const = 0;
  // Any cell as a Value (slower; converts decimals and other kinds to text or double).
  virtual Value Get(size_t column, size_t row) const = 0;
  // Writes any cell, NULL and nested values included, as one exact JSON value by the rules
  // of zcdp/warehouse/json_cell.h.
  virtual void WriteJson(size_t column, size_t row, JsonCellWriter& out) const = 0;
};

// A query result read chunk by chunk, in bounded memory. Not thread-safe.
class QueryStream {
 public:
  virtual ~QueryStream() = default;
  virtual const std::vector<ColumnInfo>& columns() const = 0;
  // Returns the next chunk, or nullptr once the result is exhausted.
  virtual Result<std::unique_ptr<Chunk>> Next() = 0;
};

// A fully materialised (small) result.
struct QueryResult {
  std::vector<ColumnInfo> columns;
  std::vector<std::vector<Value>> rows;

  // The index of the column named `name`, or NotFound naming the columns there are. Lets a
  // reader depend on a SELECT's column names rather than on their order.
  Result<size_t> ColumnIndex(std::string_view name) const;
  // The cell of row `row` in the column named `name`. REQUIRES: row < rows.size().
  Result<Value> At(size_t row, std::string_view name) const;
};

// Bulk insert into one existing table, row by row. Rows become visible after Close() (or
// earlier Flush()es). The destructor closes and discards errors: call Close() to see them.
// Not thread-safe.
class Appender {
 public:
  virtual ~Appender() = default;
  virtual Status AppendNull() = 0;
  virtual Status AppendBool(bool v) = 0;
  virtual Status AppendInt(int64_t v) = 0;
  virtual Status AppendDouble(double v) = 0;
  virtual Status AppendText(std::string_view v) = 0;
  virtual Status AppendTimestamp(int64_t micros) = 0;
  virtual Status AppendDate(int32_t days) = 0;
  Status Append(const Value& v);
  // Ends the current row. REQUIRES: one value appended per column of the table.
  virtual Status EndRow() = 0;
  virtual Status Flush() = 0;
  virtual Status Close() = 0;
};

// How a warehouse is opened.
struct WarehouseOptions {
  std::string type = "duckdb";  // the factory key: "duckdb" (later "postgres", "trino")
  std::string path = {};        // DuckDB: database file; "" or ":memory:" for in-memory
  bool read_only = false;       // refuse every write at the engine level
  bool create_if_missing = true;
  int threads = 0;  // 0: the engine's default
  // PostgreSQL: a libpq connection string ("host=... port=... dbname=... user=..." or a
  // postgresql:// URI), with secrets already resolved. `password`, when set, overrides it.
  std::string dsn = {};
  std::string password = {};
  // PostgreSQL: the schema unqualified names resolve to (search_path); "" keeps the server's.
  std::string search_path = {};
  // Every statement is cancelled after this long; 0 means no limit.
  int64_t statement_timeout_ms = 0;
};

// A connection to one warehouse. The only place in zcdp that talks to a database.
// Not thread-safe: use one Warehouse per thread (DuckDB: OpenAnother() shares the database).
class Warehouse {
 public:
  virtual ~Warehouse() = default;

  // The dialect that builds SQL for this engine. Lives as long as the warehouse.
  virtual const Dialect& dialect() const = 0;

  // What the connection can do, so that callers branch on features, not engine names.
  struct Capabilities {
    // The engine runs inside zcdp's process: native C++ over streamed rows (identity's
    // union-find) is cheaper than SQL round trips.
    bool in_process = false;
    // DDL and DML of several statements commit or roll back together.
    bool multi_statement_transactions = false;
  };
  virtual Capabilities capabilities() const = 0;

  // Runs one statement that returns no rows of interest (engines may accept a script of
  // several, but callers pass one; see ExecuteAll for a list).
  virtual Status Execute(std::string_view sql) = 0;
  // Runs one statement with `params` bound to its placeholders (see Dialect::Placeholder).
  virtual Status Execute(std::string_view sql, const std::vector<Value>& params) = 0;
  // Runs a query and materialises all rows. For small results only.
  virtual Result<QueryResult> Query(std::string_view sql,
                                    const std::vector<Value>& params = {}) = 0;
  // Runs a query and streams its rows in chunks. Until the stream is read to its end or
  // destroyed it holds the connection: write through another connection (OpenAnother()), or
  // read the rows first. DuckDB refuses any other call on the connection meanwhile (Internal),
  // since it would end the stream as if its rows were exhausted; Rollback() still runs, and
  // the stream's next read then fails. PostgreSQL's cursors allow other calls.
  virtual Result<std::unique_ptr<QueryStream>> Stream(std::string_view sql,
                                                      const std::vector<Value>& params = {}) = 0;
  // Columns a query would return, without running it to completion.
  virtual Result<std::vector<ColumnInfo>> DescribeQuery(std::string_view sql) = 0;

  // Bulk insert into `schema.table`. REQUIRES: the table exists.
  virtual Result<std::unique_ptr<Appender>> CreateAppender(std::string_view schema,
                                                           std::string_view table) = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // True between a successful Begin() and the matching Commit() or Rollback().
  virtual bool InTransaction() const = 0;

  // A second connection to the same database, for another thread. Engines without shared
  // in-process databases open a new connection with the same options.
  virtual Result<std::unique_ptr<Warehouse>> OpenAnother() = 0;

  // Asks the engine to stop the statement running on this connection; that statement then
  // fails. Callable from another thread or a signal handler (PostgreSQL: PQcancel, which is
  // async-signal-safe; DuckDB: duckdb_interrupt). A no-op when nothing runs.
  virtual Status Cancel() = 0;

  // Session leases tell another process whether the holder is still alive (a run's lease:
  // docs/output-schema.md, "Runs that died"). TryLease takes the lease (`space`, `key`) for
  // as long as this connection lives or until ReleaseLease: true when taken or already held
  // by this connection, false when another session holds it. A lease dies with its process,
  // also after kill -9 (PostgreSQL: a session-level advisory lock). Engines whose database
  // admits one writing process (DuckDB's file lock) have no other session to tell apart:
  // every lease is free and these do nothing.
  virtual Result<bool> TryLease(int32_t /*space*/, int32_t /*key*/) { return true; }
  virtual Status ReleaseLease(int32_t /*space*/, int32_t /*key*/) { return Status::Ok(); }

  // Introspection. Schema and table names are matched exactly.
  virtual Result<std::vector<std::string>> ListSchemas() = 0;
  virtual Result<std::vector<TableInfo>> ListTables(std::string_view schema) = 0;
  // Returns NotFound when the table or view does not exist.
  virtual Result<std::vector<ColumnInfo>> DescribeTable(std::string_view schema,
                                                        std::string_view table) = 0;
};

// Opens a warehouse of `options.type`. Errors say which engine and file failed and why
// (missing file, lock held by another process, not a database).
Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseOptions& options);
// The engines OpenWarehouse knows, sorted.
std::vector<std::string> WarehouseTypes();

// Runs `statements` in order, one Execute each, stopping at the first failure (whose
// Status names the statement's position). A script is a list, never a joined string.
Status ExecuteAll(Warehouse& wh, const std::vector<std::string>& statements);

// The integer in the first column of the first row of a query (a count), 0 when NULL.
// InvalidArgument when the query returns no row or a value that is not an integer.
Result<int64_t> QueryInt(Warehouse& wh, std::string_view sql,
                         const std::vector<Value>& params = {});

// The text in the first column of the first row, "" when there is no row or it is NULL.
Result<std::string> QueryText(Warehouse& wh, std::string_view sql,
                              const std::vector<Value>& params = {});

// Begin() starts a transaction, and the destructor rolls it back unless Commit() was called.
// Inside an enclosing transaction, Begin() and Commit() join it instead: the outer owner
// decides, so that a unit of work can be transactional alone and as part of a larger one.
class Transaction {
 public:
  explicit Transaction(Warehouse& wh) : wh_(wh) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (active_) (void)wh_.Rollback();
  }
  Status Begin() {
    if (wh_.InTransaction()) return Status::Ok();  // joined
    ZCDP_RETURN_IF_ERROR(wh_.Begin());
    active_ = true;
    return Status::Ok();
  }
  Status Commit() {
    if (!active_) return Status::Ok();
    active_ = false;
    return wh_.Commit();
  }

 private:
  Warehouse& wh_;
  bool active_ = false;
};

}  // namespace zcdp
