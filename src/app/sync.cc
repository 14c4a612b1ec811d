#include "zcdp/app/sync.h"

#include <vector>

#include "zcdp/activation/sync.h"
#include "zcdp/app/project.h"

namespace zcdp::app {

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

Result<Pipeline> SyncPipeline() {
  Pipeline pipeline;
  Step step = activation::SyncStep();
  step.depends_on.clear();  // audiences come from the last run
  ZCDP_RETURN_IF_ERROR(pipeline.Add(std::move(step)));
  return pipeline;
}

}  // namespace zcdp::app
