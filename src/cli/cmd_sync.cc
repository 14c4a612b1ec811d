// `zcdp sync [NAME] [--dry-run]`: deliver the destinations' changes now, or show them.
#include <cstdio>
#include <memory>
#include <string>

#include "zcdp/app/plan.h"
#include "zcdp/app/sync.h"
#include "zcdp/model/validate.h"

#include "cli/cli.h"

namespace zcdp::cli {
namespace {

struct SyncArgs {
  std::string destination;  // empty: every destination
  bool dry_run = false;
  bool reset = false;  // forget what the destination was sent first
};

}  // namespace

void PrintDestinationPlans(const std::vector<app::DestinationPlanRow>& rows, int* code) {
  std::printf("  %-20s %-16s %9s %9s %9s %9s\n", "destination", "type", "members", "upserts",
              "removals", "forgets");
  for (const app::DestinationPlanRow& row : rows) {
    if (!row.error.ok()) {
      std::fprintf(stderr, "zcdp: error: destination %s: %s\n", row.name.c_str(),
                   row.error.message().c_str());
      *code = kExitFailed;
      continue;
    }
    std::printf("  %-20s %-16s %9lld %9lld %9lld %9lld\n", row.name.c_str(), row.type.c_str(),
                static_cast<long long>(row.plan.members), static_cast<long long>(row.plan.upserts),
                static_cast<long long>(row.plan.removals),
                static_cast<long long>(row.plan.forgets));
  }
}

namespace {

int RunSync(const GlobalOptions& global, const SyncArgs& args) {
  OpenedProject opened;
  const Access access = args.dry_run ? Access::kReadOnly : Access::kReadWrite;
  int code = OpenProject(global.project, access, /*validate=*/true, &opened);
  if (code != kExitOk) return code;
  Project& project = opened.project;
  if (Status selected = app::SelectDestination(project, args.destination); !selected.ok()) {
    return Fail(selected);
  }
  if (project.destinations.empty()) {
    std::printf("no destinations in the project\n");
    return kExitOk;
  }
  Diagnostics secrets(project.file);
  CheckSecretsSet(project.destinations, secrets);  // before anything is counted or sent
  if (secrets.has_errors()) {
    std::fputs(secrets.ToString().c_str(), stderr);
    return kExitFailed;
  }
  Status evaluated = app::RequireEvaluatedAudiences(project, *opened.warehouse);
  if (!evaluated.ok()) return Fail(evaluated);
  if (args.dry_run) {
    std::printf("what a sync would send now (nothing is sent or written):\n");
    PrintDestinationPlans(app::PlanDestinations(project, *opened.warehouse), &code);
    return code;
  }
  if (args.reset) {
    Result<int64_t> forgotten = app::ResetDestination(project, *opened.warehouse, args.destination);
    if (!forgotten.ok()) return Fail(forgotten.status());
    if (!Quiet()) {
      std::printf("%s: forgot the %lld records it was sent; every member is sent as new\n",
                  args.destination.c_str(), static_cast<long long>(*forgotten));
    }
  }
  Result<Pipeline> pipeline = app::SyncPipeline();
  if (!pipeline.ok()) return Fail(pipeline.status());
  return RunProjectPipeline(project, *opened.warehouse, *pipeline);
}

}  // namespace

void AddSyncCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto args = std::make_shared<SyncArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sync",
      "Deliver each destination's changes since its last sync: members who entered or changed "
      "(and, in mode mirror, left), diffed in the warehouse, only for profiles who granted "
      "consent for the destination's purpose. Every acknowledged batch is checkpointed, "
      "logged in activation_log and recorded in copy_ledger. Uses the audiences of the last "
      "`zcdp run`, which also syncs as its last step.");
  CLI::Option* name =
      cmd->add_option("destination", args->destination, "sync only this destination");
  CLI::Option* dry =
      cmd->add_flag("--dry-run", args->dry_run,
                    "show per destination how many records would be sent; send and write nothing");
  cmd->add_flag("--reset", args->reset,
                "forget what destination NAME was sent (after a change of URL or purpose), then "
                "sync it: every member is sent as new")
      ->needs(name)
      ->excludes(dry);
  cmd->callback(
      [&global, action, args] { *action = [&global, args] { return RunSync(global, *args); }; });
}

}  // namespace zcdp::cli
