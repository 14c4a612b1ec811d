#include "activation/sync/checkpoint.h"

#include <algorithm>
#include <utility>

#include "zcdp/common/digest.h"
#include "zcdp/common/http.h"
#include "zcdp/common/scrub.h"
#include "zcdp/step/output_tables.h"

#include "activation/compile/sync_sql.h"

namespace zcdp::activation {
namespace {

std::string FieldNames(const DestinationConfig& dest) {
  std::string out;
  for (const FieldMapping& f : dest.fields) out += (out.empty() ? "" : ",") + f.name.value;
  return out;
}

Status AppendTextOrNull(Appender& a, const std::string& text) {
  return text.empty() ? a.AppendNull() : a.AppendText(text);
}

// The reason each record failed ("" for records that were accepted).
std::vector<std::string> Failures(const Checkpoint& c) {
  const size_t n = c.pending.batch.records.size();
  if (!c.acknowledged) return std::vector<std::string>(n, c.error);
  std::vector<std::string> failure(n);
  for (const RowFailure& f : c.delivery.failed) {
    if (f.index < n) failure[f.index] = f.reason.empty() ? "rejected by the destination" : f.reason;
  }
  return failure;
}

}  // namespace

std::string BatchKey(const PendingBatch& pending) {
  std::string text = pending.batch.destination + "\n";
  for (size_t i = 0; i < pending.batch.records.size(); ++i) {
    const Record& r = pending.batch.records[i];
    text += std::string(ActionName(r.action)) + " " + r.key + " " + pending.checksums[i] + "\n";
  }
  return Sha256Hex(text);
}

Checkpointer::Checkpointer(const Project& project, Warehouse& writer, const DestinationConfig& dest,
                           int64_t run_id)
    : project_(project), wh_(writer), dest_(dest), run_id_(run_id), names_(StateNames(project)) {}

Status Checkpointer::AppendLog(Appender& log, const Checkpoint& c, size_t i,
                               const std::string& error) {
  const Record& r = c.pending.batch.records[i];
  ZCDP_RETURN_IF_ERROR(log.AppendInt(run_id_));
  ZCDP_RETURN_IF_ERROR(log.AppendText(dest_.name.value));
  ZCDP_RETURN_IF_ERROR(log.AppendText(r.key));
  ZCDP_RETURN_IF_ERROR(log.AppendText(ActionName(r.action)));
  ZCDP_RETURN_IF_ERROR(log.AppendText(error.empty() ? "sent" : "failed"));
  // A destination's reason may quote the record it refused.
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(log, error.empty() ? error : ScrubValues(error, names_)));
  ZCDP_RETURN_IF_ERROR(log.AppendText(c.pending.batch.idempotency_key));
  ZCDP_RETURN_IF_ERROR(log.AppendTimestamp(c.at));
  return log.EndRow();
}

Status Checkpointer::AppendState(Appender& state, const Checkpoint& c, size_t i) {
  ZCDP_RETURN_IF_ERROR(state.AppendText(dest_.name.value));
  ZCDP_RETURN_IF_ERROR(state.AppendText(c.pending.batch.records[i].key));
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(state, c.pending.checksums[i]));
  ZCDP_RETURN_IF_ERROR(state.AppendInt(run_id_));
  ZCDP_RETURN_IF_ERROR(state.AppendTimestamp(c.at));
  return state.EndRow();
}

Status Checkpointer::AppendLedger(Appender& ledger, int64_t rows, int64_t bytes,
                                  const std::string& sha256, const std::string& batch_key,
                                  int64_t at) {
  ZCDP_RETURN_IF_ERROR(ledger.AppendInt(run_id_));
  ZCDP_RETURN_IF_ERROR(ledger.AppendText(dest_.name.value));
  ZCDP_RETURN_IF_ERROR(ledger.AppendText(dest_.type.value));
  ZCDP_RETURN_IF_ERROR(ledger.AppendText(dest_.purpose ? dest_.purpose->value : ""));
  ZCDP_RETURN_IF_ERROR(ledger.AppendText(FieldNames(dest_)));
  ZCDP_RETURN_IF_ERROR(ledger.AppendInt(rows));
  ZCDP_RETURN_IF_ERROR(ledger.AppendInt(bytes));
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(ledger, sha256));
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(ledger, batch_key));
  ZCDP_RETURN_IF_ERROR(ledger.AppendTimestamp(at));
  return ledger.EndRow();
}

Status Checkpointer::Commit(const std::vector<Checkpoint>& group) {
  const std::string& schema = project_.warehouse.output_schema;
  Transaction tx(wh_);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> state,
                          wh_.CreateAppender(schema, kSyncStateTable));
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> log,
                          wh_.CreateAppender(schema, kActivationLogTable));
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> ledger,
                          wh_.CreateAppender(schema, kCopyLedgerTable));
    for (const Checkpoint& c : group) {
      const std::vector<std::string> failure = Failures(c);
      int64_t accepted = 0;
      for (size_t i = 0; i < failure.size(); ++i) {
        ZCDP_RETURN_IF_ERROR(AppendLog(*log, c, i, failure[i]));
        if (!failure[i].empty()) continue;
        ZCDP_RETURN_IF_ERROR(AppendState(*state, c, i));
        ++accepted;
      }
      if (c.acknowledged) {
        ZCDP_RETURN_IF_ERROR(AppendLedger(*ledger, accepted, c.delivery.bytes,
                                          c.delivery.payload_sha256,
                                          c.pending.batch.idempotency_key, c.at));
      }
    }
    ZCDP_RETURN_IF_ERROR(state->Close());
    ZCDP_RETURN_IF_ERROR(log->Close());
    ZCDP_RETURN_IF_ERROR(ledger->Close());
  }
  return tx.Commit();
}

Status Checkpointer::LedgerShare(int64_t rows, int64_t at) {
  Transaction tx(wh_);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> ledger,
                          wh_.CreateAppender(project_.warehouse.output_schema, kCopyLedgerTable));
    ZCDP_RETURN_IF_ERROR(AppendLedger(*ledger, rows, 0, "", "", at));
    ZCDP_RETURN_IF_ERROR(ledger->Close());
  }
  return tx.Commit();
}

CheckpointQueue::CheckpointQueue(Checkpointer& checkpointer, size_t max_waiting)
    : checkpointer_(checkpointer), max_waiting_(std::max<size_t>(max_waiting, 1)) {
  thread_ = std::thread([this] { Loop(); });
}

CheckpointQueue::~CheckpointQueue() { (void)Finish(); }

Status CheckpointQueue::Add(Checkpoint checkpoint) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || waiting_.size() < max_waiting_; });
  if (!error_.ok()) return error_;
  waiting_.push_back(std::move(checkpoint));
  changed_.notify_all();
  return Status::Ok();
}

Status CheckpointQueue::Finish() {
  {
    std::unique_lock lock(mu_);
    closing_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::unique_lock lock(mu_);
  return error_;
}

int64_t CheckpointQueue::commits() {
  std::unique_lock lock(mu_);
  return commits_;
}

void CheckpointQueue::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return closing_ || !waiting_.empty(); });
    if (waiting_.empty() || !error_.ok()) return;  // closing, or nothing more may commit
    std::vector<Checkpoint> group;
    group.swap(waiting_);
    changed_.notify_all();  // room for the deliverer
    lock.unlock();
    Status committed = checkpointer_.Commit(group);
    lock.lock();
    if (!committed.ok()) error_ = std::move(committed);
    ++commits_;
    changed_.notify_all();
  }
}

}  // namespace zcdp::activation
