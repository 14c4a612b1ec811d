#pragma once

#include <memory>

#include <duckdb.h>

#include "zcdp/warehouse/warehouse.h"

#include "warehouse/duckdb/duckdb_connection_state.h"

namespace zcdp {

// Appender over duckdb_appender. Owns the appender handle. EndRow(), Flush() and Close() fail
// while a stream is open on the connection (`state`): a flush, which DuckDB may start at any
// row end, would end that stream.
class DuckDbAppender final : public Appender {
 public:
  DuckDbAppender(duckdb_appender appender, std::string table,
                 std::shared_ptr<DuckDbConnectionState> state)
      : appender_(appender), table_(std::move(table)), state_(std::move(state)) {}
  ~DuckDbAppender() override;
  DuckDbAppender(const DuckDbAppender&) = delete;
  DuckDbAppender& operator=(const DuckDbAppender&) = delete;

  Status AppendNull() override { return Check(duckdb_append_null(appender_)); }
  Status AppendBool(bool v) override { return Check(duckdb_append_bool(appender_, v)); }
  Status AppendInt(int64_t v) override { return Check(duckdb_append_int64(appender_, v)); }
  Status AppendDouble(double v) override { return Check(duckdb_append_double(appender_, v)); }
  Status AppendText(std::string_view v) override {
    return Check(duckdb_append_varchar_length(appender_, v.data(), v.size()));
  }
  Status AppendTimestamp(int64_t micros) override {
    return Check(duckdb_append_timestamp(appender_, duckdb_timestamp{micros}));
  }
  Status AppendDate(int32_t days) override {
    return Check(duckdb_append_date(appender_, duckdb_date{days}));
  }
  Status EndRow() override {
    if (state_->busy()) return Busy("end a row of");
    return Check(duckdb_appender_end_row(appender_));
  }
  Status Flush() override {
    if (state_->busy()) return Busy("flush");
    return Check(duckdb_appender_flush(appender_));
  }
  Status Close() override;

 private:
  Status Check(duckdb_state state) { return state == DuckDBSuccess ? Status::Ok() : Error(); }
  Status Error();
  Status Busy(std::string_view what) const;

  duckdb_appender appender_;
  std::string table_;
  std::shared_ptr<DuckDbConnectionState> state_;
  bool closed_ = false;
};

}  // namespace zcdp
