#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/activation/destination.h"
#include "zcdp/common/clock.h"
#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/step/step.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::activation {

// Creates sync_state, activation_log and copy_ledger in the output schema if missing.
Status EnsureActivationTables(const Project& project, Warehouse& wh);

// The Destination a configuration describes, its secret resolved from the environment now.
// InvalidArgument for a type that delivers nothing (warehouse_share) or an unknown type;
// NotFound when the secret's variable is unset.
Result<std::unique_ptr<Destination>> MakeDestination(const DestinationConfig& dest);

// What the next sync of a destination would do, computed without writing anything.
struct DestinationPlan {
  std::string name;
  int64_t upserts = 0;   // entering or changed records (every member in mode full)
  int64_t removals = 0;  // records that left and are sent as removals (mode mirror)
  int64_t forgets = 0;   // records that left and are only dropped from the state (mode diff)
  int64_t members = 0;   // members with consent for the purpose
};

// Where a destination's members and their traits are read from. By default (empty strings,
// an audience missing from `audiences`) what the last run stored: the audience_membership
// and profiles tables. A plan of the next `zcdp run` passes the queries that run would store
// instead, so that it counts what the run's sync would send.
struct MemberRelations {
  std::string profiles;  // a SELECT of profile_id and every trait (ProfilesSql)
  std::map<std::string, std::string> audiences;  // audience -> a SELECT of its profile_ids
};

// Computes, with the diff SQL the sync runs, what the next sync of `dest` would send, its
// members read as `relations` says (the last run's, when null).
Result<DestinationPlan> PlanDestination(const Project& project, Warehouse& wh,
                                        const DestinationConfig& dest,
                                        const MemberRelations* relations = nullptr);

struct SyncOptions {
  const Clock* clock = &SystemClock::Instance();
  // Reports progress of the destination being synced, in [0, 1]. May be empty.
  std::function<void(double)> progress;
  // Builds the destination; MakeDestination when empty (tests inject timing here).
  std::function<Result<std::unique_ptr<Destination>>(const DestinationConfig&)> make_destination;
  // Checkpoints commit on a second connection while the next batches are delivered. At
  // most this many acknowledged batches wait for their checkpoint (the delivery pauses
  // beyond it); those waiting together commit in one transaction. A crash can lose these
  // checkpoints, and the next sync then resends those batches, byte for byte under the same
  // idempotency keys. 1 keeps the resend window to about one batch.
  size_t max_uncommitted_checkpoints = 4;
  // True once the sync should stop (Ctrl-C): checked before each batch. The batches already
  // acknowledged are checkpointed; the rest stay pending. May be empty.
  std::function<bool()> cancelled;
};

// The outcome of one destination's sync. Counts are of records.
struct SyncOutcome {
  std::string destination;
  int64_t pending = 0;  // records the diff asked to send
  int64_t sent = 0;     // acknowledged and checkpointed
  int64_t failed = 0;   // refused by the destination; retried by the next sync
  int64_t forgotten = 0;
  int64_t batches = 0;
  int64_t bytes = 0;
  // Where the delivery's time went, in seconds: reading the pending rows, inside
  // Destination::Deliver, and waiting for checkpoints to commit (the queue was full, or
  // the last ones at the end); and how many transactions the checkpoints took.
  double reading_s = 0;
  double delivering_s = 0;
  double checkpoint_wait_s = 0;
  int64_t checkpoint_commits = 0;
  // Why the sync stopped early (unreachable destination, retries exhausted, a warehouse
  // error); the records not yet sent stay pending for the next sync. Empty otherwise.
  std::string error;
};

// Syncs one destination as run `run_id`: computes the diff in the warehouse, delivers it in
// batches, and commits a checkpoint for every delivered batch (sync_state, its
// activation_log rows and a copy_ledger entry), all or nothing, while the next batches are
// delivered. A crash loses nothing; it resends at most the acknowledged batches whose
// checkpoints had not committed (see SyncOptions::max_uncommitted_checkpoints), under their
// original idempotency keys. A destination's own failures are reported in the outcome; the
// Status is an error when the warehouse fails (every checkpoint queued until then is
// committed first).
Result<SyncOutcome> SyncDestination(const Project& project, Warehouse& wh,
                                    const DestinationConfig& dest, int64_t run_id,
                                    const SyncOptions& options = {});

// Step "sync" (after "audiences"): syncs every destination of the project. A destination
// that fails, or whose destination refused records, does not stop the others: it is a
// failed item of the step (StepContext::failures), which is then partial; one whose audience
// failed in this run is skipped. The step fails when no destination delivered anything and
// one failed, or when interrupted.
Step SyncStep(const SyncOptions& options = {});

}  // namespace zcdp::activation
