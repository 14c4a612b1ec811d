#include <map>

#include "zcdp/app/query.h"

#include "cli/cli.h"
#include "cli/result_format.h"

namespace zcdp::cli {
namespace {

struct QueryOptions {
  std::string sql;
  OutputFormat format = OutputFormat::kTable;
  bool write = false;
  int64_t max_rows = 1000;
};

int RunQuery(const GlobalOptions& global, const QueryOptions& q) {
  OpenedProject opened;
  const int code = OpenProject(global.project, q.write ? Access::kReadWrite : Access::kReadOnly,
                               /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  Result<app::QueryOutcome> result = app::RunQuery(opened, q.sql, q.write);
  if (!result.ok()) return Fail(result.status());
  if (result->rows == nullptr) return kExitOk;
  Result<int64_t> rows = WriteResult(*result->rows, q.format, q.max_rows, stdout);
  return rows.ok() ? kExitOk : Fail(rows.status());
}

}  // namespace

void AddQueryCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto q = std::make_shared<QueryOptions>();
  CLI::App* cmd = app.add_subcommand(
      "query", "Run SQL against the project's warehouse. Read-only unless --write is given.");
  cmd->add_option("sql", q->sql, "the SQL statement")->required();
  AddFormatOption(*cmd, q->format);
  cmd->add_flag("--write", q->write, "allow statements that change the warehouse");
  cmd->add_option("--max-rows", q->max_rows, "rows shown in table format (default 1000)")
      ->type_name("N")
      ->check(CLI::Validator(CLI::PositiveNumber).description(""));
  cmd->callback([&global, action, q] { *action = [&global, q] { return RunQuery(global, *q); }; });
}

}  // namespace zcdp::cli
