#pragma once

#include <memory>

#include <duckdb.h>

#include "zcdp/warehouse/warehouse.h"

#include "sql/duckdb/duckdb_dialect.h"
#include "warehouse/duckdb/duckdb_connection_state.h"

namespace zcdp {

// Owns one duckdb_database; shared by every connection opened on it.
class DuckDbDatabase {
 public:
  // Opens (or creates) the database. Errors name the file and the cause.
  static Result<std::shared_ptr<DuckDbDatabase>> Open(const WarehouseOptions& options);
  ~DuckDbDatabase();
  DuckDbDatabase(const DuckDbDatabase&) = delete;
  DuckDbDatabase& operator=(const DuckDbDatabase&) = delete;
  duckdb_database handle() const { return db_; }
  const WarehouseOptions& options() const { return options_; }

 private:
  DuckDbDatabase(duckdb_database db, WarehouseOptions options)
      : db_(db), options_(std::move(options)) {}
  duckdb_database db_;
  WarehouseOptions options_;
};

// The embedded DuckDB warehouse: one connection on a shared database. While a stream is open
// on the connection, every other call that would run on it fails with Internal (see
// DuckDbConnectionState); Rollback() and Cancel() still run, and end the stream.
class DuckDbWarehouse final : public Warehouse {
 public:
  static Result<std::unique_ptr<Warehouse>> Create(std::shared_ptr<DuckDbDatabase> db);
  ~DuckDbWarehouse() override;

  const Dialect& dialect() const override { return dialect_; }
  Capabilities capabilities() const override {
    return {.in_process = true, .multi_statement_transactions = true};
  }
  Status Execute(std::string_view sql) override;
  Status Execute(std::string_view sql, const std::vector<Value>& params) override;
  Result<QueryResult> Query(std::string_view sql, const std::vector<Value>& params) override;
  Result<std::unique_ptr<QueryStream>> Stream(std::string_view sql,
                                              const std::vector<Value>& params) override;
  Result<std::vector<ColumnInfo>> DescribeQuery(std::string_view sql) override;
  Result<std::unique_ptr<Appender>> CreateAppender(std::string_view schema,
                                                   std::string_view table) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() const override { return in_transaction_; }
  Result<std::unique_ptr<Warehouse>> OpenAnother() override { return Create(db_); }
  Status Cancel() override {
    duckdb_interrupt(conn_);
    return Status::Ok();
  }
  Result<std::vector<std::string>> ListSchemas() override;
  Result<std::vector<TableInfo>> ListTables(std::string_view schema) override;
  Result<std::vector<ColumnInfo>> DescribeTable(std::string_view schema,
                                                std::string_view table) override;

 private:
  DuckDbWarehouse(std::shared_ptr<DuckDbDatabase> db, duckdb_connection conn)
      : db_(std::move(db)), conn_(conn), state_(std::make_shared<DuckDbConnectionState>()) {}
  // Prepares `sql` and binds `params`. On error the statement is already destroyed.
  Result<duckdb_prepared_statement> Prepare(std::string_view sql, const std::vector<Value>& params);

  std::shared_ptr<DuckDbDatabase> db_;
  duckdb_connection conn_;
  std::shared_ptr<DuckDbConnectionState> state_;  // shared with the streams and appenders
  DuckDbDialect dialect_;
  bool in_transaction_ = false;
};

}  // namespace zcdp
