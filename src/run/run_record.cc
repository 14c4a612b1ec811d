#include "run/run_record.h"

#include <nlohmann/json.hpp>

#include "zcdp/sql/dialect.h"
#include "zcdp/step/output_tables.h"

namespace zcdp {
namespace {

std::string CountsJson(const StepCounts& counts) { return nlohmann::json(counts).dump(); }

std::string StepsJson(const std::vector<StepOutcome>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : steps) {
    out.push_back({{"step", s.name},
                   {"status", RunStatusName(s.status)},
                   {"seconds", static_cast<double>(s.finished_micros - s.started_micros) / 1e6},
                   {"counts", s.counts}});
  }
  return out.dump();
}

}  // namespace

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
  return Status::Ok();
}

std::string RunRecord::Table(std::string_view name) const {
  return wh_.dialect().QualifiedName(project_.warehouse.output_schema, name);
}

Result<int64_t> RunRecord::Start(int64_t started_micros) {
  const Dialect& d = wh_.dialect();
  ZCDP_ASSIGN_OR_RETURN(int64_t run_id,
                        QueryInt(wh_, "SELECT coalesce(max(run_id), 0) + 1 FROM " + Table("runs")));
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
  for (int i = 1; i <= 8; ++i) select += (i > 1 ? ", " : "") + d.Placeholder(i);
  const std::vector<std::string> columns = {"run_id",      "step",   "position", "started_at",
                                            "finished_at", "status", "counts",   "error"};
  const std::vector<Value> params = {
      Value::Int(run_id),
      Value::Text(step.name),
      Value::Int(position),
      Value::Timestamp(step.started_micros),
      step.finished_micros != 0 ? Value::Timestamp(step.finished_micros) : Value::Null(),
      Value::Text(std::string(RunStatusName(step.status))),
      Value::Text(CountsJson(step.counts)),
      step.error.empty() ? Value::Null() : Value::Text(step.error)};
  for (const auto& sql : d.Upsert(project_.warehouse.output_schema, "run_steps", columns,
                                  {"run_id", "step"}, select)) {
    ZCDP_RETURN_IF_ERROR(wh_.Execute(sql, params));
  }
  return Status::Ok();
}

Status RunRecord::Finish(const RunSummary& summary) {
  const Dialect& d = wh_.dialect();
  return wh_.Execute("UPDATE " + Table("runs") + " SET finished_at = " + d.Placeholder(1) +
                         ", status = " + d.Placeholder(2) + ", steps = " + d.Placeholder(3) +
                         " WHERE run_id = " + d.Placeholder(4),
                     {Value::Timestamp(summary.finished_micros),
                      Value::Text(std::string(RunStatusName(summary.status))),
                      Value::Text(StepsJson(summary.steps)), Value::Int(summary.run_id)});
}

}  // namespace zcdp
