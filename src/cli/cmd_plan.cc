// `zcdp plan`: what the next `zcdp run` would do, computed without writing anything.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "zcdp/app/audience.h"
#include "zcdp/app/plan.h"

#include "cli/cli.h"

namespace zcdp::cli {
namespace {

int PrintSteps() {
  Result<std::vector<app::PlannedStep>> steps = app::PlanSteps();
  if (!steps.ok()) return Fail(steps.status());
  size_t width = 0;
  for (const auto& s : *steps) width = std::max(width, s.name.size());
  std::printf("steps, in the order `zcdp run` runs them:\n");
  for (size_t i = 0; i < steps->size(); ++i) {
    const app::PlannedStep& s = (*steps)[i];
    std::printf("  %zu. %-*s  %s\n", i + 1, static_cast<int>(width), s.name.c_str(),
                s.description.c_str());
  }
  return kExitOk;
}

// A status line on stderr while the audiences are evaluated, when stderr is a terminal.
class StatusLine {
 public:
  explicit StatusLine(const std::string& text) : shown_(::isatty(STDERR_FILENO) == 1) {
    if (shown_) std::fprintf(stderr, "  %s", text.c_str());
  }
  ~StatusLine() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }
  StatusLine(const StatusLine&) = delete;
  StatusLine& operator=(const StatusLine&) = delete;

 private:
  bool shown_;
};

void PrintAudiencePlans(const std::vector<audience::AudiencePlan>& plans, bool evaluated) {
  size_t width = 8;
  for (const auto& p : plans) width = std::max(width, p.name.size());
  std::printf("\naudiences (traits computed fresh; %s):\n",
              evaluated ? "current sizes from the last run" : "never evaluated yet, all enter");
  std::printf("  %-*s  %9s  %9s  %9s  %9s\n", static_cast<int>(width), "audience", "current",
              "after", "entering", "exiting");
  for (const auto& p : plans) {
    std::printf("  %-*s  %9lld  %9lld  %9lld  %9lld\n", static_cast<int>(width), p.name.c_str(),
                static_cast<long long>(p.current), static_cast<long long>(p.next),
                static_cast<long long>(p.entering), static_cast<long long>(p.exiting));
  }
}

// The profiles SELECT, then each audience's SQL as the run compiles it.
Status PrintSql(const OpenedProject& opened, const std::string& profiles_sql) {
  const Project& project = opened.project;
  std::printf("\n-- traits: %s.profiles, one row per profile\n%s;\n",
              project.warehouse.output_schema.c_str(), profiles_sql.c_str());
  for (const auto& a : project.audiences) {
    ZCDP_ASSIGN_OR_RETURN(std::string sql, app::AudienceSql(opened, a.name.value));
    std::printf("\n-- audience %s\n%s;\n", a.name.value.c_str(), sql.c_str());
  }
  return Status::Ok();
}

Result<app::AudiencesPlan> PlanAndPrintAudiences(const OpenedProject& opened, bool show_sql) {
  Result<app::AudiencesPlan> plan = Status::Internal("not planned");
  {
    const StatusLine status("evaluating " + std::to_string(opened.project.audiences.size()) +
                            " audiences...");
    plan = app::PlanAudiences(opened);
  }
  ZCDP_RETURN_IF_ERROR(plan.status());
  if (plan->audiences.empty()) {
    std::printf("\nno audiences in the project\n");
  } else {
    PrintAudiencePlans(plan->audiences, plan->evaluated);
  }
  if (show_sql) ZCDP_RETURN_IF_ERROR(PrintSql(opened, plan->profiles_sql));
  return plan;
}

int RunPlan(const GlobalOptions& global, bool show_sql) {
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/true, &opened);
  if (code != kExitOk) return code;
  if (Status checked = app::RequireConditions(opened); !checked.ok()) return Fail(checked);
  std::printf("plan for %s (nothing is written)\n", opened.project.file.c_str());
  if (const int steps = PrintSteps(); steps != kExitOk) return steps;
  Result<bool> has_identity =
      OutputTableExists(opened.project, *opened.warehouse, "identity_graph");
  if (!has_identity.ok()) return Fail(has_identity.status());
  if (!*has_identity) {
    std::printf(
        "\nidentity has not run yet (%s.identity_graph does not exist): there are no profiles, "
        "so audiences cannot be planned.\nRun `zcdp run` to build them, then `zcdp plan` "
        "again.\n",
        opened.project.warehouse.output_schema.c_str());
    return kExitOk;
  }
  Result<app::AudiencesPlan> audiences = PlanAndPrintAudiences(opened, show_sql);
  if (!audiences.ok()) return Fail(audiences.status());
  if (opened.project.destinations.empty()) return kExitOk;
  // The run's sync reads the members and traits the run stores just before it: the diff is
  // taken against those, computed fresh as above, not against the last run's.
  int destinations = kExitOk;
  std::printf("\ndestinations (what the run's sync would send, after its audiences):\n");
  PrintDestinationPlans(app::PlanDestinationsAfterRun(opened, *audiences), &destinations);
  return destinations;
}

}  // namespace

void AddPlanCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto show_sql = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Show what `zcdp run` would do: its steps in order, and per audience the members now, "
      "after the run, entering and exiting (traits computed fresh). Validates the project "
      "first; writes nothing.");
  cmd->add_flag("--sql", *show_sql, "also print the traits SELECT and each audience's SQL");
  cmd->callback([&global, action, show_sql] {
    *action = [&global, show_sql] { return RunPlan(global, *show_sql); };
  });
}

}  // namespace zcdp::cli
