#include "zcdp/app/run.h"

#include "zcdp/run/state_dir.h"

namespace zcdp::app {

Result<RunSummary> RunProject(const Project& project, Warehouse& wh, const Pipeline& pipeline,
                              const RunOptions& options) {
  ZCDP_ASSIGN_OR_RETURN(StateDir state, StateDir::Open(project));
  ZCDP_ASSIGN_OR_RETURN(StateDir::Lock lock, state.LockRuns());
  ZCDP_ASSIGN_OR_RETURN(RunSummary summary, RunPipeline(pipeline, project, wh, options));
  ZCDP_RETURN_IF_ERROR(state.WriteLastRun(summary));
  return summary;
}

}  // namespace zcdp::app
