// `zcdp sync [NAME] [--dry-run]`: deliver the destinations' changes now, or show them.
#include <cstdio>
#include <memory>
#include <string>

#include "zcdp/activation/sync.h"

#include "cli/cli.h"

namespace zcdp::cli {
namespace {

struct SyncArgs {
  std::string destination;  // empty: every destination
  bool dry_run = false;
};

}  // namespace

void PrintDestinationPlans(const Project& project, Warehouse& wh, int* code) {
  const std::vector<DestinationConfig>& dests = project.destinations;
  std::printf("  %-20s %-16s %9s %9s %9s %9s\n", "destination", "type", "members", "upserts",
              "removals", "forgets");
  for (const DestinationConfig& dest : dests) {
    Result<activation::DestinationPlan> plan = activation::PlanDestination(project, wh, dest);
    if (!plan.ok()) {
      std::fprintf(stderr, "zcdp: error: destination %s: %s\n", dest.name.value.c_str(),
                   plan.status().message().c_str());
      *code = kExitFailed;
      continue;
    }
    std::printf("  %-20s %-16s %9lld %9lld %9lld %9lld\n", dest.name.value.c_str(),
                dest.type.value.c_str(), static_cast<long long>(plan->members),
                static_cast<long long>(plan->upserts), static_cast<long long>(plan->removals),
                static_cast<long long>(plan->forgets));
  }
}

namespace {

int RunSync(const GlobalOptions& global, const SyncArgs& args) {
  OpenedProject opened;
  const Access access = args.dry_run ? Access::kReadOnly : Access::kReadWrite;
  int code = OpenProject(global.project, access, /*validate=*/true, &opened);
  if (code != kExitOk) return code;
  Project& project = opened.project;
  if (!args.destination.empty()) {
    std::erase_if(project.destinations,
                  [&](const DestinationConfig& d) { return d.name.value != args.destination; });
    if (project.destinations.empty()) {
      return Fail(Status::Invalid("no destination named '" + args.destination +
                                  "' in the project (`zcdp validate` lists the project)"));
    }
  }
  if (project.destinations.empty()) {
    std::printf("no destinations in the project\n");
    return kExitOk;
  }
  Result<bool> evaluated = OutputTableExists(project, *opened.warehouse, "audience_membership");
  if (!evaluated.ok()) return Fail(evaluated.status());
  if (!*evaluated) {
    return Fail(Status::Invalid("audiences have not been evaluated yet (" +
                                project.warehouse.output_schema +
                                ".audience_membership does not exist); run `zcdp run` first"));
  }
  if (args.dry_run) {
    std::printf("what a sync would send now (nothing is sent or written):\n");
    PrintDestinationPlans(project, *opened.warehouse, &code);
    return code;
  }
  Pipeline pipeline;
  Step step = activation::SyncStep();
  step.depends_on.clear();  // audiences come from the last run
  if (Status added = pipeline.Add(std::move(step)); !added.ok()) return Fail(added);
  return RunProjectPipeline(project, *opened.warehouse, pipeline);
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
  cmd->add_option("destination", args->destination, "sync only this destination");
  cmd->add_flag("--dry-run", args->dry_run,
                "show per destination how many records would be sent; send and write nothing");
  cmd->callback(
      [&global, action, args] { *action = [&global, args] { return RunSync(global, *args); }; });
}

}  // namespace zcdp::cli
