#include "zcdp/app/plan.h"

#include "zcdp/run/pipeline.h"
#include "zcdp/traits/traits.h"

namespace zcdp::app {

Result<std::vector<PlannedStep>> PlanSteps() {
  const Pipeline pipeline = StandardPipeline();
  ZCDP_ASSIGN_OR_RETURN(std::vector<const Step*> order, pipeline.Order());
  std::vector<PlannedStep> steps;
  steps.reserve(order.size());
  for (const Step* s : order) steps.push_back({s->name, s->description});
  return steps;
}

Result<AudiencesPlan> PlanAudiences(const OpenedProject& opened) {
  const Project& project = opened.project;
  Warehouse& wh = *opened.warehouse;
  ZCDP_RETURN_IF_ERROR(RequireConditions(opened));
  const expr::BoundProject& bound = *opened.conditions;
  AudiencesPlan out;
  ZCDP_ASSIGN_OR_RETURN(out.profiles_sql,
                        ProfilesSql(project, wh.dialect(), bound, opened.as_of_micros));
  ZCDP_ASSIGN_OR_RETURN(out.evaluated, OutputTableExists(project, wh, "audience_membership"));
  ZCDP_ASSIGN_OR_RETURN(out.audiences,
                        audience::PlanAudiences(project, bound, wh, opened.as_of_micros, "",
                                                audience::TraitValues::kInline));
  return out;
}

namespace {

std::vector<DestinationPlanRow> Plan(const Project& project, Warehouse& wh,
                                     const activation::MemberRelations* relations) {
  std::vector<DestinationPlanRow> rows;
  for (const DestinationConfig& dest : project.destinations) {
    DestinationPlanRow& row = rows.emplace_back();
    row.name = dest.name.value;
    row.type = dest.type.value;
    Result<activation::DestinationPlan> plan =
        activation::PlanDestination(project, wh, dest, relations);
    if (plan.ok()) {
      row.plan = std::move(plan).value();
    } else {
      row.error = plan.status();
    }
  }
  return rows;
}

}  // namespace

std::vector<DestinationPlanRow> PlanDestinations(const Project& project, Warehouse& wh) {
  return Plan(project, wh, nullptr);
}

std::vector<DestinationPlanRow> PlanDestinationsAfterRun(const OpenedProject& opened,
                                                         const AudiencesPlan& audiences) {
  activation::MemberRelations relations;
  relations.profiles = audiences.profiles_sql;
  for (const audience::AudiencePlan& a : audiences.audiences) relations.audiences[a.name] = a.sql;
  return Plan(opened.project, *opened.warehouse, &relations);
}

}  // namespace zcdp::app
