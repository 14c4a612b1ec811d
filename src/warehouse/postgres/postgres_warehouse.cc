#include "warehouse/postgres/postgres_warehouse.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>

#include <poll.h>

#include "warehouse/postgres/postgres_appender.h"
#include "warehouse/postgres/postgres_chunk.h"

namespace zcdp {
namespace {

constexpr int kFetchRows = 10000;

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// "user@host:port/database" for messages; never the password.
std::string Describe(PGconn* conn) {
  auto or_unknown = [](const char* s) { return std::string(s != nullptr && *s ? s : "?"); };
  return or_unknown(PQuser(conn)) + "@" + or_unknown(PQhost(conn)) + ":" +
         or_unknown(PQport(conn)) + "/" + or_unknown(PQdb(conn));
}

Status ConnectError(PGconn* conn) {
  const std::string why = Trimmed(PQerrorMessage(conn));
  const std::string where = "cannot connect to PostgreSQL (" + Describe(conn) + "): " + why;
  if (why.find("password") != std::string::npos ||
      why.find("authentication") != std::string::npos || why.find("role") != std::string::npos ||
      why.find("database") != std::string::npos) {
    return Status::Warehouse(where +
                             "; check the user, password and database in the project's "
                             "warehouse block");
  }
  return Status::Unavailable(where + "; is the server running and reachable?");
}

// Waits for the results of the statement just sent on `conn` and returns the first error or
// else the last result, as PQexec does. Once `deadline` passes, cancels the statement and
// sets *timed_out.
pg::ResultPtr AwaitResult(PGconn* conn, PGcancel* cancel,
                          std::chrono::steady_clock::time_point deadline, bool* timed_out) {
  bool cancel_sent = false;
  while (PQisBusy(conn) != 0) {
    const int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                             .count();
    if (!cancel_sent && left <= 0) {
      char err[256] = {0};
      cancel_sent = true;
      *timed_out = cancel != nullptr && PQcancel(cancel, err, sizeof(err)) == 1;
    }
    pollfd fd{PQsocket(conn), POLLIN, 0};
    const int wait_ms = cancel_sent ? -1 : static_cast<int>(std::min<int64_t>(left, 1 << 30));
    if (::poll(&fd, 1, wait_ms) < 0 && errno != EINTR) break;
    if (PQconsumeInput(conn) == 0) break;
  }
  pg::ResultPtr out;
  while (PGresult* r = PQgetResult(conn)) {
    const bool failed = out != nullptr && PQresultStatus(out.get()) == PGRES_FATAL_ERROR;
    if (failed) {
      PQclear(r);
    } else {
      out.reset(r);
    }
  }
  return out;
}

// Streams a cursor with FETCH; closes it when destroyed.
class PostgresStream final : public QueryStream {
 public:
  PostgresStream(Warehouse& wh, PGconn* conn, std::string cursor, std::vector<ColumnInfo> columns,
                 int64_t timeout_ms)
      : wh_(wh),
        conn_(conn),
        cursor_(std::move(cursor)),
        columns_(std::move(columns)),
        timeout_ms_(timeout_ms) {}
  ~PostgresStream() override {
    if (PQstatus(conn_) == CONNECTION_OK) (void)wh_.Execute("CLOSE " + cursor_);
  }
  PostgresStream(const PostgresStream&) = delete;
  PostgresStream& operator=(const PostgresStream&) = delete;

  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  Result<std::unique_ptr<Chunk>> Next() override {
    if (done_) return std::unique_ptr<Chunk>();
    const std::string fetch = "FETCH FORWARD " + std::to_string(kFetchRows) + " FROM " + cursor_;
    pg::ResultPtr r(PQexec(conn_, fetch.c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      done_ = true;
      return pg::StatementError(conn_, r.get(), "query", timeout_ms_);
    }
    if (PQntuples(r.get()) < kFetchRows) done_ = true;
    if (PQntuples(r.get()) == 0) return std::unique_ptr<Chunk>();
    return std::unique_ptr<Chunk>(std::make_unique<PostgresChunk>(std::move(r), columns_));
  }

 private:
  Warehouse& wh_;
  PGconn* conn_;
  std::string cursor_;
  std::vector<ColumnInfo> columns_;
  int64_t timeout_ms_;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<Warehouse>> PostgresWarehouse::Connect(const WarehouseOptions& options) {
  if (options.dsn.empty()) {
    return Status::Invalid(
        "no PostgreSQL connection given: set warehouse.dsn (for example "
        "\"host=127.0.0.1 port=5432 dbname=shop user=zcdp\")");
  }
  std::vector<const char*> keys = {"dbname", "application_name", "connect_timeout"};
  std::vector<const char*> values = {options.dsn.c_str(), "zcdp", "10"};
  if (!options.password.empty()) {
    keys.push_back("password");
    values.push_back(options.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Status::Internal("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status status = ConnectError(conn);
    PQfinish(conn);
    return status;
  }
  std::unique_ptr<PostgresWarehouse> wh(new PostgresWarehouse(conn, options));
  ZCDP_RETURN_IF_ERROR(wh->SetUpSession());
  return std::unique_ptr<Warehouse>(std::move(wh));
}

PostgresWarehouse::~PostgresWarehouse() {
  PQfreeCancel(cancel_);
  PQfinish(conn_);
}

Status PostgresWarehouse::SetUpSession() {
  std::string sql =
      "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; "
      "SET extra_float_digits = 1; SET client_min_messages = 'warning'; "
      // zcdp reads its work tables in the transaction that creates them, before any
      // statistics exist; the planner's guesses then trip JIT, which costs about a second
      // per statement on small data and rarely pays off on zcdp's plans.
      "SET jit = off; "
      "SET statement_timeout = " +
      std::to_string(options_.statement_timeout_ms);
  if (!options_.search_path.empty()) {
    sql += "; SET search_path = " + dialect_.QuoteIdentifier(options_.search_path);
  }
  if (options_.read_only) sql += "; SET default_transaction_read_only = on";
  return Execute(sql);
}

Status PostgresWarehouse::Cancel() {
  char err[256] = {0};
  if (cancel_ == nullptr || PQcancel(cancel_, err, sizeof(err)) != 1) {
    return Status::Unavailable(std::string("cannot cancel the PostgreSQL statement: ") + err);
  }
  return Status::Ok();
}

Result<bool> PostgresWarehouse::TryLease(int32_t space, int32_t key) {
  // A session-level advisory lock: the server releases it when the session ends, however
  // the client died. Re-taking one this session holds succeeds (and stacks; see Release).
  ZCDP_ASSIGN_OR_RETURN(int64_t taken,
                        QueryInt(*this,
                                 "SELECT CAST(pg_try_advisory_lock(CAST($1 AS INTEGER), "
                                 "CAST($2 AS INTEGER)) AS INTEGER)",
                                 {Value::Int(space), Value::Int(key)}));
  return taken == 1;
}

Status PostgresWarehouse::ReleaseLease(int32_t space, int32_t key) {
  return Execute("SELECT pg_advisory_unlock(CAST($1 AS INTEGER), CAST($2 AS INTEGER))",
                 {Value::Int(space), Value::Int(key)});
}

Status PostgresWarehouse::Execute(std::string_view sql) {
  const std::string text(sql);
  pg::ResultPtr r(PQexec(conn_, text.c_str()));
  const ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
    return Status::Ok();
  }
  return pg::StatementError(conn_, r.get(), "statement", options_.statement_timeout_ms);
}

Result<pg::ResultPtr> PostgresWarehouse::Run(std::string_view sql, const std::vector<Value>& params,
                                             std::string_view what, bool client_deadline) {
  std::vector<pg::TextParam> texts;
  texts.reserve(params.size());
  std::vector<Oid> types;
  std::vector<const char*> values;
  for (const Value& v : params) texts.push_back(pg::ToTextParam(v));
  for (const auto& t : texts) {
    types.push_back(t.type);
    values.push_back(t.text ? t.text->c_str() : nullptr);
  }
  const std::string text(sql);
  const int n = static_cast<int>(params.size());
  pg::ResultPtr r;
  bool timed_out = false;
  if (!client_deadline || options_.statement_timeout_ms <= 0) {
    r.reset(PQexecParams(conn_, text.c_str(), n, types.data(), values.data(), nullptr, nullptr, 0));
  } else if (PQsendQueryParams(conn_, text.c_str(), n, types.data(), values.data(), nullptr,
                               nullptr, 0) == 1) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.statement_timeout_ms);
    r = AwaitResult(conn_, cancel_, deadline, &timed_out);
  }
  const ExecStatusType st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    if (timed_out && PQstatus(conn_) == CONNECTION_OK) {
      return Status::Unavailable(std::string(what) + " was cancelled: it ran longer than the " +
                                 std::to_string(options_.statement_timeout_ms) +
                                 " ms statement timeout (" + pg::ResultMessage(r.get()) + ")");
    }
    return pg::StatementError(conn_, r.get(), what, options_.statement_timeout_ms);
  }
  return r;
}

Status PostgresWarehouse::Execute(std::string_view sql, const std::vector<Value>& params) {
  return Run(sql, params, "statement").status();
}

Result<QueryResult> PostgresWarehouse::Query(std::string_view sql,
                                             const std::vector<Value>& params) {
  ZCDP_ASSIGN_OR_RETURN(pg::ResultPtr r, Run(sql, params, "query"));
  QueryResult out;
  out.columns = PostgresColumns(r.get());
  const size_t rows = static_cast<size_t>(PQntuples(r.get()));
  PostgresChunk chunk(std::move(r), out.columns);
  out.rows.reserve(rows);
  for (size_t i = 0; i < rows; ++i) {
    std::vector<Value>& row = out.rows.emplace_back();
    row.reserve(out.columns.size());
    for (size_t c = 0; c < out.columns.size(); ++c) row.push_back(chunk.Get(c, i));
  }
  return out;
}

Result<std::unique_ptr<QueryStream>> PostgresWarehouse::Stream(std::string_view sql,
                                                               const std::vector<Value>& params) {
  // Outside a transaction a cursor must be WITH HOLD: the server then keeps the whole result
  // (spilling to disk), and zcdp still reads it in bounded memory. The server computes that
  // result while committing the DECLARE, after its statement_timeout has been switched off,
  // so zcdp enforces the timeout on that statement itself.
  const std::string cursor = "zcdp_cursor_" + std::to_string(++cursors_);
  const std::string declare = "DECLARE " + cursor + " NO SCROLL CURSOR" +
                              (in_transaction_ ? "" : " WITH HOLD") + " FOR " + std::string(sql);
  ZCDP_RETURN_IF_ERROR(
      Run(declare, params, "query", /*client_deadline=*/!in_transaction_).status());
  // The columns, from an empty fetch.
  const std::string probe = "FETCH FORWARD 0 FROM " + cursor;
  Result<pg::ResultPtr> head = Run(probe, {}, "query");
  if (!head.ok()) {
    (void)Execute("CLOSE " + cursor);
    return head.status();
  }
  return std::unique_ptr<QueryStream>(std::make_unique<PostgresStream>(
      *this, conn_, cursor, PostgresColumns(head->get()), options_.statement_timeout_ms));
}

Result<std::vector<ColumnInfo>> PostgresWarehouse::DescribeQuery(std::string_view sql) {
  const std::string text(sql);
  pg::ResultPtr prepared(PQprepare(conn_, "", text.c_str(), 0, nullptr));
  if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return pg::StatementError(conn_, prepared.get(), "query", options_.statement_timeout_ms);
  }
  pg::ResultPtr described(PQdescribePrepared(conn_, ""));
  if (PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
    return pg::StatementError(conn_, described.get(), "query", options_.statement_timeout_ms);
  }
  return PostgresColumns(described.get());
}

Result<std::unique_ptr<Appender>> PostgresWarehouse::CreateAppender(std::string_view schema,
                                                                    std::string_view table) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<ColumnInfo> columns, DescribeTable(schema, table));
  const std::string name = dialect_.QualifiedName(schema, table);
  return std::unique_ptr<Appender>(std::make_unique<PostgresAppender>(
      conn_, "COPY " + name + " FROM STDIN", name, columns.size()));
}

Status PostgresWarehouse::Begin() {
  if (in_transaction_) return Status::Invalid("a transaction is already open");
  ZCDP_RETURN_IF_ERROR(Execute("BEGIN"));
  in_transaction_ = true;
  return Status::Ok();
}

Status PostgresWarehouse::Commit() {
  if (!in_transaction_) return Status::Invalid("no transaction is open");
  in_transaction_ = false;
  pg::ResultPtr r(PQexec(conn_, "COMMIT"));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return pg::StatementError(conn_, r.get(), "commit", options_.statement_timeout_ms);
  }
  // COMMIT of a transaction in which a statement failed succeeds as a ROLLBACK.
  if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    return Status::Warehouse(
        "commit failed: a statement in the transaction had failed, so "
        "PostgreSQL rolled it back");
  }
  return Status::Ok();
}

Status PostgresWarehouse::Rollback() {
  if (!in_transaction_) return Status::Invalid("no transaction is open");
  in_transaction_ = false;
  return Execute("ROLLBACK");
}

Result<std::vector<std::string>> PostgresWarehouse::ListSchemas() {
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      Query("SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname <> 'information_schema' ORDER BY nspname",
            {}));
  std::vector<std::string> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) out.push_back(row[0].ToString());
  return out;
}

Result<std::vector<TableInfo>> PostgresWarehouse::ListTables(std::string_view schema) {
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      Query(
          "SELECT c.relname, c.relkind IN ('v', 'm'), "
          "coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '') FROM pg_catalog.pg_class c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname",
          {Value::Text(std::string(schema))}));
  std::vector<TableInfo> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    out.push_back(
        {std::string(schema), row[0].ToString(), row[1] == Value::Bool(true), row[2].ToString()});
  }
  return out;
}

Result<std::vector<ColumnInfo>> PostgresWarehouse::DescribeTable(std::string_view schema,
                                                                 std::string_view table) {
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      Query("SELECT a.attname, a.atttypid::bigint FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum",
            {Value::Text(std::string(schema)), Value::Text(std::string(table))}));
  if (r.rows.empty()) {
    return Status::NotFound("table " + dialect_.QualifiedName(schema, table) +
                            " does not exist (or zcdp's role may not see it)");
  }
  std::vector<ColumnInfo> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    const auto* oid = std::get_if<int64_t>(&row[1].storage());
    out.push_back(pg::ColumnOf(row[0].ToString(), static_cast<Oid>(oid ? *oid : 0)));
  }
  return out;
}

}  // namespace zcdp
