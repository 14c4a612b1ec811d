#pragma once

#include <string>
#include <vector>

#include "identity/identity_sql.h"

namespace zcdp {

// Statements that give each component a profile id that survives across runs: a component
// keeps the previous id held by most of its members (ties: the oldest profile); a component
// with none gets "p<smallest node id>", which a rebuild from scratch reproduces.
struct StableIdSql {
  // Creates identity_graph if missing and snapshots it as identity_graph_prev.
  static std::vector<std::string> SnapshotPrevious(const IdentitySql& q);
  static std::string Assignment(const IdentitySql& q);
  // The assignment of the components whose label satisfies `filter` (SQL over c.component),
  // as a SELECT, for the scoped rebuild.
  static std::string AssignmentSelect(const IdentitySql& q, const std::string& filter);
  // Records previous profiles absorbed into another one in this run.
  static std::string Merges(const IdentitySql& q, int64_t run_id);
  static std::string Conflicts(const IdentitySql& q, int64_t run_id);
  static std::string Graph(const IdentitySql& q);
  // identity_record_profiles: each source row's profile.
  static std::string RecordProfiles(const IdentitySql& q);
  // The same for the record centers `r` that satisfy `filter`, as a SELECT.
  static std::string RecordProfilesSelect(const IdentitySql& q, const std::string& filter);
  // Creates the history tables if missing, and empties this run's scratch tables; with
  // `keep_dropped` (a scoped rebuild) the dropped guardrail edges outside the scope stay.
  static std::vector<std::string> CreateHistoryTables(const IdentitySql& q,
                                                      bool keep_dropped = false);
  static std::string DropWorkingTables(const IdentitySql& q);
};

}  // namespace zcdp
