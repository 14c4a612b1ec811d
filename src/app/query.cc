#include "zcdp/app/query.h"

namespace zcdp::app {

Result<QueryOutcome> RunQuery(const OpenedProject& opened, const std::string& sql, bool write) {
  Warehouse* wh = opened.warehouse.get();
  QueryOutcome out;
  Result<std::unique_ptr<QueryStream>> stream = wh->Stream(sql);
  if (stream.ok()) {
    out.rows = std::move(stream).value();
    return out;
  }
  if (write) {
    // Statements that return no rows (DDL, DML) run as a batch.
    ZCDP_RETURN_IF_ERROR(wh->Execute(sql));
    return out;
  }
  Status s = stream.status();
  if (s.message().find("read-only") != std::string::npos) {
    s = Status::Invalid(s.message() + " (zcdp query is read-only; add --write to change data)");
  }
  return s;
}

}  // namespace zcdp::app
