#include "cli/cli.h"

namespace zcdp::cli {

void AddRunCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Validate the project, then run every pipeline step in dependency order inside the "
      "warehouse. Results and the run record go to the output schema only.");
  auto full_refresh = std::make_shared<bool>(false);
  cmd->add_flag("--full-refresh", *full_refresh,
                "re-read every source in full instead of only rows newer than its watermark");
  cmd->callback([&global, action, full_refresh] {
    *action = [&global, full_refresh] {
      OpenedProject opened;
      const int code = OpenProjectToRun(global.project, &opened);
      if (code != kExitOk) return code;
      return RunProject(opened.project, *opened.warehouse, *full_refresh, opened.invalid_audiences);
    };
  });
}

}  // namespace zcdp::cli
