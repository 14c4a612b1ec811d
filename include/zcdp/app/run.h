#pragma once

// Running a pipeline as `zcdp run` and `zcdp sync` do: one run at a time per state dir,
// recorded in the output schema, its summary kept in the state dir.

#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::app {

// Takes the project's run lock, runs `pipeline` with `options` (progress, step outcomes and
// cancellation come through its callbacks) and writes the summary as the last run. Returns
// the summary, also of a failed run; an error when the state dir cannot be opened or locked
// (Unavailable while another run holds it) or the run cannot be recorded.
Result<RunSummary> RunProject(const Project& project, Warehouse& wh, const Pipeline& pipeline,
                              const RunOptions& options);

}  // namespace zcdp::app
