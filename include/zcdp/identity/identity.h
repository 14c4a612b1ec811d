#pragma once

#include <string>
#include <string_view>

#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/step/step.h"

namespace zcdp {

// Step "identity" (after "sources"): stitches the identifiers of every source row into
// profiles inside the warehouse. Writes, in the output schema:
//   identity_graph       (id_type, id_value, profile_id, first_seen, last_seen, source_count)
//   profile_merges       (run_id, absorbed_profile_id, surviving_profile_id, reason)
//   identity_conflicts   (run_id, edge, rule, profile) dropped by a guardrail
//   identity_quarantine  (id_type, id_value, reason, records, linked_values, linked_type)
//   identity_record_profiles (source, row_key, profile_id): the profile of each source row,
//                        that of the row's strongest identifier in the graph
// plus working tables prefixed identity_ (observations, edges, nodes, components).
Step IdentityStep();

// The key identity gives a row of `source` (identity_record_profiles.row_key): its primary
// key as text, or without one a hash of the row's identifier columns and timestamp.
// Columns are qualified with `alias` when it is not empty.
std::string SourceRowKeyExpr(const SourceConfig& source, const Dialect& dialect,
                             std::string_view alias = "");

// A source's rows with the profile each belongs to: a parenthesised relation with
// zcdp_profile_id and every column of the source's view. Rows outside every profile are
// left out. Reads what the identity step wrote (identity_record_profiles).
std::string ProfileRowsSql(const Project& project, const Dialect& dialect,
                           const SourceConfig& source);

}  // namespace zcdp
