#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "zcdp/audiences/compile.h"
#include "zcdp/common/clock.h"
#include "zcdp/common/status.h"
#include "zcdp/expr/catalog.h"
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

// The exit code for a failed operation: environment problems are 3, the rest 1.
int ExitCodeFor(const Status& status);
// Prints "zcdp: error: <message>" to stderr and returns ExitCodeFor(status).
int Fail(const Status& status);

// A loaded project and a connection to its warehouse.
struct OpenedProject {
  Project project;
  std::unique_ptr<Warehouse> warehouse;
  // What audience conditions may name, from the described sources. Set when the project was
  // opened with `validate` (its conditions and trait filters then passed the type check).
  std::optional<expr::Catalog> catalog;
};
enum class Access { kReadOnly, kReadWrite };

// Loads the project named by `file_or_dir` and opens its warehouse. With `validate`, checks
// the project against the live schema too, then parses and type-checks every audience
// condition and trait `where` filter against the sources' columns, so that structural,
// schema and condition errors are printed together, sorted by position. A read-only validation of a
// project whose DuckDB file does not exist yet uses an empty in-memory database (its sources may
// all be files). Returns kExitOk and fills `out`, or prints the problems and returns the exit code.
int OpenProject(const std::string& file_or_dir, Access access, bool validate, OpenedProject* out);

// The audience compiler as `zcdp run` uses it: traits computed inline (only those an
// audience reads) over the profiles view, or read from the materialised profiles table.
// Windows count back from `as_of_micros`.
audience::Compiler AudienceCompiler(const OpenedProject& opened, int64_t as_of_micros);

// Runs the standard pipeline with progress and prints a summary. Returns the exit code.
// `full_refresh` re-reads every source in full, ignoring watermarks.
int RunProject(const Project& project, Warehouse& wh, bool full_refresh = false);
// Prints, per destination, the members with consent and what a sync would send now
// (upserts, removals, forgets). Sets *code to kExitFailed when a destination cannot be planned.
void PrintDestinationPlans(const Project& project, Warehouse& wh, int* code);

// Runs `pipeline` the same way: recorded as a run, with progress and a summary.
int RunProjectPipeline(const Project& project, Warehouse& wh, const Pipeline& pipeline,
                       bool full_refresh = false);

}  // namespace zcdp::cli
