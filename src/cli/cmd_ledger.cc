// `zcdp ledger`: where customer data went, from <output_schema>.copy_ledger.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/sql/dialect.h"

#include "cli/cli.h"
#include "cli/result_format.h"

namespace zcdp::cli {
namespace {

struct LedgerArgs {
  std::string destination;
  std::string since;  // a date, a timestamp, or a duration back from now ("7d")
  OutputFormat format = OutputFormat::kTable;
};

// The lower bound of --since as a SQL expression, or InvalidArgument.
Result<std::string> SinceExpr(const Dialect& d, const std::string& since,
                              std::vector<Value>& params) {
  if (Result<Duration> ago = ParseDuration(since); ago.ok()) {
    return d.TimestampMinus(d.CurrentTimestamp(), *ago);
  }
  const bool looks_like_time = since.size() >= 10 && since[4] == '-' && since[7] == '-' &&
                               since.find_first_not_of("0123456789-:. T") == std::string::npos;
  if (!looks_like_time) {
    return Status::Invalid(
        "--since: expected a date (2026-11-01), a timestamp "
        "(2026-11-01 12:00:00, UTC) or a duration back from now (7d, 12h), "
        "got '" +
        since + "'");
  }
  params.push_back(Value::Text(since));
  return d.Cast(d.Placeholder(static_cast<int>(params.size())), SqlType::kTimestamp);
}

int RunLedger(const GlobalOptions& global, const LedgerArgs& args) {
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  const Project& project = opened.project;
  Warehouse& wh = *opened.warehouse;
  const Dialect& d = wh.dialect();
  Result<bool> exists = OutputTableExists(project, wh, "copy_ledger");
  if (!exists.ok()) return Fail(exists.status());
  if (!*exists) {
    std::printf(
        "no data has left the warehouse: %s.copy_ledger does not exist yet (no sync "
        "has run)\n",
        project.warehouse.output_schema.c_str());
    return kExitOk;
  }
  std::vector<Value> params;
  std::string where = " WHERE TRUE";
  if (!args.destination.empty()) {
    params.push_back(Value::Text(args.destination));
    where += " AND destination = " + d.Placeholder(static_cast<int>(params.size()));
  }
  if (!args.since.empty()) {
    Result<std::string> since = SinceExpr(d, args.since, params);
    if (!since.ok()) return Fail(since.status());
    where += " AND sent_at >= " + *since;
  }
  const std::string sql =
      "SELECT destination, destination_type AS type, purpose, fields, count(*) AS payloads, "
      "sum(rows) AS records, sum(bytes) AS bytes, min(sent_at) AS first_sent, max(sent_at) AS "
      "last_sent FROM " +
      d.QualifiedName(project.warehouse.output_schema, "copy_ledger") + where +
      " GROUP BY destination, destination_type, purpose, fields ORDER BY destination, fields";
  Result<std::unique_ptr<QueryStream>> stream = wh.Stream(sql, params);
  if (!stream.ok()) return Fail(stream.status());
  Result<int64_t> rows = WriteResult(**stream, args.format, 100000, stdout);
  return rows.ok() ? kExitOk : Fail(rows.status());
}

}  // namespace

void AddLedgerCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto args = std::make_shared<LedgerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ledger",
      "Summarise where customer data went: per destination, purpose and set of fields, the "
      "payloads sent, records, bytes, and first and last time (from copy_ledger). Read-only.");
  cmd->add_option("--destination", args->destination, "only this destination");
  cmd->add_option("--since", args->since,
                  "only payloads sent since a date or timestamp (UTC), or a duration back from "
                  "now such as 7d");
  AddFormatOption(*cmd, args->format);
  cmd->callback(
      [&global, action, args] { *action = [&global, args] { return RunLedger(global, *args); }; });
}

}  // namespace zcdp::cli
