#include "cli/cli.h"

namespace zcdp::cli {

void AddRunCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Validate the project, then run every pipeline step in dependency order inside the "
      "warehouse. Results and the run record go to the output schema only.");
  cmd->callback([&global, action] {
    *action = [&global] {
      std::optional<Project> project = LoadProjectOrReport(global.project);
      if (!project) return kExitFailed;
      auto wh = OpenProjectWarehouse(*project, /*read_only=*/false);
      if (!wh.ok()) return Fail(wh.status());
      if (!ValidateAndReport(*project, **wh)) return kExitFailed;
      return RunProject(*project, **wh);
    };
  });
}

}  // namespace zcdp::cli
