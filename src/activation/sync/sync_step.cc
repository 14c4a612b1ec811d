// Step "sync": every destination of the project, one after the other.
#include <string>

#include "zcdp/activation/sync.h"
#include "zcdp/common/log.h"

namespace zcdp::activation {
namespace {

// Why `dest` is skipped in this run, or "" to sync it: its audience failed or was skipped,
// or it maps a trait that failed.
std::string SkipReason(const StepContext& ctx, const DestinationConfig& dest) {
  if (dest.audience && ctx.failures->Failed("audience", dest.audience->value)) {
    return "its audience '" + dest.audience->value +
           "' failed in this run; its records stay pending for the next sync";
  }
  for (const FieldMapping& f : dest.fields) {
    if (ctx.failures->Failed("trait", f.from.value)) {
      return "field '" + f.name.value + "' maps trait '" + f.from.value +
             "', which failed in this run";
    }
  }
  return "";
}

// What the destinations of one sync came to: their counts, whether any delivered (records
// sent, or nothing left to send), and a line per destination that failed or was skipped.
struct Tally {
  StepCounts counts;
  bool any_ok = false;
  std::string failures;
};

// Syncs `dest`, adding its counts to `tally`; a failure, or records the destination refused,
// make it a failed item of the step.
void SyncOne(StepContext& ctx, Warehouse& wh, const DestinationConfig& dest, const SyncOptions& one,
             Tally& tally) {
  const std::string& name = dest.name.value;
  const auto fail = [&](const std::string& why) {
    ctx.failures->Add({"destination", name, why});
    tally.failures += "\n  " + name + ": " + why;
  };
  Result<SyncOutcome> r = SyncDestination(ctx.project, wh, dest, ctx.run_id, one);
  if (!r.ok()) return fail(r.status().message());
  tally.counts[name + ".sent"] = r->sent;
  tally.counts[name + ".failed"] = r->failed;
  if (r->forgotten > 0) tally.counts[name + ".forgotten"] = r->forgotten;
  if (r->sent > 0) tally.any_ok = true;
  if (!r->error.empty()) return fail(r->error);
  if (r->failed > 0) {
    LogWarn("sync " + name + ": " + std::to_string(r->failed) +
            " records refused by the destination; they are retried by the next sync "
            "(see activation_log)");
    return fail(std::to_string(r->failed) + " of " + std::to_string(r->pending) +
                " records refused by the destination (retried by the next sync; see "
                "activation_log)");
  }
  tally.any_ok = true;
}

}  // namespace

Step SyncStep(const SyncOptions& options) {
  Step step;
  step.name = "sync";
  step.description =
      "deliver each destination's changes (diffed in the warehouse, checkpoint per batch)";
  step.depends_on = {"audiences"};
  step.run = [options](StepContext& ctx) -> Result<StepCounts> {
    const auto& destinations = ctx.project.destinations;
    if (destinations.empty()) return StepCounts{};
    // Checkpoints commit batch by batch, outside the step's transaction: on a connection of
    // the sync's own.
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh, ctx.warehouse.OpenAnother());
    Tally tally;
    bool interrupted = false;
    for (size_t i = 0; i < destinations.size(); ++i) {
      const DestinationConfig& dest = destinations[i];
      if (ctx.cancelled && ctx.cancelled()) {
        interrupted = true;
        tally.failures += "\n  " + dest.name.value + ": interrupted before its sync started";
        continue;
      }
      if (const std::string why = SkipReason(ctx, dest); !why.empty()) {
        ctx.failures->Add({"destination", dest.name.value, why, /*skipped=*/true});
        tally.failures += "\n  " + dest.name.value + ": skipped: " + why;
        continue;
      }
      SyncOptions one = options;
      if (!one.cancelled) one.cancelled = ctx.cancelled;
      const double n = static_cast<double>(destinations.size());
      one.progress = [&ctx, i, n](double f) { ctx.progress((static_cast<double>(i) + f) / n); };
      SyncOne(ctx, *wh, dest, one, tally);
    }
    interrupted = interrupted || (ctx.cancelled && ctx.cancelled());
    // Interrupted, or nothing delivered anywhere: the step failed. Otherwise the failed
    // destinations are the step's failed items, and the run is partial.
    if (interrupted || (!tally.any_ok && !tally.failures.empty())) {
      return Status::Unavailable(
          "destinations not fully synced (their unsent records stay "
          "pending for the next sync):" +
          tally.failures);
    }
    return tally.counts;
  };
  return step;
}

}  // namespace zcdp::activation
