#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/common/clock.h"
#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/step/step.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// A set of steps and the order they run in. Not thread-safe.
class Pipeline {
 public:
  // Fails with AlreadyExists when a step of the same name was added.
  Status Add(Step step);
  // Steps in dependency order (ties keep insertion order). Fails on unknown dependencies
  // and cycles, naming the steps involved.
  Result<std::vector<const Step*>> Order() const;
  const std::vector<Step>& steps() const { return steps_; }

 private:
  std::vector<Step> steps_;
};

// The pipeline of every stage that exists, in the order `zcdp run` runs it.
Pipeline StandardPipeline();

// How a run or a step ended, stored by name in <output_schema>.runs and .run_steps. A run is
// kInterrupted when the user stopped it (RunOptions::cancelled) before it finished: the step
// that was running rolled back, as a failed step does. A step is kPartial when it committed
// but set some traits, audiences or destinations aside (StepOutcome::failures); a run is
// kPartial when a step was and none failed. A run is kAbandoned when its process died while
// it was running: a later run found it `running` with nobody holding its lease.
enum class RunStatus { kRunning, kSucceeded, kFailed, kInterrupted, kPartial, kAbandoned };
// "running", "succeeded", "failed", "interrupted", "partial" or "abandoned".
std::string_view RunStatusName(RunStatus status);

struct StepOutcome {
  std::string name;
  RunStatus status = RunStatus::kRunning;
  StepCounts counts;
  int64_t started_micros = 0;
  int64_t finished_micros = 0;
  std::string error;  // empty unless failed
  // The items this step set aside (failed or skipped), partial or failed alike.
  std::vector<ItemFailure> failures;
};

struct RunSummary {
  int64_t run_id = 0;
  RunStatus status = RunStatus::kRunning;
  int64_t started_micros = 0;
  int64_t finished_micros = 0;
  std::vector<StepOutcome> steps;
  // Earlier runs this run found dead and recorded as abandoned, oldest first.
  std::vector<int64_t> abandoned;
};

struct RunOptions {
  // Times the run record, and its start is the run's as_of (StepContext::as_of_micros).
  const Clock* clock = &SystemClock::Instance();
  bool full_refresh = false;  // passed to every step: ignore watermarks
  // Called when a step starts, reports progress, and ends. May be empty.
  std::function<void(const std::string& step, double fraction)> on_progress;
  std::function<void(const StepOutcome&)> on_step_done;
  // True once the user asked the run to stop: no further step starts, and steps check it
  // (StepContext::cancelled). A step that fails once it is true, and the run, are recorded as
  // interrupted. May be empty.
  std::function<bool()> cancelled;
  // Audiences validation refused (name -> positioned problems; app::OpenProjectToRun): the
  // audiences step records each as failed with its problems, and skips what reads it.
  std::map<std::string, std::string> invalid_audiences;
};

// Runs `pipeline` against the project's warehouse: creates the output schema and zcdp's
// tables if needed, records the run in <output_schema>.runs and .run_steps, and runs the
// steps in order, stopping at the first failed step (later steps are not run). A step that
// sets items aside (partial) does not stop the run: later steps skip what depends on them.
// First, earlier runs still `running` whose process is gone are recorded as abandoned
// (see docs/output-schema.md, "Runs that died"); this run holds its own lease while it runs.
// Returns the summary, also for a failed run; the Status is an error only when the run
// record itself cannot be written.
Result<RunSummary> RunPipeline(const Pipeline& pipeline, const Project& project, Warehouse& wh,
                               const RunOptions& options = {});

// Creates the output schema and zcdp's bookkeeping tables (runs, run_steps) if missing, and
// adds the columns a table of an older zcdp lacks.
Status EnsureOutputSchema(const Project& project, Warehouse& wh);

}  // namespace zcdp
