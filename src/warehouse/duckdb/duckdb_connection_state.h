#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zcdp/common/status.h"

namespace zcdp {

// Which query stream, if any, holds one DuckDB connection. Shared by the connection's
// DuckDbWarehouse and the streams and appenders opened on it; not thread-safe (neither is
// the connection).
//
// DuckDB ends a connection's open streaming result as soon as the connection runs anything
// else (a statement, a query, a prepare, an appender's flush), and the stream's next fetch
// then looks like the end of the result, not an error: rows were lost in silence (issue 14,
// every phone after an appender's first flush at 204,800 rows). So the adapter refuses such
// work while a stream is open, and a stream ended anyway (by a rollback, or an appender's
// destructor, which cannot refuse) fails on its next read.
class DuckDbConnectionState {
 public:
  // Ok when no stream is open; otherwise Internal, saying that `what` waits for the stream
  // (of the query it names) to be read to its end or destroyed, or for OpenAnother().
  Status CheckIdle(std::string_view what) const { return open_ == 0 ? Status::Ok() : Busy(what); }
  bool busy() const { return open_ != 0; }
  // Registers a stream over `sql` as the open one and returns its ticket (never 0).
  // REQUIRES: !busy().
  uint64_t OpenStream(std::string_view sql);
  // The stream `ticket` was read to its end or destroyed. No-op for a stream already ended.
  void CloseStream(uint64_t ticket) {
    if (open_ == ticket) open_ = 0;
  }
  // Work ran on the connection regardless: the open stream, if any, is ended.
  void EndStream() { open_ = 0; }
  // True while stream `ticket` is the connection's open stream.
  bool IsOpen(uint64_t ticket) const { return open_ == ticket; }

 private:
  Status Busy(std::string_view what) const;

  uint64_t open_ = 0;  // ticket of the open stream; 0 when none
  uint64_t last_ = 0;
  std::string query_;  // the open stream's query, shortened, for messages
};

}  // namespace zcdp
