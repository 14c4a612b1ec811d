#pragma once

#include <string>

#include "zcdp/run/pipeline.h"

namespace zcdp {

// Step "identity" (after "sources"): stitches the identifiers of every source row into
// profiles inside the warehouse. Writes, in the output schema:
//   identity_graph       (id_type, id_value, profile_id, first_seen, last_seen, source_count)
//   profile_merges       (run_id, absorbed_profile_id, surviving_profile_id, reason)
//   identity_conflicts   (run_id, edge, rule, profile) dropped by a guardrail
//   identity_quarantine  (id_type, id_value, reason, records, linked_values)
// plus working tables prefixed identity_ (observations, edges, nodes, components).
Step IdentityStep();

}  // namespace zcdp
