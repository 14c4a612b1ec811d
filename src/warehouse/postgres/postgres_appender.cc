#include "warehouse/postgres/postgres_appender.h"

namespace zcdp {

Status PostgresAppender::StartCell() {
  if (closed_) return Status::Invalid("appender for " + table_ + " is closed");
  if (cells_in_row_ == columns_) {
    return Status::Invalid("too many values in a row for " + table_ + ": it has " +
                           std::to_string(columns_) + " columns");
  }
  if (cells_in_row_++ > 0) buffer_ += '\t';
  return Status::Ok();
}

Status PostgresAppender::AppendRaw(std::string_view text) {
  ZCDP_RETURN_IF_ERROR(StartCell());
  buffer_ += text;
  return Status::Ok();
}

Status PostgresAppender::AppendNull() { return AppendRaw("\\N"); }

Status PostgresAppender::AppendDouble(double v) {
  return AppendRaw(pg::ToTextParam(Value::Double(v)).text.value_or("NaN"));
}

Status PostgresAppender::AppendText(std::string_view v) {
  ZCDP_RETURN_IF_ERROR(StartCell());
  return pg::AppendCopyText(v, buffer_);
}

Status PostgresAppender::EndRow() {
  if (cells_in_row_ != columns_) {
    return Status::Invalid("row for " + table_ + " has " + std::to_string(cells_in_row_) +
                           " values, the table has " + std::to_string(columns_) + " columns");
  }
  buffer_ += '\n';
  cells_in_row_ = 0;
  if (buffer_.size() >= kFlushBytes) return Flush();
  return Status::Ok();
}

Status PostgresAppender::Flush() {
  if (buffer_.empty()) return Status::Ok();
  pg::ResultPtr start(PQexec(conn_, copy_sql_.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
    return pg::StatementError(conn_, start.get(), "COPY into " + table_, 0);
  }
  const bool sent = PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) == 1;
  buffer_.clear();
  if (PQputCopyEnd(conn_, sent ? nullptr : "zcdp could not send the rows") != 1) {
    return pg::StatementError(conn_, nullptr, "COPY into " + table_, 0);
  }
  Status status = Status::Ok();
  while (PGresult* r = PQgetResult(conn_)) {
    pg::ResultPtr result(r);
    if (status.ok() && PQresultStatus(r) != PGRES_COMMAND_OK) {
      status = pg::StatementError(conn_, r, "COPY into " + table_, 0);
    }
  }
  return status;
}

Status PostgresAppender::Close() {
  if (closed_) return Status::Ok();
  if (cells_in_row_ != 0) {
    closed_ = true;
    return Status::Invalid("appender for " + table_ + " closed in the middle of a row");
  }
  Status status = Flush();
  closed_ = true;
  return status;
}

}  // namespace zcdp
