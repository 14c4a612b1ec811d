#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/expr/bound.h"
#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/step/step.h"

namespace zcdp {

// A SELECT with one row per profile of identity_graph: profile_id, then one column per
// trait in project order. Source rows reach a profile through identity_record_profiles.
// count, count_distinct and sum are 0 for a profile without rows; the others are NULL.
// With `base` (a relation with a profile_id column), one row per profile of it instead.
// With `traits`, only those columns (all of them when an sql trait over other traits is
// among them). Trait windows and `where` filters come bound in `bound` (BindProject of
// `project`); fails with InvalidArgument for a trait whose `where` did not bind.
// Trait windows count back from `as_of_micros` (since the epoch, UTC): the run's instant.
// The project must have passed validation (trait sources and columns exist).
Result<std::string> ProfilesSql(const Project& project, const Dialect& dialect,
                                const expr::BoundProject& bound, int64_t as_of_micros,
                                const std::vector<std::string>& traits = {},
                                const std::string& base = "");

// Step "traits" (after "identity"): (re)creates <output_schema>.profiles from ProfilesSql,
// as a view (the default) or, with `profiles: {materialize: true}`, as a table. Either way
// its windows count back from the run's as_of (StepContext::as_of_micros), so the view
// agrees with the audience membership of the same run until the next run. When the SELECT
// fails, each trait is probed alone: those that fail (and sql traits that read them) are the
// step's failed items (StepContext::failures), left out of profiles, and the rest is built.
Step TraitsStep();

}  // namespace zcdp
