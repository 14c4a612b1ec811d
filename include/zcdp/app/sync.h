#pragma once

// `zcdp sync`: deliver the destinations' changes now, from the audiences of the last run.

#include <string>

#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::app {

// Keeps only the destination named `name` in `project` (every one when `name` is empty).
// InvalidArgument when the project has no destination of that name.
Status SelectDestination(Project& project, const std::string& name);

// InvalidArgument unless audiences were evaluated (audience_membership exists).
Status RequireEvaluatedAudiences(const Project& project, Warehouse& wh);

// `zcdp sync NAME --reset`: forgets what destination `name` was sent (its rows of
// <output_schema>.sync_state), so that its next sync sends every member as new, as after a
// change of URL or purpose. activation_log and copy_ledger keep their history. Returns how
// many records were forgotten (0 when it never synced). REQUIRES: `name` is a destination of
// `project` and the warehouse is open for writing.
Result<int64_t> ResetDestination(const Project& project, Warehouse& wh, const std::string& name);

// A pipeline of the sync step alone, reading the audiences of the last run.
Result<Pipeline> SyncPipeline();

}  // namespace zcdp::app
