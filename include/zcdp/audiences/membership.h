#pragma once

#include <string>
#include <vector>

#include "zcdp/audiences/compile.h"
#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/step/step.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::audience {

// Step "audiences" (after "traits"): evaluates every audience in the warehouse and updates,
// in the output schema,
//   audience_membership (audience, profile_id, since): the members now;
//   audience_history    (audience, profile_id, entered_at, exited_at): one row per stay;
//                        a run closes the stays of profiles that left.
// Audiences removed from the project have their members exit. Windows count back from the
// run's as_of (StepContext::as_of_micros), and since, entered_at and exited_at are that
// instant, whatever the warehouse's clock or time zone. Counts per audience:
// "<name>.size", "<name>.entered", "<name>.exited".
// Over the profiles view each audience computes only the traits it reads; a materialised
// profiles table is read as is. An audience that fails, or that did not bind, is a failed
// item of the step (StepContext::failures) and keeps its earlier members; one that reads a
// failed trait or audience is skipped. The others are computed.
Step AudiencesStep();

// What the next run would do to one audience, computed without writing anything.
struct AudiencePlan {
  std::string name;
  int64_t current = 0;   // members now, in audience_membership
  int64_t next = 0;      // members after the run
  int64_t entering = 0;  // profiles that would enter
  int64_t exiting = 0;   // profiles that would exit
  std::string sql;       // the membership query
};

// Plans every audience of the project (`bound` is its BindProject), reading traits through
// `profiles_relation` (the profiles view when empty; `zcdp plan` passes the traits SELECT so
// nothing is stale). Read-only: runs SELECTs only. With kInline, each audience computes just the
// traits it reads instead. Windows count back from `as_of_micros` (since the epoch, UTC).
Result<std::vector<AudiencePlan>> PlanAudiences(
    const Project& project, const expr::BoundProject& bound, Warehouse& wh, int64_t as_of_micros,
    const std::string& profiles_relation = "", TraitValues traits = TraitValues::kProfilesRelation);

}  // namespace zcdp::audience
