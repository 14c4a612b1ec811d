#pragma once

#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/identity/components.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/identity_sql.h"

namespace zcdp {

// The scoped rebuild of an incremental identity run (issue 14): only the part of the kept
// working tables that the changed source rows can reach is recomputed.
//
// The changed rows (found by IdentitySql::RowChanges) touch some (id_type, raw value) keys;
// their nodes are V0. Only V0 nodes can change hub status (a node's hub count depends on
// the rows holding it). The scope's records are the changed rows, the rows holding a node
// whose hub status flipped, and every row holding a live node of the scope; the scope's
// nodes are the live nodes of those rows, closed under the kept components (whole old
// components enter, so a profile id is never claimed from outside the scope). Nodes,
// centers, edges and components are then recomputed for the scope alone and replace the
// kept rows. Component labels are smallest node ids and new profile ids "p<label>", so the
// result equals a full rebuild; the property test identity_incremental_test checks that.
//
// Scratch tables: identity_scope_* (DuckDB TEMP, PostgreSQL UNLOGGED), dropped by Drop().
class IdentityScope {
 public:
  explicit IdentityScope(const IdentitySql& q) : q_(q) {}

  // Creates the empty scratch tables of changed rows and touched values.
  std::vector<std::string> Create() const;
  // Adds the rows of identity_row_changes of `source` to the changed rows.
  std::string AddChangedRows(const SourceConfig& source) const;
  // Adds the (id_type, raw_value) of the observations of those rows to the touched values.
  // Run before and after IdentitySql::ApplyRowChanges, for the old and the new values.
  std::string AddTouchedValues(const SourceConfig& source) const;

  // Brings identity_values, _record_ids, _quarantine, _nodes, _record_centers and _edges up
  // to date for the scope. Returns false when the scope did not close within its round
  // limit; the caller then rebuilds in full. Sets the scope's record and node counts.
  Result<bool> Update(Warehouse& wh, int64_t& scope_records, int64_t& scope_nodes) const;
  // The scope's live nodes and edges, as the input of a components strategy, and its output.
  std::vector<std::string> PrepareComponents() const;
  ComponentsTables Components() const;
  // Replaces the kept components of the scope's nodes with the scope's.
  std::vector<std::string> MergeComponents() const;

  // `alias`.component (or .node) is a node of the scope, as SQL.
  std::string InScope(const std::string& column) const;
  // Deletes the kept dropped guardrail edges inside the scope (the replay adds them again).
  std::string DeleteDroppedInScope() const;
  // Replaces the record profiles of the scope's records.
  std::vector<std::string> UpdateRecordProfiles() const;
  // Drops every scratch table of the scope.
  std::vector<std::string> Drop() const;

 private:
  std::string S(const std::string& name) const;
  std::string Touched(const std::string& alias) const;
  std::string Changed(const std::string& alias) const;
  std::string InRecords(const std::string& alias) const;
  std::string Live(const std::string& column) const;
  Status UpdateInputs(Warehouse& wh) const;
  Result<bool> Close(Warehouse& wh, int64_t& scope_records) const;

  const IdentitySql& q_;
};

}  // namespace zcdp
