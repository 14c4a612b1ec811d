#pragma once

// The SQL of activation: which members a destination may receive (consent applied), their
// mapped fields and checksum, and the diff against what was synced. Built only through the
// Dialect; every user value is a quoted literal. Internal to src/activation.

#include <string>
#include <utility>
#include <vector>

#include "zcdp/activation/sync.h"
#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"

namespace zcdp::activation {

// Names of activation's tables in the output schema.
inline constexpr const char* kSyncStateTable = "sync_state";
inline constexpr const char* kActivationLogTable = "activation_log";
inline constexpr const char* kCopyLedgerTable = "copy_ledger";

// The schema and name of a destination's model ("schema.name", as validation requires).
// REQUIRES: dest.model is set.
std::pair<std::string, std::string> ModelSchemaAndName(const DestinationConfig& dest);

class SyncSql {
 public:
  // REQUIRES: `project`, `dialect` and `relations` (when given) outlive this object; the
  // project validated. Members are read from what the last run stored unless `relations`
  // names the queries to read them from instead (MemberRelations).
  SyncSql(const Project& project, const Dialect& dialect,
          const MemberRelations* relations = nullptr);

  // CREATE TABLE IF NOT EXISTS for sync_state, activation_log and copy_ledger.
  std::vector<std::string> CreateTables() const;

  // One row per member of the destination's audience (or row of its model) whose profile
  // granted consent for its purpose: record_key (the profile id), one column per mapped
  // field (named as mapped), checksum.
  std::string MembersSql(const DestinationConfig& dest) const;

  // The model of a destination that has one, as a quoted relation name.
  std::string ModelRelation(const DestinationConfig& dest) const;

  // The diff of MembersSql against sync_state: columns action ('upsert' | 'remove' |
  // 'forget'), record_key, checksum, then the mapped fields (NULL for removals). `forget`
  // rows (mode diff) leave the state without being sent. Without `has_state` (no
  // sync_state table yet) every member is an upsert. With `with_unchanged`, members whose
  // checksum matches their state appear too, as action 'unchanged'.
  // One FULL JOIN of the members with the state: the members are evaluated once.
  std::string DiffSql(const DestinationConfig& dest, bool has_state,
                      bool with_unchanged = false) const;

  // Rows (action, n) counting DiffSql with unchanged members, for a plan.
  std::string PlanSql(const DestinationConfig& dest, bool has_state) const;

  // The pending table of a sync: DiffSql numbered in record-key order (see
  // Dialect::CreateNumberedScratchTableAs), as a scratch table of the connection that
  // creates it. It holds mapped field values and is dropped at the end of the sync.
  std::vector<std::string> CreatePendingTable(const DestinationConfig& dest) const;
  std::string PendingTable(const DestinationConfig& dest) const;
  // The pending rows to send numbered in ($1, $2], in order: action, record_key, checksum,
  // then the mapped fields.
  std::string PendingPageSql(const DestinationConfig& dest) const;
  // Appends the pending 'forget' rows to sync_state as removed, with run id $1 and time $2.
  std::string ForgetSql(const DestinationConfig& dest) const;

  // One row: the destination's rows in sync_state, and the records they are about.
  std::string StateSizeSql(const DestinationConfig& dest) const;
  // Deletes the destination's sync_state rows that no longer count: every row but the
  // latest of its record, and latest rows that say "removed" (the same as no row to the
  // diff). The diff is the same before and after.
  std::string CompactStateSql(const DestinationConfig& dest) const;

  // The share view of a warehouse_share destination: hashed member key and mapped fields,
  // PII fields hashed.
  std::string ShareViewSelect(const DestinationConfig& dest) const;

  // The consent condition on a profile id expression, or "" without a consent source.
  std::string ConsentCondition(std::string_view purpose, std::string_view profile_id) const;

 private:
  std::string Out(std::string_view table) const;
  std::string ModelMembersSql(const DestinationConfig& dest) const;
  // The field's value, hashed when it is mapped with `hash:`.
  std::string FieldExpr(const FieldMapping& f, const std::string& member) const;
  // SHA-256 (hex) of the trimmed, lower-cased text of `value`.
  std::string Hashed(const std::string& value) const;
  std::string ChecksumExpr(const DestinationConfig& dest, const std::string& alias) const;

  const Project& p_;
  const Dialect& d_;
  const MemberRelations* relations_;
};

}  // namespace zcdp::activation
