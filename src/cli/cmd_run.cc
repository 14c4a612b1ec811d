#include "cli/cli.h"

namespace zcdp::cli {

void AddRunCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Validate the project, then run every pipeline step in dependency order inside the "
      "warehouse. Results and the run record go to the output schema only.");
  cmd->callback([&global, action] {
    *action = [&global] {
      OpenedProject opened;
      const int code = OpenProject(global.project, Access::kReadWrite, /*validate=*/true, &opened);
      if (code != kExitOk) return code;
      return RunProject(opened.project, *opened.warehouse);
    };
  });
}

}  // namespace zcdp::cli
