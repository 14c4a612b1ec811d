#include "run/run_record.h"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "zcdp/sql/dialect.h"
#include "zcdp/step/output_tables.h"

namespace zcdp {
namespace {

std::string CountsJson(const StepCounts& counts) { return nlohmann::json(counts).dump(); }

// The failures as stored: their reasons scrubbed of the values an engine quoted.
nlohmann::json FailuresJson(const Project& project, const std::vector<ItemFailure>& failures) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : failures) {
    out.push_back({{"kind", f.kind},
                   {"name", f.name},
                   {"status", f.skipped ? "skipped" : "failed"},
                   {"error", ScrubForState(project, f.error)}});
  }
  return out;
}

// Adds to `schema.table` the registry's columns that a table made by an older zcdp lacks.
Status AddMissingColumns(Warehouse& wh, const std::string& schema, const std::string& table) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<ColumnInfo> have, wh.DescribeTable(schema, table));
  const Dialect& d = wh.dialect();
  for (const OutputColumn& c : FindOutputTable(table)->columns) {
    bool found = false;
    for (const auto& h : have) found = found || h.name == c.name;
    if (found) continue;
    ZCDP_RETURN_IF_ERROR(wh.Execute("ALTER TABLE " + d.QualifiedName(schema, table) +
                                    " ADD COLUMN " + d.QuoteIdentifier(c.name) + " " +
                                    d.TypeName(c.type)));
  }
  return Status::Ok();
}

std::string StepsJson(const Project& project, const std::vector<StepOutcome>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : steps) {
    out.push_back({{"step", s.name},
                   {"status", RunStatusName(s.status)},
                   {"seconds", static_cast<double>(s.finished_micros - s.started_micros) / 1e6},
                   {"counts", s.counts}});
    if (!s.failures.empty()) out.back()["failures"] = FailuresJson(project, s.failures);
  }
  return out.dump();
}

}  // namespace

int32_t RunLeaseSpace(const std::string& output_schema) {
  uint32_t h = 2166136261U;  // FNV-1a
  for (const char c : "zcdp runs " + output_schema) h = (h ^ static_cast<uint8_t>(c)) * 16777619U;
  return static_cast<int32_t>(h);
}

Status EnsureOutputSchema(const Project& project, Warehouse& wh) {
  const Dialect& d = wh.dialect();
  const std::string& schema = project.warehouse.output_schema;
  const std::string statements[] = {
      d.CreateSchemaIfNotExists(schema),
      CreateOutputTable(d, schema, "runs"),
      CreateOutputTable(d, schema, "run_steps"),
  };
  for (const auto& sql : statements) {
    ZCDP_RETURN_IF_ERROR(wh.Execute(sql).WithContext("creating output schema '" + schema + "'"));
  }
  for (const char* table : {"runs", "run_steps"}) {
    ZCDP_RETURN_IF_ERROR(
        AddMissingColumns(wh, schema, table).WithContext("upgrading " + schema + "." + table));
  }
  return Status::Ok();
}

Result<std::string> RunRecord::AbandonedNote(int64_t run_id) {
  const Dialect& d = wh_.dialect();
  ZCDP_ASSIGN_OR_RETURN(QueryResult steps,
                        wh_.Query("SELECT step, status FROM " + Table("run_steps") +
                                      " WHERE run_id = " + d.Placeholder(1) + " ORDER BY position",
                                  {Value::Int(run_id)}));
  std::string committed;
  for (const auto& row : steps.rows) {
    const std::string status = row[1].is_null() ? "" : row[1].ToString();
    if (status != "succeeded" && status != "partial") continue;
    committed += (committed.empty() ? "" : ", ") + row[0].ToString();
  }
  return "its process died while it was running (no session held its lease); steps committed: " +
         (committed.empty() ? std::string("none") : committed) +
         "; the step then running rolled back, except the batches a sync had checkpointed";
}

Result<std::vector<int64_t>> RunRecord::AbandonDeadRuns() {
  const Dialect& d = wh_.dialect();
  ZCDP_ASSIGN_OR_RETURN(QueryResult running,
                        wh_.Query("SELECT run_id FROM " + Table("runs") +
                                  " WHERE status = 'running' ORDER BY run_id"));
  std::vector<int64_t> abandoned;
  for (const auto& row : running.rows) {
    ZCDP_ASSIGN_OR_RETURN(int64_t run_id, row[0].AsInt("run_id"));
    const auto key = static_cast<int32_t>(run_id);
    ZCDP_ASSIGN_OR_RETURN(bool free, wh_.TryLease(LeaseSpace(), key));
    if (!free) continue;  // its process is alive, maybe on another machine
    Result<std::string> note = AbandonedNote(run_id);
    Status updated = note.status();
    if (updated.ok()) {
      updated = wh_.Execute("UPDATE " + Table("runs") +
                                " SET status = 'abandoned', note = " + d.Placeholder(1) +
                                " WHERE run_id = " + d.Placeholder(2) + " AND status = 'running'",
                            {Value::Text(*note), Value::Int(run_id)});
    }
    ZCDP_RETURN_IF_ERROR(wh_.ReleaseLease(LeaseSpace(), key));
    ZCDP_RETURN_IF_ERROR(updated);
    abandoned.push_back(run_id);
  }
  return abandoned;
}

std::string RunRecord::Table(std::string_view name) const {
  return wh_.dialect().QualifiedName(project_.warehouse.output_schema, name);
}

Result<int64_t> RunRecord::Start(int64_t started_micros) {
  const Dialect& d = wh_.dialect();
  ZCDP_ASSIGN_OR_RETURN(int64_t run_id,
                        QueryInt(wh_, "SELECT coalesce(max(run_id), 0) + 1 FROM " + Table("runs")));
  // The lease before the row: whoever sees the run `running` also sees it held.
  ZCDP_ASSIGN_OR_RETURN(bool leased, wh_.TryLease(LeaseSpace(), static_cast<int32_t>(run_id)));
  if (!leased) {
    return Status::Unavailable("another zcdp run on this warehouse is starting as run " +
                               std::to_string(run_id) + "; try again");
  }
  ZCDP_RETURN_IF_ERROR(
      wh_.Execute("INSERT INTO " + Table("runs") +
                      " (run_id, started_at, status, zcdp_version, project) VALUES (" +
                      d.Placeholder(1) + ", " + d.Placeholder(2) + ", 'running', " +
                      d.Placeholder(3) + ", " + d.Placeholder(4) + ")",
                  {Value::Int(run_id), Value::Timestamp(started_micros), Value::Text(ZCDP_VERSION),
                   Value::Text(project_.name.value)}));
  return run_id;
}

Status RunRecord::SaveStep(int64_t run_id, int position, const StepOutcome& step) {
  const Dialect& d = wh_.dialect();
  std::string select = "SELECT ";
  for (int i = 1; i <= 9; ++i) select += (i > 1 ? ", " : "") + d.Placeholder(i);
  const std::vector<std::string> columns = {"run_id",     "step",        "position",
                                            "started_at", "finished_at", "status",
                                            "counts",     "error",       "failures"};
  const std::vector<Value> params = {
      Value::Int(run_id),
      Value::Text(step.name),
      Value::Int(position),
      Value::Timestamp(step.started_micros),
      step.finished_micros != 0 ? Value::Timestamp(step.finished_micros) : Value::Null(),
      Value::Text(std::string(RunStatusName(step.status))),
      Value::Text(CountsJson(step.counts)),
      step.error.empty() ? Value::Null() : Value::Text(ScrubForState(project_, step.error)),
      step.failures.empty() ? Value::Null()
                            : Value::Text(FailuresJson(project_, step.failures).dump())};
  for (const auto& sql : d.Upsert(project_.warehouse.output_schema, "run_steps", columns,
                                  {"run_id", "step"}, select)) {
    ZCDP_RETURN_IF_ERROR(wh_.Execute(sql, params));
  }
  return Status::Ok();
}

Status RunRecord::Finish(const RunSummary& summary) {
  const Dialect& d = wh_.dialect();
  Status finished =
      wh_.Execute("UPDATE " + Table("runs") + " SET finished_at = " + d.Placeholder(1) +
                      ", status = " + d.Placeholder(2) + ", steps = " + d.Placeholder(3) +
                      " WHERE run_id = " + d.Placeholder(4),
                  {Value::Timestamp(summary.finished_micros),
                   Value::Text(std::string(RunStatusName(summary.status))),
                   Value::Text(StepsJson(project_, summary.steps)), Value::Int(summary.run_id)});
  Status released = wh_.ReleaseLease(LeaseSpace(), static_cast<int32_t>(summary.run_id));
  return finished.ok() ? released : finished;
}

}  // namespace zcdp
