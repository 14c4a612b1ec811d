#pragma once

// Writes what a sync did into the warehouse: sync_state, activation_log and copy_ledger.
// Internal to src/activation.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "zcdp/activation/destination.h"
#include "zcdp/model/project.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::activation {

// A batch as read from the pending table, with each record's checksum (empty: a removal).
struct PendingBatch {
  Batch batch;
  std::vector<std::string> checksums;
};

// The idempotency key of a batch: SHA-256 over the destination and each record's action,
// key and checksum, so the same records always get the same key.
std::string BatchKey(const PendingBatch& pending);

// What became of one delivered batch, to be written down.
struct Checkpoint {
  PendingBatch pending;
  bool acknowledged = false;
  Delivery delivery;  // when acknowledged
  std::string error;  // when not: why
  int64_t at = 0;     // microseconds since the epoch
};

// Commits checkpoints on its own connection. Not thread-safe.
class Checkpointer {
 public:
  // REQUIRES: every argument outlives the Checkpointer; `writer` is not in a transaction.
  Checkpointer(const Project& project, Warehouse& writer, const DestinationConfig& dest,
               int64_t run_id);

  // Writes the checkpoints in one transaction, all or nothing:
  // - an acknowledged batch: its records outside `delivery.failed` enter sync_state, every
  //   record gets an activation_log row (sent or failed, with the reason), and the payload
  //   a copy_ledger entry;
  // - a batch that was not acknowledged: every record is logged as failed with `error`.
  //   Nothing enters sync_state, so the next sync sends them again.
  Status Commit(const std::vector<Checkpoint>& group);

  // A copy_ledger entry for a share view (no payload leaves the warehouse).
  Status LedgerShare(int64_t rows, int64_t at);

 private:
  Status AppendLog(Appender& log, const Checkpoint& c, size_t i, const std::string& error);
  Status AppendState(Appender& state, const Checkpoint& c, size_t i);
  Status AppendLedger(Appender& ledger, int64_t rows, int64_t bytes, const std::string& sha256,
                      const std::string& batch_key, int64_t at);

  const Project& project_;
  Warehouse& wh_;
  const DestinationConfig& dest_;
  int64_t run_id_;
  std::set<std::string> names_;  // what a stored reason keeps quoted (StateNames)
};

// Commits checkpoints on a background thread, so that the next batch is delivered while
// the previous one's checkpoint commits. Checkpoints queued while a commit runs are
// committed together (a group commit: one transaction, one log flush).
// At most `max_waiting` checkpoints wait to be committed; Add blocks beyond that. A crash
// can therefore lose the checkpoints of up to `max_waiting` + the group being committed
// acknowledged batches: the next sync sends them again, as the same bytes under the same
// idempotency key. Add and Finish are called from one thread.
class CheckpointQueue {
 public:
  // REQUIRES: `checkpointer` outlives the queue; max_waiting >= 1.
  CheckpointQueue(Checkpointer& checkpointer, size_t max_waiting);
  ~CheckpointQueue();  // Finish()es
  CheckpointQueue(const CheckpointQueue&) = delete;
  CheckpointQueue& operator=(const CheckpointQueue&) = delete;

  // Queues a checkpoint. Returns the error of an earlier commit, if one failed: nothing is
  // committed after a failure.
  Status Add(Checkpoint checkpoint);
  // Waits until every queued checkpoint is committed. Returns the first commit error.
  Status Finish();
  // Transactions committed so far.
  int64_t commits();

 private:
  void Loop();

  Checkpointer& checkpointer_;
  const size_t max_waiting_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Checkpoint> waiting_;
  bool closing_ = false;
  Status error_;
  int64_t commits_ = 0;
  std::thread thread_;
};

}  // namespace zcdp::activation
