#pragma once

#include <string>

#include "warehouse/postgres/postgres_types.h"

namespace zcdp {

// Bulk insert with COPY ... FROM STDIN. Rows are encoded in COPY's text format into a buffer;
// each Flush() (and a full buffer) sends it as one complete COPY statement, so that the
// connection is free for other statements between flushes.
class PostgresAppender final : public Appender {
 public:
  PostgresAppender(PGconn* conn, std::string copy_sql, std::string table, size_t columns)
      : conn_(conn), copy_sql_(std::move(copy_sql)), table_(std::move(table)), columns_(columns) {}
  ~PostgresAppender() override { (void)Close(); }
  PostgresAppender(const PostgresAppender&) = delete;
  PostgresAppender& operator=(const PostgresAppender&) = delete;

  Status AppendNull() override;
  Status AppendBool(bool v) override { return AppendRaw(v ? "t" : "f"); }
  Status AppendInt(int64_t v) override { return AppendRaw(std::to_string(v)); }
  Status AppendDouble(double v) override;
  Status AppendText(std::string_view v) override;
  Status AppendTimestamp(int64_t micros) override { return AppendRaw(FormatTimestamp(micros)); }
  Status AppendDate(int32_t days) override { return AppendRaw(FormatDate(days)); }
  Status EndRow() override;
  Status Flush() override;
  Status Close() override;

 private:
  static constexpr size_t kFlushBytes = 8 << 20;
  Status StartCell();
  Status AppendRaw(std::string_view text);

  PGconn* conn_;
  std::string copy_sql_;
  std::string table_;
  size_t columns_;
  size_t cells_in_row_ = 0;
  std::string buffer_;
  bool closed_ = false;
};

}  // namespace zcdp
