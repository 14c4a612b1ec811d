#include "zcdp/app/ledger.h"

#include <vector>

#include "zcdp/common/clock.h"
#include "zcdp/common/duration.h"
#include "zcdp/sql/dialect.h"

namespace zcdp::app {
namespace {

// The lower bound of --since as a SQL expression, or InvalidArgument.
Result<std::string> SinceExpr(const Dialect& d, const std::string& since,
                              std::vector<Value>& params) {
  if (Result<Duration> ago = ParseDuration(since); ago.ok()) {
    return d.TimestampMinus(d.CurrentTimestamp(), *ago);
  }
  Result<int64_t> at = ParseUtcTimestamp(since);
  if (!at.ok()) {
    return Status::Invalid(
        "--since: expected a date (2026-11-01), a timestamp "
        "(2026-11-01 12:00:00, UTC) or a duration back from now (7d, 12h), "
        "got '" +
        since + "'");
  }
  params.push_back(Value::Timestamp(*at));
  return d.Placeholder(static_cast<int>(params.size()));
}

}  // namespace

Result<LedgerSummary> SummariseLedger(const OpenedProject& opened, const LedgerQuery& query) {
  const Project& project = opened.project;
  Warehouse& wh = *opened.warehouse;
  const Dialect& d = wh.dialect();
  LedgerSummary out;
  ZCDP_ASSIGN_OR_RETURN(out.exists, OutputTableExists(project, wh, "copy_ledger"));
  if (!out.exists) return out;
  std::vector<Value> params;
  std::string where = " WHERE TRUE";
  if (!query.destination.empty()) {
    params.push_back(Value::Text(query.destination));
    where += " AND destination = " + d.Placeholder(static_cast<int>(params.size()));
  }
  if (!query.since.empty()) {
    ZCDP_ASSIGN_OR_RETURN(std::string since, SinceExpr(d, query.since, params));
    where += " AND sent_at >= " + since;
  }
  const std::string sql =
      "SELECT destination, destination_type AS type, purpose, fields, count(*) AS payloads, "
      "sum(rows) AS records, sum(bytes) AS bytes, min(sent_at) AS first_sent, max(sent_at) AS "
      "last_sent FROM " +
      d.QualifiedName(project.warehouse.output_schema, "copy_ledger") + where +
      " GROUP BY destination, destination_type, purpose, fields ORDER BY destination, fields";
  ZCDP_ASSIGN_OR_RETURN(out.rows, wh.Stream(sql, params));
  return out;
}

}  // namespace zcdp::app
