#include "warehouse/duckdb/duckdb_connection_state.h"

namespace zcdp {

uint64_t DuckDbConnectionState::OpenStream(std::string_view sql) {
  constexpr size_t kShown = 80;
  query_ = std::string(sql.substr(0, kShown)) + (sql.size() > kShown ? "..." : "");
  open_ = ++last_;
  return open_;
}

Status DuckDbConnectionState::Busy(std::string_view what) const {
  return Status::Internal(
      "cannot " + std::string(what) + " while a query stream is open on the same DuckDB " +
      "connection (" + query_ +
      "): DuckDB would end the stream and its remaining rows would be lost; read the stream " +
      "to its end or destroy it first, or write through a second connection (OpenAnother)");
}

}  // namespace zcdp
