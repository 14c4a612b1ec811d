#include "warehouse/duckdb/duckdb_appender.h"

namespace zcdp {

DuckDbAppender::~DuckDbAppender() {
  // Destroying an open appender flushes it, which ends an open stream: the stream then says so.
  if (!closed_) state_->EndStream();
  duckdb_appender_destroy(&appender_);
}

Status DuckDbAppender::Busy(std::string_view what) const {
  return state_->CheckIdle(std::string(what) + " the appender for " + table_);
}

Status DuckDbAppender::Error() {
  duckdb_error_data err = duckdb_appender_error_data(appender_);
  std::string message = "appending to " + table_ + " failed";
  if (err != nullptr) {
    const char* text = duckdb_error_data_message(err);
    if (text != nullptr && *text != '\0') message += ": " + std::string(text);
    duckdb_destroy_error_data(&err);
  }
  return Status::Warehouse(message);
}

Status DuckDbAppender::Close() {
  if (closed_) return Status::Ok();
  if (state_->busy()) return Busy("close");
  closed_ = true;
  return Check(duckdb_appender_close(appender_));
}

}  // namespace zcdp
