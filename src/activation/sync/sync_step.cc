// Step "sync": every destination of the project, one after the other.
#include "zcdp/activation/sync.h"
#include "zcdp/common/log.h"

namespace zcdp::activation {

Step SyncStep(const SyncOptions& options) {
  Step step;
  step.name = "sync";
  step.description =
      "deliver each destination's changes (diffed in the warehouse, checkpoint per batch)";
  step.depends_on = {"audiences"};
  step.run = [options](StepContext& ctx) -> Result<StepCounts> {
    StepCounts counts;
    const auto& destinations = ctx.project.destinations;
    if (destinations.empty()) return counts;
    // Checkpoints commit batch by batch, outside the step's transaction: on a connection of
    // the sync's own.
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh, ctx.warehouse.OpenAnother());
    std::string failures;
    for (size_t i = 0; i < destinations.size(); ++i) {
      const DestinationConfig& dest = destinations[i];
      if (ctx.cancelled && ctx.cancelled()) {
        failures += "\n  " + dest.name.value + ": interrupted before its sync started";
        continue;
      }
      SyncOptions one = options;
      if (!one.cancelled) one.cancelled = ctx.cancelled;
      const double n = static_cast<double>(destinations.size());
      one.progress = [&ctx, i, n](double f) { ctx.progress((static_cast<double>(i) + f) / n); };
      Result<SyncOutcome> r = SyncDestination(ctx.project, *wh, dest, ctx.run_id, one);
      const std::string& name = dest.name.value;
      if (!r.ok()) {
        failures += "\n  " + name + ": " + r.status().message();
        continue;
      }
      counts[name + ".sent"] = r->sent;
      counts[name + ".failed"] = r->failed;
      if (r->forgotten > 0) counts[name + ".forgotten"] = r->forgotten;
      if (!r->error.empty()) failures += "\n  " + name + ": " + r->error;
      if (r->failed > 0 && r->error.empty()) {
        LogWarn("sync " + name + ": " + std::to_string(r->failed) +
                " records refused by the destination; they are retried by the next sync "
                "(see activation_log)");
      }
    }
    if (!failures.empty()) {
      return Status::Unavailable(
          "destinations not fully synced (their unsent records stay "
          "pending for the next sync):" +
          failures);
    }
    return counts;
  };
  return step;
}

}  // namespace zcdp::activation
