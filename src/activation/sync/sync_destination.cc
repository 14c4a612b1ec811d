// SyncDestination: the diff computed in the warehouse, delivered batch by batch, with a
// checkpoint after every acknowledged batch.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <utility>

#include "zcdp/activation/sync.h"
#include "zcdp/common/log.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/step/output_tables.h"
#include "zcdp/step/ownership.h"

#include "activation/compile/sync_sql.h"
#include "activation/sync/checkpoint.h"

namespace zcdp::activation {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Fixed(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", seconds);
  return text;
}

// Columns of the pending table, then one per mapped field.
constexpr size_t kActionColumn = 0;
constexpr size_t kKeyColumn = 1;
constexpr size_t kChecksumColumn = 2;
constexpr size_t kFirstFieldColumn = 3;

PendingBatch NewBatch(const DestinationConfig& dest, int64_t run_id, int64_t index) {
  PendingBatch p;
  p.batch.destination = dest.name.value;
  p.batch.purpose = dest.purpose ? dest.purpose->value : "";
  p.batch.run_id = run_id;
  p.batch.index = index;
  for (const FieldMapping& f : dest.fields) p.batch.fields.push_back(f.name.value);
  return p;
}

void AddRecord(const Chunk& chunk, size_t row, PendingBatch& p) {
  Record r;
  r.key = std::string(chunk.GetText(kKeyColumn, row));
  r.action = chunk.GetText(kActionColumn, row) == "remove" ? Action::kRemove : Action::kUpsert;
  if (r.action == Action::kUpsert) {
    r.values.reserve(chunk.column_count() - kFirstFieldColumn);
    for (size_t c = kFirstFieldColumn; c < chunk.column_count(); ++c) {
      r.values.push_back(chunk.Get(c, row));
    }
  }
  p.checksums.emplace_back(chunk.IsNull(kChecksumColumn, row)
                               ? std::string_view()
                               : chunk.GetText(kChecksumColumn, row));
  p.batch.records.push_back(std::move(r));
}

// Delivers the records of a destination's pending table in batches, handing each outcome to
// the checkpoint queue. Not thread-safe.
class Deliverer {
 public:
  Deliverer(const DestinationConfig& dest, Destination& sink, CheckpointQueue& checkpoints,
            int64_t run_id, const SyncOptions& options, SyncOutcome& out)
      : dest_(dest),
        sink_(sink),
        checkpoints_(checkpoints),
        run_id_(run_id),
        options_(options),
        out_(out) {}

  // Reads the pending rows page by page (row numbers in (from, from + page]) and sends
  // each full batch, stopping at the first batch that is not acknowledged. No scan stays
  // open while a checkpoint commits: DuckDB's automatic checkpoint, which a commit may
  // start, waits for every open scan. Returns an error only for warehouse failures
  // (reading, or committing a checkpoint); every checkpoint is committed on return.
  Status Run(Warehouse& wh, const std::string& page_sql, int64_t rows) {
    Status sent = SendAll(wh, page_sql, rows);
    const auto t0 = Clock::now();
    Status committed = checkpoints_.Finish();
    out_.checkpoint_wait_s += Seconds(t0);
    LogDebug("sync " + dest_.name.value + ": reading " + Fixed(out_.reading_s) + " s, delivering " +
             Fixed(out_.delivering_s) + " s, waiting for checkpoints " +
             Fixed(out_.checkpoint_wait_s) + " s (" + std::to_string(checkpoints_.commits()) +
             " commits)");
    out_.checkpoint_commits = checkpoints_.commits();
    ZCDP_RETURN_IF_ERROR(sent);
    return committed;
  }

 private:
  Status SendAll(Warehouse& wh, const std::string& page_sql, int64_t rows) {
    const int64_t page = std::max<int64_t>(dest_.batch_size * 10, 10000);
    PendingBatch batch = NewBatch(dest_, run_id_, 0);
    for (int64_t from = 0; from < rows; from += page) {
      std::vector<PendingBatch> full;
      const auto t0 = Clock::now();
      {
        ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<QueryStream> stream,
                              wh.Stream(page_sql, {Value::Int(from), Value::Int(from + page)}));
        while (true) {
          ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
          if (chunk == nullptr) break;
          for (size_t row = 0; row < chunk->row_count(); ++row) {
            AddRecord(*chunk, row, batch);
            if (static_cast<int64_t>(batch.batch.records.size()) < dest_.batch_size) continue;
            full.push_back(std::move(batch));
            batch = NewBatch(dest_, run_id_, 0);
          }
        }
      }
      out_.reading_s += Seconds(t0);
      for (PendingBatch& b : full) {
        ZCDP_RETURN_IF_ERROR(Send(std::move(b)));
        if (!out_.error.empty()) return Status::Ok();
      }
    }
    if (!batch.batch.records.empty()) ZCDP_RETURN_IF_ERROR(Send(std::move(batch)));
    if (out_.error.empty() && out_.batches > 0) {
      Status finished = sink_.Finish();
      if (!finished.ok()) out_.error = finished.message();
    }
    return Status::Ok();
  }

  Status Send(PendingBatch p) {
    if (options_.cancelled && options_.cancelled()) {
      out_.error = "interrupted after " + std::to_string(out_.sent + out_.failed) + " of " +
                   std::to_string(out_.pending) +
                   " records (every acknowledged batch is checkpointed)";
      return Status::Ok();
    }
    p.batch.index = out_.batches;
    p.batch.idempotency_key = BatchKey(p);
    auto t0 = Clock::now();
    Result<Delivery> delivery = sink_.Deliver(p.batch);
    out_.delivering_s += Seconds(t0);
    const auto n = static_cast<int64_t>(p.batch.records.size());
    Checkpoint c;
    c.at = options_.clock->NowMicros();
    if (!delivery.ok()) {
      out_.error = "batch " + std::to_string(p.batch.index + 1) +
                   " was not acknowledged: " + delivery.status().message();
      out_.failed += n;
      c.error = delivery.status().message();
      c.pending = std::move(p);
      return checkpoints_.Add(std::move(c));
    }
    const auto failed = static_cast<int64_t>(delivery->failed.size());
    out_.sent += n - failed;
    out_.failed += failed;
    out_.bytes += delivery->bytes;
    ++out_.batches;
    c.acknowledged = true;
    c.delivery = std::move(*delivery);
    c.pending = std::move(p);
    t0 = Clock::now();
    Status queued = checkpoints_.Add(std::move(c));
    out_.checkpoint_wait_s += Seconds(t0);
    ZCDP_RETURN_IF_ERROR(queued);
    if (options_.progress && out_.pending > 0) {
      options_.progress(std::min(
          1.0, static_cast<double>(out_.sent + out_.failed) / static_cast<double>(out_.pending)));
    }
    return Status::Ok();
  }

  const DestinationConfig& dest_;
  Destination& sink_;
  CheckpointQueue& checkpoints_;
  int64_t run_id_;
  const SyncOptions& options_;
  SyncOutcome& out_;
};

// Drops a scratch table when the scope ends, however it ends.
class DropOnExit {
 public:
  DropOnExit(Warehouse& wh, std::string table) : wh_(wh), table_(std::move(table)) {}
  DropOnExit(const DropOnExit&) = delete;
  DropOnExit& operator=(const DropOnExit&) = delete;
  ~DropOnExit() { (void)wh_.Execute("DROP TABLE IF EXISTS " + table_); }

 private:
  Warehouse& wh_;
  std::string table_;
};

// A share is a view in the warehouse: nothing is sent; the ledger records it.
Result<SyncOutcome> SyncShare(const Project& project, Warehouse& wh, const DestinationConfig& dest,
                              Checkpointer& checkpoints, int64_t now) {
  const Dialect& d = wh.dialect();
  const SyncSql sql(project, d);
  SyncOutcome out;
  out.destination = dest.name.value;
  const std::string& schema = dest.schema->value;
  ZCDP_RETURN_IF_ERROR(wh.Execute(d.CreateSchemaIfNotExists(schema)));
  // The share's schema may hold the user's objects: never replace one of theirs.
  ZCDP_RETURN_IF_ERROR(RequireOwnedOrAbsent(wh, schema, dest.name.value));
  ZCDP_RETURN_IF_ERROR(
      wh.Execute(d.CreateOrReplaceView(schema, dest.name.value, sql.ShareViewSelect(dest))));
  ZCDP_RETURN_IF_ERROR(MarkOwned(wh, schema, dest.name.value, /*is_view=*/true));
  ZCDP_ASSIGN_OR_RETURN(int64_t rows, QueryInt(wh, "SELECT count(*) FROM " +
                                                       d.QualifiedName(schema, dest.name.value)));
  ZCDP_RETURN_IF_ERROR(checkpoints.LedgerShare(rows, now));
  out.pending = out.sent = rows;
  return out;
}

// Rows (action, count) of `query`, as a map.
Result<std::map<std::string, int64_t>> CountActions(Warehouse& wh, const std::string& query) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(query));
  std::map<std::string, int64_t> counts;
  for (const auto& row : r.rows) {
    const auto* n = std::get_if<int64_t>(&row[1].storage());
    counts[row[0].ToString()] = n != nullptr ? *n : 0;
  }
  return counts;
}

// NotFound naming what is missing when a destination's model is not a readable relation
// with a profile_id column and every mapped column; InvalidArgument when a profile has
// several rows in it.
Status CheckModel(const SyncSql& sql, Warehouse& wh, const DestinationConfig& dest) {
  const std::string& model = dest.model->value;
  const auto [schema, name] = ModelSchemaAndName(dest);
  Result<std::vector<ColumnInfo>> columns = wh.DescribeTable(schema, name);
  if (!columns.ok() || columns->empty()) {
    return Status::NotFound("model '" + model + "' is not a table or view in the warehouse" +
                            (columns.ok() ? "" : " (" + columns.status().message() + ")"));
  }
  const auto has = [&](const std::string& name) {
    return std::any_of(columns->begin(), columns->end(),
                       [&](const ColumnInfo& c) { return c.name == name; });
  };
  if (!has("profile_id")) {
    return Status::NotFound("model '" + model +
                            "' has no profile_id column (a model has one row per profile, "
                            "keyed by zcdp's profile id)");
  }
  for (const FieldMapping& f : dest.fields) {
    if (!has(f.from.value)) {
      return Status::NotFound("field '" + f.name.value + "': model '" + model +
                              "' has no column '" + f.from.value + "'");
    }
  }
  ZCDP_ASSIGN_OR_RETURN(int64_t repeated,
                        QueryInt(wh, "SELECT count(profile_id) - count(DISTINCT profile_id) FROM " +
                                         sql.ModelRelation(dest)));
  if (repeated > 0) {
    return Status::Invalid("model '" + model + "' has " + std::to_string(repeated) +
                           " rows whose profile_id repeats another row's; a model needs one "
                           "row per profile");
  }
  return Status::Ok();
}

// NotFound naming the field when a mapped trait is not a column of the profiles relation
// (the project gained a trait that no run has computed yet).
Status CheckMappedTraits(const Project& project, Warehouse& wh, const DestinationConfig& dest) {
  bool any_trait = false;
  for (const FieldMapping& f : dest.fields)
    any_trait |= project.FindIdType(f.from.value) == nullptr;
  if (!any_trait) return Status::Ok();
  const std::string& schema = project.warehouse.output_schema;
  ZCDP_ASSIGN_OR_RETURN(std::vector<ColumnInfo> columns, wh.DescribeTable(schema, "profiles"));
  for (const FieldMapping& f : dest.fields) {
    if (project.FindIdType(f.from.value) != nullptr) continue;
    const bool present = std::any_of(columns.begin(), columns.end(),
                                     [&](const ColumnInfo& c) { return c.name == f.from.value; });
    if (!present) {
      return Status::NotFound("field '" + f.name.value + "': trait '" + f.from.value +
                              "' is not a column of " + schema +
                              ".profiles yet; run `zcdp run` to compute it");
    }
  }
  return Status::Ok();
}

// sync_state is append-only: every checkpoint adds rows. Once the superseded rows outnumber
// the records, they are deleted, so that the diff reads one row per record again.
Status CompactState(const SyncSql& sql, Warehouse& wh, const DestinationConfig& dest) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult size, wh.Query(sql.StateSizeSql(dest)));
  const auto* rows = std::get_if<int64_t>(&size.rows.at(0)[0].storage());
  const auto* records = std::get_if<int64_t>(&size.rows.at(0)[1].storage());
  if (rows == nullptr || records == nullptr || *rows <= 2 * *records + 1000) return Status::Ok();
  LogDebug("sync " + dest.name.value + ": compacting sync_state (" + std::to_string(*rows) +
           " rows for " + std::to_string(*records) + " records)");
  return wh.Execute(sql.CompactStateSql(dest));
}

}  // namespace

Status EnsureActivationTables(const Project& project, Warehouse& wh) {
  // They outlive the step's transaction (the writer connection commits as it goes): created
  // and marked as zcdp's together.
  return EnsureOwnedTables(project, wh, {kSyncStateTable, kActivationLogTable, kCopyLedgerTable});
}

Result<DestinationPlan> PlanDestination(const Project& project, Warehouse& wh,
                                        const DestinationConfig& dest,
                                        const MemberRelations* relations) {
  const SyncSql sql(project, wh.dialect(), relations);
  DestinationPlan plan;
  plan.name = dest.name.value;
  if (dest.kind == DestinationType::kWarehouseShare) {
    ZCDP_ASSIGN_OR_RETURN(plan.members,
                          QueryInt(wh, "SELECT count(*) FROM (" + sql.MembersSql(dest) + ") m"));
    return plan;
  }
  ZCDP_ASSIGN_OR_RETURN(bool has_state, OutputTableExists(project, wh, kSyncStateTable));
  // One evaluation of the members: the diff with its unchanged rows, counted by action.
  ZCDP_ASSIGN_OR_RETURN(auto counts, CountActions(wh, sql.PlanSql(dest, has_state)));
  plan.upserts = counts["upsert"];
  plan.removals = counts["remove"];
  plan.forgets = counts["forget"];
  plan.members = plan.upserts + counts["unchanged"];
  return plan;
}

Result<SyncOutcome> SyncDestination(const Project& project, Warehouse& wh,
                                    const DestinationConfig& dest, int64_t run_id,
                                    const SyncOptions& options) {
  const SyncSql sql(project, wh.dialect());
  ZCDP_RETURN_IF_ERROR(EnsureActivationTables(project, wh));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> writer, wh.OpenAnother());
  Checkpointer checkpointer(project, *writer, dest, run_id);
  if (dest.kind == DestinationType::kWarehouseShare) {
    return SyncShare(project, wh, dest, checkpointer, options.clock->NowMicros());
  }

  SyncOutcome out;
  out.destination = dest.name.value;
  Result<std::unique_ptr<Destination>> sink =
      options.make_destination ? options.make_destination(dest) : MakeDestination(dest);
  if (!sink.ok()) {
    out.error = sink.status().message();
    return out;
  }
  Status mapped = dest.model ? CheckModel(sql, wh, dest) : CheckMappedTraits(project, wh, dest);
  if (!mapped.ok()) {
    out.error = mapped.message();
    return out;
  }
  // The pending rows hold mapped field values: they do not outlive the sync, whatever ends it.
  const std::string pending = sql.PendingTable(dest);
  ZCDP_RETURN_IF_ERROR(ExecuteAll(wh, sql.CreatePendingTable(dest)));
  const DropOnExit drop(wh, pending);
  ZCDP_ASSIGN_OR_RETURN(auto counts, CountActions(wh, "SELECT action, count(*) FROM " + pending +
                                                          " GROUP BY action"));
  out.pending = counts["upsert"] + counts["remove"];
  out.forgotten = counts["forget"];
  if (out.forgotten > 0) {
    ZCDP_RETURN_IF_ERROR(wh.Execute(
        sql.ForgetSql(dest), {Value::Int(run_id), Value::Timestamp(options.clock->NowMicros())}));
  }
  LogDebug("sync " + dest.name.value + ": " + std::to_string(out.pending) + " records to send");
  CheckpointQueue checkpoints(checkpointer, options.max_uncommitted_checkpoints);
  Deliverer deliverer(dest, **sink, checkpoints, run_id, options, out);
  ZCDP_RETURN_IF_ERROR(deliverer.Run(wh, sql.PendingPageSql(dest), out.pending + out.forgotten));
  if (out.error.empty()) ZCDP_RETURN_IF_ERROR(CompactState(sql, wh, dest));
  return out;
}

}  // namespace zcdp::activation
