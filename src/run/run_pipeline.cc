#include <memory>

#include "zcdp/common/log.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/step/ownership.h"

#include "run/run_record.h"

namespace zcdp {
namespace {

// Runs one step inside a transaction, so that a failed step leaves no partial output.
StepOutcome RunStep(const Step& step, StepContext& ctx, const RunOptions& options) {
  StepOutcome out;
  out.name = step.name;
  out.started_micros = options.clock->NowMicros();
  const size_t failures_before = ctx.failures->all().size();
  Status status;
  {
    Transaction tx(ctx.warehouse);  // rolled back at the end of the block unless committed
    status = tx.Begin();
    if (status.ok()) {
      Result<StepCounts> counts = step.run(ctx);
      // What the step created is marked as zcdp's in the step's own transaction.
      status = counts.ok() ? MarkOwnedObjects(ctx.project, ctx.warehouse) : counts.status();
      if (status.ok()) status = tx.Commit();
      if (counts.ok()) out.counts = std::move(counts).value();
    }
  }
  // A failed step may have created objects outside its transaction (a sync's batches): mark
  // them too, or the next run would take them for the user's.
  if (!status.ok()) (void)MarkOwnedObjects(ctx.project, ctx.warehouse);
  out.finished_micros = options.clock->NowMicros();
  const auto& failures = ctx.failures->all();
  out.failures.assign(failures.begin() + static_cast<std::ptrdiff_t>(failures_before),
                      failures.end());
  out.status = !status.ok()           ? RunStatus::kFailed
               : out.failures.empty() ? RunStatus::kSucceeded
                                      : RunStatus::kPartial;
  if (!status.ok()) out.error = status.message();
  return out;
}

}  // namespace

Result<RunSummary> RunPipeline(const Pipeline& pipeline, const Project& project, Warehouse& wh,
                               const RunOptions& options) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<const Step*> order, pipeline.Order());
  // Nothing is written while the output schema holds an object zcdp did not create.
  ZCDP_RETURN_IF_ERROR(RequireOwnedOutputSchema(project, wh));
  ZCDP_RETURN_IF_ERROR(EnsureOutputSchema(project, wh));
  ZCDP_RETURN_IF_ERROR(MarkOwnedObjects(project, wh));  // the run records, on the first run
  RunRecord record(project, wh);
  RunSummary summary;
  ZCDP_ASSIGN_OR_RETURN(summary.abandoned, record.AbandonDeadRuns());
  for (const int64_t id : summary.abandoned) {
    LogWarn("run " + std::to_string(id) +
            " was still recorded as running but its process is "
            "gone: recorded as abandoned (see " +
            project.warehouse.output_schema + ".runs.note)");
  }
  summary.started_micros = options.clock->NowMicros();
  ZCDP_ASSIGN_OR_RETURN(summary.run_id, record.Start(summary.started_micros));
  summary.status = RunStatus::kSucceeded;
  const auto conditions = std::make_shared<BoundConditionsCache>();
  conditions->SetInvalid(options.invalid_audiences);
  const auto failures = std::make_shared<RunFailures>();
  const auto going_on = [&summary] {
    return summary.status == RunStatus::kSucceeded || summary.status == RunStatus::kPartial;
  };
  for (size_t i = 0; i < order.size() && going_on(); ++i) {
    const Step& step = *order[i];
    LogDebug("run " + std::to_string(summary.run_id) + ": step " + step.name);
    auto report = [&options, &step](double f) {
      if (options.on_progress) options.on_progress(step.name, f);
    };
    auto cancelled = [&options] { return options.cancelled && options.cancelled(); };
    StepContext ctx{
        project,   wh,         summary.run_id, summary.started_micros, options.full_refresh, report,
        cancelled, conditions, failures};
    report(0.0);
    StepOutcome outcome;
    if (cancelled()) {
      outcome.name = step.name;
      outcome.started_micros = outcome.finished_micros = options.clock->NowMicros();
      outcome.status = RunStatus::kFailed;
      outcome.error = "interrupted before this step started";
    } else {
      outcome = RunStep(step, ctx, options);
    }
    // A step cancelled by an interrupt fails; it was stopped, not broken.
    if (outcome.status == RunStatus::kFailed && cancelled())
      outcome.status = RunStatus::kInterrupted;
    // A partial step does not stop the run (its dependents skip what failed); others do.
    if (outcome.status != RunStatus::kSucceeded) summary.status = outcome.status;
    ZCDP_RETURN_IF_ERROR(record.SaveStep(summary.run_id, static_cast<int>(i), outcome));
    if (options.on_step_done) options.on_step_done(outcome);
    summary.steps.push_back(std::move(outcome));
  }
  summary.finished_micros = options.clock->NowMicros();
  ZCDP_RETURN_IF_ERROR(record.Finish(summary));
  return summary;
}

}  // namespace zcdp
