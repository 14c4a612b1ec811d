#include "zcdp/app/sync.h"

#include <vector>

#include "zcdp/activation/sync.h"
#include "zcdp/app/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/step/output_tables.h"

namespace zcdp::app {
namespace {

// Deletes the destination's rows of `table` (sync_state); returns how many records they
// named. REQUIRES: inside a transaction.
Result<int64_t> ForgetState(Warehouse& wh, const std::string& table, const std::string& name) {
  const Dialect& d = wh.dialect();
  const std::vector<Value> params = {Value::Text(name)};
  const std::string where = " WHERE destination = " + d.Placeholder(1);
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult count,
      wh.Query("SELECT count(DISTINCT record_key) FROM " + table + where, params));
  ZCDP_RETURN_IF_ERROR(wh.Execute("DELETE FROM " + table + where, params));
  if (count.rows.empty() || count.rows[0].empty()) return int64_t{0};
  return count.rows[0][0].AsInt("records");
}

}  // namespace

Status SelectDestination(Project& project, const std::string& name) {
  if (name.empty()) return Status::Ok();
  std::erase_if(project.destinations,
                [&](const DestinationConfig& d) { return d.name.value != name; });
  if (!project.destinations.empty()) return Status::Ok();
  return Status::Invalid("no destination named '" + name +
                         "' in the project (`zcdp validate` lists the project)");
}

Status RequireEvaluatedAudiences(const Project& project, Warehouse& wh) {
  ZCDP_ASSIGN_OR_RETURN(bool evaluated, OutputTableExists(project, wh, "audience_membership"));
  if (evaluated) return Status::Ok();
  return Status::Invalid("audiences have not been evaluated yet (" +
                         project.warehouse.output_schema +
                         ".audience_membership does not exist); run `zcdp run` first");
}

Result<int64_t> ResetDestination(const Project& project, Warehouse& wh, const std::string& name) {
  constexpr const char* kStateTable = "sync_state";
  ZCDP_ASSIGN_OR_RETURN(bool synced, OutputTableExists(project, wh, kStateTable));
  if (!synced) return int64_t{0};
  const std::string table =
      wh.dialect().QualifiedName(project.warehouse.output_schema, kStateTable);
  ZCDP_RETURN_IF_ERROR(wh.Begin());
  Result<int64_t> forgotten = ForgetState(wh, table, name);
  if (!forgotten.ok()) {
    (void)wh.Rollback();
    return forgotten.status().WithContext("destination '" + name + "': --reset");
  }
  ZCDP_RETURN_IF_ERROR(wh.Commit());
  return forgotten;
}

Result<Pipeline> SyncPipeline() {
  Pipeline pipeline;
  Step step = activation::SyncStep();
  step.depends_on.clear();  // audiences come from the last run
  ZCDP_RETURN_IF_ERROR(pipeline.Add(std::move(step)));
  return pipeline;
}

}  // namespace zcdp::app
