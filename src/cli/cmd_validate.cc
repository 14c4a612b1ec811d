#include <cstdio>

#include "cli/cli.h"

namespace zcdp::cli {

void AddValidateCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check the project file and every table, file and column it names against the live "
      "warehouse, and parse and type-check every audience condition and trait filter. Writes "
      "nothing. Exit 0 when valid, 1 on errors.");
  cmd->callback([&global, action] {
    *action = [&global] {
      OpenedProject opened;
      const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/true, &opened);
      if (code != kExitOk) return code;
      const Project* project = &opened.project;
      if (!global.quiet) {
        std::printf("%s: valid (%zu sources, %zu id types, %zu traits, %zu audiences)\n",
                    project->file.c_str(), project->sources.size(),
                    project->identity.id_types.size(), project->traits.size(),
                    project->audiences.size());
      }
      return kExitOk;
    };
  });
}

}  // namespace zcdp::cli
