#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/value.h"

namespace zcdp::activation {

// What a destination is asked to do with one record.
enum class Action {
  kUpsert,  // the record entered the audience or its mapped fields changed
  kRemove,  // the record left the audience (mode `mirror` only)
};
std::string_view ActionName(Action action);  // "upsert" | "remove"

// One record of a batch: its key (the profile id) and its mapped field values, in the order
// of Batch::fields. A removal carries no values.
struct Record {
  std::string key;
  Action action = Action::kUpsert;
  std::vector<Value> values;
};

// A batch of records for one destination. `idempotency_key` is the same whenever the same
// records are sent again (a rerun after a crash), so a receiver can drop the duplicate.
struct Batch {
  std::string destination;
  std::string purpose;
  int64_t run_id = 0;
  int64_t index = 0;  // 0-based, within this sync
  std::string idempotency_key;
  std::vector<std::string> fields;  // output names, in value order
  std::vector<Record> records;
};

// A record the destination refused, by its index in Batch::records, and why.
struct RowFailure {
  size_t index = 0;
  std::string reason;
};

// The outcome of an acknowledged batch. Every record not in `failed` was accepted.
struct Delivery {
  std::vector<RowFailure> failed;
  int64_t bytes = 0;           // size of the payload that was accepted
  std::string payload_sha256;  // lower-case hex SHA-256 of that payload
  int attempts = 1;            // 1 + retries
};

// Where a sync sends its batches: one implementation per destination type.
// Not thread-safe; a sync uses one Destination at a time.
class Destination {
 public:
  virtual ~Destination() = default;

  // Delivers one batch, retrying transient failures (5xx, 429, timeouts, dropped
  // connections) as the implementation's policy allows.
  // Returns a Delivery when the batch was acknowledged, possibly with row-level failures
  // (a 4xx rejection fails every record of the batch, with the response as the reason).
  // Returns an error when it was not acknowledged after the retries: nothing of the batch
  // may then be recorded as sent.
  virtual Result<Delivery> Deliver(const Batch& batch) = 0;

  // Called once after the last batch of a sync that delivered at least one batch.
  virtual Status Finish() { return Status::Ok(); }
};

}  // namespace zcdp::activation
