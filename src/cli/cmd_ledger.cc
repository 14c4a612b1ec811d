// `zcdp ledger`: where customer data went, from <output_schema>.copy_ledger.
#include <cstdio>
#include <memory>
#include <string>

#include "zcdp/app/ledger.h"

#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/result_format.h"

namespace zcdp::cli {
namespace {

struct LedgerArgs {
  std::string destination;
  std::string since;  // a date, a timestamp, or a duration back from now ("7d")
  OutputFormat format = OutputFormat::kTable;
};

int RunLedger(const GlobalOptions& global, const LedgerArgs& args) {
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  Result<app::LedgerSummary> ledger =
      app::SummariseLedger(opened, {.destination = args.destination, .since = args.since});
  if (!ledger.ok()) return Fail(ledger.status());
  if (!ledger->exists) {
    std::printf(
        "no data has left the warehouse: %s.copy_ledger does not exist yet (no sync "
        "has run)\n",
        opened.project.warehouse.output_schema.c_str());
    return kExitOk;
  }
  Result<int64_t> rows = WriteResult(*ledger->rows, args.format, 100000, stdout);
  return rows.ok() ? kExitOk : Fail(rows.status());
}

}  // namespace

void AddLedgerCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto args = std::make_shared<LedgerArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ledger",
      "Summarise where customer data went: per destination, purpose and set of fields, the "
      "payloads sent, records, bytes, and first and last time (from copy_ledger). Read-only.");
  cmd->add_option("--destination", args->destination, "only this destination")->type_name("NAME");
  cmd->add_option("--since", args->since,
                  "only payloads sent since a date or timestamp (UTC), or a duration back from "
                  "now such as 7d")
      ->type_name("WHEN")
      ->check(SinceValue());
  AddFormatOption(*cmd, args->format);
  cmd->callback(
      [&global, action, args] { *action = [&global, args] { return RunLedger(global, *args); }; });
}

}  // namespace zcdp::cli
