#pragma once

// What the next `zcdp run` (or `zcdp sync`) would do, computed without writing anything.

#include <string>
#include <vector>

#include "zcdp/activation/sync.h"
#include "zcdp/app/project.h"
#include "zcdp/audiences/membership.h"
#include "zcdp/common/status.h"

namespace zcdp::app {

// One step of the standard pipeline.
struct PlannedStep {
  std::string name;
  std::string description;
};

// The standard pipeline's steps in the order `zcdp run` runs them.
Result<std::vector<PlannedStep>> PlanSteps();

// Every audience's members now, after a run, entering and exiting, with traits computed
// fresh. `evaluated` is false when audiences never ran (everyone would enter).
struct AudiencesPlan {
  bool evaluated = false;
  std::string profiles_sql;  // the traits SELECT the plan read
  std::vector<audience::AudiencePlan> audiences;
};

// Plans the project's audiences. `opened` must be validated and identity must have run.
Result<AudiencesPlan> PlanAudiences(const OpenedProject& opened);

// What a sync would send to one destination now, or why it cannot be planned.
struct DestinationPlanRow {
  std::string name;
  std::string type;
  Status error;  // when not ok, `plan` is empty
  activation::DestinationPlan plan;
};

// Plans every destination of `project` against the members of the last run: what
// `zcdp sync` would send now.
std::vector<DestinationPlanRow> PlanDestinations(const Project& project, Warehouse& wh);

// Plans every destination against the members and traits `audiences` computed fresh: what
// the sync of the next `zcdp run` would send (with the same diff SQL as that sync).
std::vector<DestinationPlanRow> PlanDestinationsAfterRun(const OpenedProject& opened,
                                                         const AudiencesPlan& audiences);

}  // namespace zcdp::app
