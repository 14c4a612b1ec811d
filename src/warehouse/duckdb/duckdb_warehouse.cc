#include "warehouse/duckdb/duckdb_warehouse.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "warehouse/duckdb/duckdb_appender.h"
#include "warehouse/duckdb/duckdb_chunk.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;

bool InMemory(const std::string& path) { return path.empty() || path == ":memory:"; }

// Turns DuckDB's open error into a message that says what to do.
Status OpenError(const std::string& path, const std::string& error) {
  if (error.find("lock") != std::string::npos) {
    return Status::Unavailable("DuckDB file '" + path +
                               "' is locked by another process; close it and retry (" + error +
                               ")");
  }
  return Status::Warehouse("cannot open DuckDB file '" + path + "': " + error);
}

Status CheckPath(const WarehouseOptions& o) {
  std::error_code ec;
  if (fs::is_directory(o.path, ec)) {
    return Status::Invalid("DuckDB path '" + o.path + "' is a directory, expected a file");
  }
  if (!fs::exists(o.path, ec) && (o.read_only || !o.create_if_missing)) {
    return Status::NotFound("DuckDB file '" + o.path + "' does not exist");
  }
  const fs::path parent = fs::path(o.path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return Status::NotFound("directory '" + parent.string() + "' of DuckDB file does not exist");
  }
  return Status::Ok();
}

// DuckDB's error text with each paragraph once: some errors (a parser error) carry their
// "LINE 1: ..." context twice.
std::string EngineError(const char* err) {
  if (err == nullptr || *err == '\0') return "unknown error";
  const std::string text(err);
  std::vector<std::string> seen;
  std::string out;
  for (size_t at = 0; at <= text.size();) {
    size_t end = text.find("\n\n", at);
    if (end == std::string::npos) end = text.size();
    std::string paragraph = text.substr(at, end - at);
    if (std::find(seen.begin(), seen.end(), paragraph) == seen.end()) {
      out += (seen.empty() ? "" : "\n\n") + paragraph;
      seen.push_back(std::move(paragraph));
    }
    at = end + 2;
  }
  return out;
}

Status ResultError(duckdb_result* result, std::string_view what) {
  return Status::Warehouse(std::string(what) + ": " + EngineError(duckdb_result_error(result)));
}

Status Bind(duckdb_prepared_statement stmt, idx_t i, const Value& v) {
  struct Visitor {
    duckdb_prepared_statement s;
    idx_t i;
    duckdb_state operator()(std::monostate) const { return duckdb_bind_null(s, i); }
    duckdb_state operator()(bool b) const { return duckdb_bind_boolean(s, i, b); }
    duckdb_state operator()(int64_t x) const { return duckdb_bind_int64(s, i, x); }
    duckdb_state operator()(double d) const { return duckdb_bind_double(s, i, d); }
    duckdb_state operator()(const std::string& t) const {
      return duckdb_bind_varchar_length(s, i, t.data(), t.size());
    }
    duckdb_state operator()(TimestampMicros t) const {
      return duckdb_bind_timestamp(s, i, duckdb_timestamp{t.micros});
    }
    duckdb_state operator()(DateDays d) const {
      return duckdb_bind_date(s, i, duckdb_date{d.days});
    }
  };
  if (std::visit(Visitor{stmt, i}, v.storage()) == DuckDBSuccess) return Status::Ok();
  return Status::Invalid("cannot bind parameter " + std::to_string(i) + ": " +
                         EngineError(duckdb_prepare_error(stmt)));
}

std::vector<ColumnInfo> ResultColumns(duckdb_result* result) {
  std::vector<ColumnInfo> cols;
  const idx_t n = duckdb_column_count(result);
  for (idx_t i = 0; i < n; ++i) {
    duckdb_logical_type t = duckdb_column_logical_type(result, i);
    cols.push_back(DuckDbColumnInfo(duckdb_column_name(result, i), t));
    duckdb_destroy_logical_type(&t);
  }
  return cols;
}

// Streams a duckdb_result chunk by chunk. Owns the result, and holds the connection (through
// `state`) until it is read to its end or destroyed.
class DuckDbStream final : public QueryStream {
 public:
  DuckDbStream(duckdb_result result, std::shared_ptr<DuckDbConnectionState> state,
               std::string_view sql)
      : result_(result), state_(std::move(state)), ticket_(state_->OpenStream(sql)) {
    columns_ = ResultColumns(&result_);
  }
  ~DuckDbStream() override {
    state_->CloseStream(ticket_);
    duckdb_destroy_result(&result_);
  }
  DuckDbStream(const DuckDbStream&) = delete;
  DuckDbStream& operator=(const DuckDbStream&) = delete;

  const std::vector<ColumnInfo>& columns() const override { return columns_; }
  Result<std::unique_ptr<Chunk>> Next() override {
    if (done_) return std::unique_ptr<Chunk>();
    // DuckDB reports an ended result as exhausted: tell the caller instead.
    if (!state_->IsOpen(ticket_)) {
      return Status::Internal(
          "query stream was ended by other work on the same DuckDB connection before it was "
          "read to its end; its remaining rows were not read");
    }
    duckdb_data_chunk chunk = duckdb_fetch_chunk(result_);
    if (chunk == nullptr) {
      done_ = true;
      state_->CloseStream(ticket_);
      const char* err = duckdb_result_error(&result_);
      if (err != nullptr && *err != '\0') {
        return Status::Warehouse(std::string("query: ") + EngineError(err));
      }
      return std::unique_ptr<Chunk>();
    }
    return std::unique_ptr<Chunk>(std::make_unique<DuckDbChunk>(chunk));
  }

 private:
  duckdb_result result_;
  std::shared_ptr<DuckDbConnectionState> state_;
  uint64_t ticket_;
  bool done_ = false;
  std::vector<ColumnInfo> columns_;
};

}  // namespace

Result<std::shared_ptr<DuckDbDatabase>> DuckDbDatabase::Open(const WarehouseOptions& options) {
  if (!InMemory(options.path)) ZCDP_RETURN_IF_ERROR(CheckPath(options));
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) != DuckDBSuccess) return Status::Internal("duckdb config");
  if (options.read_only && !InMemory(options.path)) {
    duckdb_set_config(config, "access_mode", "READ_ONLY");
  }
  if (options.threads > 0) {
    duckdb_set_config(config, "threads", std::to_string(options.threads).c_str());
  }
  duckdb_database db = nullptr;
  char* error = nullptr;
  const char* path = InMemory(options.path) ? nullptr : options.path.c_str();
  const duckdb_state state = duckdb_open_ext(path, &db, config, &error);
  duckdb_destroy_config(&config);
  if (state != DuckDBSuccess) {
    const std::string message = error != nullptr ? error : "unknown error";
    duckdb_free(error);
    return OpenError(options.path, message);
  }
  return std::shared_ptr<DuckDbDatabase>(new DuckDbDatabase(db, options));
}

DuckDbDatabase::~DuckDbDatabase() { duckdb_close(&db_); }

Result<std::unique_ptr<Warehouse>> DuckDbWarehouse::Create(std::shared_ptr<DuckDbDatabase> db) {
  duckdb_connection conn = nullptr;
  if (duckdb_connect(db->handle(), &conn) != DuckDBSuccess) {
    return Status::Warehouse("cannot connect to DuckDB database '" + db->options().path + "'");
  }
  auto wh = std::unique_ptr<DuckDbWarehouse>(new DuckDbWarehouse(std::move(db), conn));
  // Every session computes in UTC whatever the machine's time zone (ICU would take it from
  // TZ): casts between TIMESTAMPTZ and TIMESTAMP, current_timestamp, date parts.
  ZCDP_RETURN_IF_ERROR(wh->Execute("SET TimeZone = 'UTC'"));
  return std::unique_ptr<Warehouse>(std::move(wh));
}

DuckDbWarehouse::~DuckDbWarehouse() { duckdb_disconnect(&conn_); }

Status DuckDbWarehouse::Execute(std::string_view sql) {
  ZCDP_RETURN_IF_ERROR(state_->CheckIdle("run a statement"));
  duckdb_result result;
  const std::string text(sql);
  const bool failed = duckdb_query(conn_, text.c_str(), &result) != DuckDBSuccess;
  Status status = failed ? ResultError(&result, "statement failed") : Status::Ok();
  duckdb_destroy_result(&result);
  return status;
}

Result<duckdb_prepared_statement> DuckDbWarehouse::Prepare(std::string_view sql,
                                                           const std::vector<Value>& params) {
  ZCDP_RETURN_IF_ERROR(state_->CheckIdle("run a statement or query"));
  duckdb_prepared_statement stmt = nullptr;
  const std::string text(sql);
  if (duckdb_prepare(conn_, text.c_str(), &stmt) != DuckDBSuccess) {
    Status status = Status::Warehouse(std::string("statement failed: ") +
                                      EngineError(duckdb_prepare_error(stmt)));
    duckdb_destroy_prepare(&stmt);
    return status;
  }
  if (duckdb_nparams(stmt) != params.size()) {
    const std::string expected = std::to_string(duckdb_nparams(stmt));
    duckdb_destroy_prepare(&stmt);
    return Status::Invalid("statement expects " + expected + " parameters, got " +
                           std::to_string(params.size()));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    Status status = Bind(stmt, i + 1, params[i]);
    if (!status.ok()) {
      duckdb_destroy_prepare(&stmt);
      return status;
    }
  }
  return stmt;
}

Status DuckDbWarehouse::Execute(std::string_view sql, const std::vector<Value>& params) {
  ZCDP_ASSIGN_OR_RETURN(duckdb_prepared_statement stmt, Prepare(sql, params));
  duckdb_result result;
  const bool failed = duckdb_execute_prepared(stmt, &result) != DuckDBSuccess;
  Status status = failed ? ResultError(&result, "statement failed") : Status::Ok();
  duckdb_destroy_result(&result);
  duckdb_destroy_prepare(&stmt);
  return status;
}

Result<std::unique_ptr<QueryStream>> DuckDbWarehouse::Stream(std::string_view sql,
                                                             const std::vector<Value>& params) {
  ZCDP_ASSIGN_OR_RETURN(duckdb_prepared_statement stmt, Prepare(sql, params));
  duckdb_result result;
  const bool failed = duckdb_execute_prepared_streaming(stmt, &result) != DuckDBSuccess;
  duckdb_destroy_prepare(&stmt);
  if (failed) {
    Status status = ResultError(&result, "query failed");
    duckdb_destroy_result(&result);
    return status;
  }
  return std::unique_ptr<QueryStream>(std::make_unique<DuckDbStream>(result, state_, sql));
}

Result<QueryResult> DuckDbWarehouse::Query(std::string_view sql, const std::vector<Value>& params) {
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<QueryStream> stream, Stream(sql, params));
  QueryResult out;
  out.columns = stream->columns();
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
    if (chunk == nullptr) break;
    for (size_t r = 0; r < chunk->row_count(); ++r) {
      std::vector<Value>& row = out.rows.emplace_back();
      row.reserve(chunk->column_count());
      for (size_t c = 0; c < chunk->column_count(); ++c) row.push_back(chunk->Get(c, r));
    }
  }
  return out;
}

Result<std::vector<ColumnInfo>> DuckDbWarehouse::DescribeQuery(std::string_view sql) {
  ZCDP_RETURN_IF_ERROR(state_->CheckIdle("describe a query"));
  duckdb_prepared_statement stmt = nullptr;
  const std::string text(sql);
  if (duckdb_prepare(conn_, text.c_str(), &stmt) != DuckDBSuccess) {
    Status status = Status::Warehouse(EngineError(duckdb_prepare_error(stmt)));
    duckdb_destroy_prepare(&stmt);
    return status;
  }
  std::vector<ColumnInfo> cols;
  const idx_t n = duckdb_prepared_statement_column_count(stmt);
  for (idx_t i = 0; i < n; ++i) {
    char* name = const_cast<char*>(duckdb_prepared_statement_column_name(stmt, i));
    duckdb_logical_type t = duckdb_prepared_statement_column_logical_type(stmt, i);
    cols.push_back(DuckDbColumnInfo(name, t));
    duckdb_destroy_logical_type(&t);
    duckdb_free(name);
  }
  duckdb_destroy_prepare(&stmt);
  return cols;
}

Result<std::unique_ptr<Appender>> DuckDbWarehouse::CreateAppender(std::string_view schema,
                                                                  std::string_view table) {
  ZCDP_RETURN_IF_ERROR(state_->CheckIdle("open an appender"));
  duckdb_appender appender = nullptr;
  const std::string s(schema);
  const std::string t(table);
  const std::string name = s + "." + t;
  if (duckdb_appender_create_ext(conn_, nullptr, s.c_str(), t.c_str(), &appender) !=
      DuckDBSuccess) {
    DuckDbAppender failed(appender, name, state_);
    return Status::Warehouse("cannot append to table " + name + ": it does not exist or " +
                             "cannot be written");
  }
  return std::unique_ptr<Appender>(std::make_unique<DuckDbAppender>(appender, name, state_));
}

Status DuckDbWarehouse::Begin() {
  ZCDP_RETURN_IF_ERROR(Execute("BEGIN TRANSACTION"));
  in_transaction_ = true;
  return Status::Ok();
}

Status DuckDbWarehouse::Commit() {
  ZCDP_RETURN_IF_ERROR(state_->CheckIdle("commit"));
  in_transaction_ = false;  // a failed COMMIT leaves no transaction open either
  return Execute("COMMIT");
}

Status DuckDbWarehouse::Rollback() {
  // A rollback cannot wait (Transaction's destructor on an error path): it ends the stream.
  state_->EndStream();
  in_transaction_ = false;
  return Execute("ROLLBACK");
}

Result<std::vector<std::string>> DuckDbWarehouse::ListSchemas() {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, Query("SELECT schema_name FROM information_schema.schemata "
                                             "WHERE catalog_name = current_database() "
                                             "ORDER BY schema_name",
                                             {}));
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.push_back(row[0].ToString());
  return out;
}

Result<std::vector<TableInfo>> DuckDbWarehouse::ListTables(std::string_view schema) {
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      Query("SELECT table_name, FALSE, coalesce(comment, '') FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = $1 "
            "UNION ALL SELECT view_name, TRUE, coalesce(comment, '') FROM duckdb_views() "
            "WHERE database_name = current_database() AND schema_name = $1 AND NOT internal "
            "ORDER BY 1",
            {Value::Text(std::string(schema))}));
  std::vector<TableInfo> out;
  for (const auto& row : r.rows) {
    out.push_back(
        {std::string(schema), row[0].ToString(), row[1] == Value::Bool(true), row[2].ToString()});
  }
  return out;
}

Result<std::vector<ColumnInfo>> DuckDbWarehouse::DescribeTable(std::string_view schema,
                                                               std::string_view table) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<TableInfo> tables, ListTables(schema));
  bool found = false;
  for (const auto& t : tables) found = found || t.name == table;
  if (!found) {
    return Status::NotFound("table " + std::string(schema) + "." + std::string(table) +
                            " does not exist");
  }
  return DescribeQuery("SELECT * FROM " + dialect_.QualifiedName(schema, table));
}

}  // namespace zcdp
