#include "activation/sync/checkpoint.h"

#include <algorithm>

#include "zcdp/activation/http.h"
#include "zcdp/sql/dialect.h"

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
                           int64_t run_id, const Clock& clock)
    : project_(project), wh_(writer), dest_(dest), run_id_(run_id), clock_(clock) {}

Status Checkpointer::AppendLog(Appender& log, const PendingBatch& pending, size_t i, bool sent,
                               const std::string& error, int64_t now) {
  const Record& r = pending.batch.records[i];
  ZCDP_RETURN_IF_ERROR(log.AppendInt(run_id_));
  ZCDP_RETURN_IF_ERROR(log.AppendText(dest_.name.value));
  ZCDP_RETURN_IF_ERROR(log.AppendText(r.key));
  ZCDP_RETURN_IF_ERROR(log.AppendText(ActionName(r.action)));
  ZCDP_RETURN_IF_ERROR(log.AppendText(sent ? "sent" : "failed"));
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(log, error));
  ZCDP_RETURN_IF_ERROR(log.AppendText(pending.batch.idempotency_key));
  ZCDP_RETURN_IF_ERROR(log.AppendTimestamp(now));
  return log.EndRow();
}

Status Checkpointer::AppendLedger(int64_t rows, int64_t bytes, const std::string& sha256,
                                  const std::string& batch_key, int64_t now) {
  const std::string& schema = project_.warehouse.output_schema;
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> a, wh_.CreateAppender(schema, kCopyLedgerTable));
  ZCDP_RETURN_IF_ERROR(a->AppendInt(run_id_));
  ZCDP_RETURN_IF_ERROR(a->AppendText(dest_.name.value));
  ZCDP_RETURN_IF_ERROR(a->AppendText(dest_.type.value));
  ZCDP_RETURN_IF_ERROR(a->AppendText(dest_.purpose ? dest_.purpose->value : ""));
  ZCDP_RETURN_IF_ERROR(a->AppendText(FieldNames(dest_)));
  ZCDP_RETURN_IF_ERROR(a->AppendInt(rows));
  ZCDP_RETURN_IF_ERROR(a->AppendInt(bytes));
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(*a, sha256));
  ZCDP_RETURN_IF_ERROR(AppendTextOrNull(*a, batch_key));
  ZCDP_RETURN_IF_ERROR(a->AppendTimestamp(now));
  ZCDP_RETURN_IF_ERROR(a->EndRow());
  return a->Close();
}

Status Checkpointer::Acknowledged(const PendingBatch& pending, const Delivery& delivery) {
  const std::string& schema = project_.warehouse.output_schema;
  const size_t n = pending.batch.records.size();
  std::vector<std::string> failure(n);
  std::vector<bool> failed(n, false);
  for (const RowFailure& f : delivery.failed) {
    if (f.index >= n) continue;
    failed[f.index] = true;
    failure[f.index] = f.reason.empty() ? "rejected by the destination" : f.reason;
  }
  const int64_t now = clock_.NowMicros();
  Transaction tx(wh_);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> state,
                          wh_.CreateAppender(schema, kSyncStateTable));
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> log,
                          wh_.CreateAppender(schema, kActivationLogTable));
    for (size_t i = 0; i < n; ++i) {
      ZCDP_RETURN_IF_ERROR(AppendLog(*log, pending, i, !failed[i], failure[i], now));
      if (failed[i]) continue;
      ZCDP_RETURN_IF_ERROR(state->AppendText(dest_.name.value));
      ZCDP_RETURN_IF_ERROR(state->AppendText(pending.batch.records[i].key));
      ZCDP_RETURN_IF_ERROR(AppendTextOrNull(*state, pending.checksums[i]));
      ZCDP_RETURN_IF_ERROR(state->AppendInt(run_id_));
      ZCDP_RETURN_IF_ERROR(state->AppendTimestamp(now));
      ZCDP_RETURN_IF_ERROR(state->EndRow());
    }
    ZCDP_RETURN_IF_ERROR(state->Close());
    ZCDP_RETURN_IF_ERROR(log->Close());
  }
  const int64_t accepted = static_cast<int64_t>(n) - std::count(failed.begin(), failed.end(), true);
  ZCDP_RETURN_IF_ERROR(AppendLedger(accepted, delivery.bytes, delivery.payload_sha256,
                                    pending.batch.idempotency_key, now));
  return tx.Commit();
}

Status Checkpointer::NotAcknowledged(const PendingBatch& pending, const std::string& error) {
  const int64_t now = clock_.NowMicros();
  Transaction tx(wh_);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  {
    ZCDP_ASSIGN_OR_RETURN(
        std::unique_ptr<Appender> log,
        wh_.CreateAppender(project_.warehouse.output_schema, kActivationLogTable));
    for (size_t i = 0; i < pending.batch.records.size(); ++i) {
      ZCDP_RETURN_IF_ERROR(AppendLog(*log, pending, i, false, error, now));
    }
    ZCDP_RETURN_IF_ERROR(log->Close());
  }
  return tx.Commit();
}

Status Checkpointer::Forget(const std::string& pending_table) {
  const Dialect& d = wh_.dialect();
  const std::string& schema = project_.warehouse.output_schema;
  return wh_.Execute(
      "INSERT INTO " + d.QualifiedName(schema, kSyncStateTable) + " SELECT " + d.Placeholder(1) +
          ", record_key, NULL, " + d.Placeholder(2) + ", " + d.Placeholder(3) + " FROM " +
          d.QualifiedName(schema, pending_table) + " WHERE action = 'forget'",
      {Value::Text(dest_.name.value), Value::Int(run_id_), Value::Timestamp(clock_.NowMicros())});
}

Status Checkpointer::LedgerShare(int64_t rows) {
  Transaction tx(wh_);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  ZCDP_RETURN_IF_ERROR(AppendLedger(rows, 0, "", "", clock_.NowMicros()));
  return tx.Commit();
}

}  // namespace zcdp::activation
