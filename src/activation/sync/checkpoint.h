#pragma once

// Writes what a sync did into the warehouse: sync_state, activation_log and copy_ledger.
// Internal to src/activation.

#include <cstdint>
#include <string>
#include <vector>

#include "zcdp/activation/destination.h"
#include "zcdp/common/clock.h"
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

// Commits checkpoints on its own connection, each in one transaction.
// Not thread-safe.
class Checkpointer {
 public:
  // REQUIRES: every argument outlives the Checkpointer; `writer` is not in a transaction.
  Checkpointer(const Project& project, Warehouse& writer, const DestinationConfig& dest,
               int64_t run_id, const Clock& clock);

  // The batch was acknowledged: records outside `delivery.failed` enter sync_state, every
  // record gets an activation_log row (sent or failed, with the reason), and the payload a
  // copy_ledger entry. All or nothing.
  Status Acknowledged(const PendingBatch& pending, const Delivery& delivery);

  // The batch was not acknowledged: every record is logged as failed with `error`. Nothing
  // enters sync_state, so the next sync sends them again.
  Status NotAcknowledged(const PendingBatch& pending, const std::string& error);

  // Records that left the audience of a destination in mode diff: dropped from the state
  // without being sent, so that a return is sent again.
  Status Forget(const std::string& pending_table);

  // A copy_ledger entry for a share view (no payload leaves the warehouse).
  Status LedgerShare(int64_t rows);

 private:
  Status AppendLog(Appender& log, const PendingBatch& pending, size_t i, bool sent,
                   const std::string& error, int64_t now);
  Status AppendLedger(int64_t rows, int64_t bytes, const std::string& sha256,
                      const std::string& batch_key, int64_t now);

  const Project& project_;
  Warehouse& wh_;
  const DestinationConfig& dest_;
  int64_t run_id_;
  const Clock& clock_;
};

}  // namespace zcdp::activation
