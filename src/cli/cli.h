#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "zcdp/app/plan.h"
#include "zcdp/app/project.h"
#include "zcdp/common/clock.h"
#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/step/output_tables.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::cli {

// Exit codes, documented in `zcdp --help` and README.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // validation errors, a failed step, a failed query
inline constexpr int kExitUsage = 2;        // bad flags or arguments
inline constexpr int kExitEnvironment = 3;  // warehouse unreadable or locked, I/O errors
// A run committed but set traits, audiences or destinations aside (recorded as partial).
inline constexpr int kExitPartial = 4;
inline constexpr int kExitInterrupted = 130;  // Ctrl-C or SIGTERM stopped a run (128 + SIGINT)

// Options shared by every command.
struct GlobalOptions {
  std::string project = "zcdp.yaml";  // -p/--project: a file or a directory
  std::string log_level = "info";
  bool quiet = false;
  bool verbose = false;
  std::string as_of;  // --as-of: the UTC instant runs and plans evaluate at ("" = now)
};

// The clock whose reading is the as_of of runs, plans and --live audiences: the system
// clock, or the fixed instant set by SetAsOf (global --as-of).
const Clock& AsOfClock();
// Makes AsOfClock() read `micros` (since the epoch, UTC) from now on. Not thread-safe: call
// before any command runs.
void SetAsOf(int64_t micros);

// Each command adds its subcommand to `app` and sets `*action` to the function that runs it
// when the subcommand is chosen. The action returns the exit code.
using Action = std::function<int()>;
void AddDemoCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddGenerateCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddValidateCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddQueryCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddRunCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddProfileCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddExplainCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddAudienceCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddPlanCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddSyncCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddLedgerCommand(CLI::App& app, GlobalOptions& global, Action* action);
void AddServeCommand(CLI::App& app, GlobalOptions& global, Action* action);

// True under -q, --log-level error or --log-level quiet: commands print errors only (no
// progress, no step lines, no summaries).
bool Quiet();

// The exit code for a failed operation: environment problems are 3, the rest 1.
int ExitCodeFor(const Status& status);
// Prints "zcdp: error: <message>" to stderr and returns ExitCodeFor(status).
int Fail(const Status& status);

// The application layer's project handle and helpers (include/zcdp/app/project.h).
using app::Access;
using app::AudienceCompiler;
using app::OpenedProject;

// app::OpenProject, then prints its diagnostics (errors and warnings) to stderr, sorted by
// position. Returns kExitOk and fills `out`; kExitFailed when the project has errors; or
// prints the error that stopped it and returns its exit code.
int OpenProject(const std::string& file_or_dir, Access access, bool validate, OpenedProject* out);
// The same with app::OpenProjectToRun: an audience validation refuses does not stop `run`.
int OpenProjectToRun(const std::string& file_or_dir, OpenedProject* out);

// Runs the standard pipeline with progress and prints a summary. Returns the exit code.
// `full_refresh` re-reads every source in full, ignoring watermarks.
// `invalid_audiences`: those validation refused (OpenedProject::invalid_audiences), recorded
// as failed items of the run.
int RunProject(const Project& project, Warehouse& wh, bool full_refresh = false,
               const std::map<std::string, std::string>& invalid_audiences = {});
// Prints, per destination, the members with consent and what a sync would send (upserts,
// removals, forgets), as app::PlanDestinations* computed them. Sets *code to kExitFailed when
// a destination cannot be planned.
void PrintDestinationPlans(const std::vector<app::DestinationPlanRow>& rows, int* code);

// Runs `pipeline` the same way: recorded as a run, with progress and a summary.
int RunProjectPipeline(const Project& project, Warehouse& wh, const Pipeline& pipeline,
                       bool full_refresh = false,
                       const std::map<std::string, std::string>& invalid_audiences = {});

}  // namespace zcdp::cli
