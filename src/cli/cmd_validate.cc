#include <cstdio>

#include "zcdp/app/project.h"

#include "cli/cli.h"

namespace zcdp::cli {
namespace {

int RunValidate(const GlobalOptions& global) {
  Diagnostics diags("");
  Result<app::ProjectSummary> summary = app::Validate(global.project, &diags);
  if (!diags.all().empty()) std::fputs(diags.ToString().c_str(), stderr);
  if (!summary.ok()) {
    return app::IsProjectInvalid(summary.status()) ? kExitFailed : Fail(summary.status());
  }
  if (!Quiet()) {
    std::printf("%s: valid (%zu sources, %zu id types, %zu traits, %zu audiences)\n",
                summary->file.c_str(), summary->sources, summary->id_types, summary->traits,
                summary->audiences);
  }
  return kExitOk;
}

}  // namespace

void AddValidateCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check the project file and every table, file and column it names against the live "
      "warehouse, and parse and type-check every audience condition and trait filter. Writes "
      "nothing. Exit 0 when valid, 1 on errors.");
  cmd->callback([&global, action] { *action = [&global] { return RunValidate(global); }; });
}

}  // namespace zcdp::cli
