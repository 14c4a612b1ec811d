#pragma once

#include <memory>

#include "zcdp/warehouse/warehouse.h"

#include "sql/postgres/postgres_dialect.h"
#include "warehouse/postgres/postgres_types.h"

namespace zcdp {

// A PostgreSQL warehouse through libpq: one connection. Sessions run with TimeZone 'UTC' and
// DateStyle ISO; queries stream through cursors and bulk appends use COPY.
class PostgresWarehouse final : public Warehouse {
 public:
  // Connects with options.dsn (and options.password). Errors name the server, database and
  // user, never the password.
  static Result<std::unique_ptr<Warehouse>> Connect(const WarehouseOptions& options);
  ~PostgresWarehouse() override;
  PostgresWarehouse(const PostgresWarehouse&) = delete;
  PostgresWarehouse& operator=(const PostgresWarehouse&) = delete;

  const Dialect& dialect() const override { return dialect_; }
  Capabilities capabilities() const override {
    return {.in_process = false, .multi_statement_transactions = true};
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
  Result<std::unique_ptr<Warehouse>> OpenAnother() override { return Connect(options_); }
  Result<std::vector<std::string>> ListSchemas() override;
  Result<std::vector<TableInfo>> ListTables(std::string_view schema) override;
  Result<std::vector<ColumnInfo>> DescribeTable(std::string_view schema,
                                                std::string_view table) override;

  Status Cancel() override;
  Result<bool> TryLease(int32_t space, int32_t key) override;
  Status ReleaseLease(int32_t space, int32_t key) override;

 private:
  PostgresWarehouse(PGconn* conn, WarehouseOptions options)
      : conn_(conn), cancel_(PQgetCancel(conn)), options_(std::move(options)) {}
  // Runs one statement with parameters; OK results (commands or rows) only. With
  // `client_deadline`, zcdp itself cancels the statement once the statement timeout passes.
  Result<pg::ResultPtr> Run(std::string_view sql, const std::vector<Value>& params,
                            std::string_view what, bool client_deadline = false);
  Status SetUpSession();

  PGconn* conn_;
  PGcancel* cancel_;
  WarehouseOptions options_;
  PostgresDialect dialect_;
  bool in_transaction_ = false;
  int64_t cursors_ = 0;
};

}  // namespace zcdp
