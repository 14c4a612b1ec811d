#include "activation/compile/sync_sql.h"

#include <map>

#include "zcdp/common/digest.h"
#include "zcdp/identity/identity.h"
#include "zcdp/step/output_tables.h"

namespace zcdp::activation {

SyncSql::SyncSql(const Project& project, const Dialect& dialect, const MemberRelations* relations)
    : p_(project), d_(dialect), relations_(relations) {}

std::string SyncSql::Out(std::string_view table) const {
  return d_.QualifiedName(p_.warehouse.output_schema, table);
}

std::vector<std::string> SyncSql::CreateTables() const {
  const std::string& schema = p_.warehouse.output_schema;
  return {CreateOutputTable(d_, schema, kSyncStateTable),
          CreateOutputTable(d_, schema, kActivationLogTable),
          CreateOutputTable(d_, schema, kCopyLedgerTable)};
}

std::string SyncSql::ConsentCondition(std::string_view purpose, std::string_view profile_id) const {
  if (!p_.consent) return "";
  const ConsentConfig& c = *p_.consent;
  const SourceConfig* source = p_.FindSource(c.source.value);
  if (source == nullptr) return "FALSE";  // validation refuses this project
  const std::string granted = "s." + d_.QuoteIdentifier(c.granted_column.value);
  std::string having;
  if (c.timestamp_column) {
    // The latest answer wins: a grant newer than every refusal. Ties refuse.
    const std::string ts =
        d_.Cast("s." + d_.QuoteIdentifier(c.timestamp_column->value), SqlType::kTimestamp);
    const std::string last_grant = "max(CASE WHEN " + granted + " THEN " + ts + " END)";
    const std::string last_refusal = "max(CASE WHEN " + granted + " THEN NULL ELSE " + ts + " END)";
    having = last_grant + " IS NOT NULL AND (" + last_refusal + " IS NULL OR " + last_grant +
             " > " + last_refusal + ")";
  } else {
    having = "min(CASE WHEN " + granted + " THEN 1 ELSE 0 END) = 1";  // every answer a grant
  }
  return std::string(profile_id) + " IN (SELECT rp.profile_id FROM " +
         Out(SourceViewName(*source)) + " s JOIN " + Out("identity_record_profiles") +
         " rp ON rp.source = " + d_.QuoteString(source->name.value) +
         " AND rp.row_key = " + SourceRowKeyExpr(*source, d_, "s") + " WHERE " +
         d_.Cast("s." + d_.QuoteIdentifier(c.purpose_column.value), SqlType::kText) + " = " +
         d_.QuoteString(purpose) + " GROUP BY rp.profile_id HAVING " + having + ")";
}

std::string SyncSql::Hashed(const std::string& value) const {
  return d_.Sha256Hex("lower(trim(" + d_.Cast(value, SqlType::kText) + "))");
}

std::string SyncSql::FieldExpr(const FieldMapping& f, const std::string& id_alias) const {
  const std::string value = p_.FindIdType(f.from.value) != nullptr
                                ? id_alias + ".value"
                                : "p." + d_.QuoteIdentifier(f.from.value);
  return f.hash ? Hashed(value) : value;
}

std::string SyncSql::ChecksumExpr(const DestinationConfig& dest, const std::string& alias) const {
  std::string text;
  for (const FieldMapping& f : dest.fields) {
    const std::string v = d_.Cast(alias + "." + d_.QuoteIdentifier(f.name.value), SqlType::kText);
    if (!text.empty()) text += " || '|' || ";
    text +=
        "COALESCE(" + d_.Cast("length(" + v + ")", SqlType::kText) + " || ':' || " + v + ", '~')";
  }
  return d_.Md5Hex(text.empty() ? "''" : text);
}

std::pair<std::string, std::string> ModelSchemaAndName(const DestinationConfig& dest) {
  const std::string& m = dest.model->value;
  const size_t dot = m.find('.');
  return {m.substr(0, dot), m.substr(dot + 1)};
}

std::string SyncSql::ModelRelation(const DestinationConfig& dest) const {
  const auto [schema, name] = ModelSchemaAndName(dest);
  return d_.QualifiedName(schema, name);
}

std::string SyncSql::ModelMembersSql(const DestinationConfig& dest) const {
  std::string select = "SELECT m.profile_id AS record_key";
  for (const FieldMapping& f : dest.fields) {
    const std::string value = "m." + d_.QuoteIdentifier(f.from.value);
    select += ", " + (f.hash ? Hashed(value) : value) + " AS " + d_.QuoteIdentifier(f.name.value);
  }
  std::string inner = select + " FROM " + ModelRelation(dest) + " m";
  const std::string consent = ConsentCondition(dest.purpose->value, "m.profile_id");
  if (!consent.empty()) inner += " WHERE " + consent;
  return "SELECT f.*, " + ChecksumExpr(dest, "f") + " AS checksum FROM (" + inner + ") f";
}

std::string SyncSql::MembersSql(const DestinationConfig& dest) const {
  if (dest.model) return ModelMembersSql(dest);
  std::string select = "SELECT m.profile_id AS record_key";
  std::string joins;
  bool needs_profiles = false;
  std::map<std::string, std::string> id_alias;  // id type -> join alias
  for (const FieldMapping& f : dest.fields) {
    std::string alias;
    if (p_.FindIdType(f.from.value) != nullptr) {
      auto [it, added] = id_alias.emplace(f.from.value, "i" + std::to_string(id_alias.size()));
      alias = it->second;
      if (added) {
        // The profile's most recently seen identifier of the type (ties: the largest value).
        const std::string key =
            "COALESCE(" + d_.Cast("last_seen", SqlType::kText) + ", '') || '|' || id_value";
        joins += " LEFT JOIN (SELECT profile_id, " + d_.ArgMax("id_value", key) +
                 " AS value FROM " + Out("identity_graph") +
                 " WHERE id_type = " + d_.QuoteString(f.from.value) + " GROUP BY profile_id) " +
                 alias + " ON " + alias + ".profile_id = m.profile_id";
      }
    } else {
      needs_profiles = true;
    }
    select += ", " + FieldExpr(f, alias) + " AS " + d_.QuoteIdentifier(f.name.value);
  }
  if (needs_profiles) {
    const std::string profiles = relations_ != nullptr && !relations_->profiles.empty()
                                     ? "(" + relations_->profiles + ")"
                                     : Out("profiles");
    joins = " LEFT JOIN " + profiles + " p ON p.profile_id = m.profile_id" + joins;
  }
  std::string members = Out("audience_membership");
  std::vector<std::string> conditions;
  const std::string* fresh = nullptr;
  if (relations_ != nullptr) {
    const auto it = relations_->audiences.find(dest.audience->value);
    if (it != relations_->audiences.end()) fresh = &it->second;
  }
  if (fresh != nullptr) {
    members = "(SELECT DISTINCT profile_id FROM (" + *fresh + ") q)";
  } else {
    conditions.push_back("m.audience = " + d_.QuoteString(dest.audience->value));
  }
  const std::string consent = ConsentCondition(dest.purpose->value, "m.profile_id");
  if (!consent.empty()) conditions.push_back(consent);
  std::string where;
  for (const std::string& c : conditions) where += (where.empty() ? " WHERE " : " AND ") + c;
  const std::string inner = select + " FROM " + members + " m" + joins + where;
  return "SELECT f.*, " + ChecksumExpr(dest, "f") + " AS checksum FROM (" + inner + ") f";
}

std::string SyncSql::DiffSql(const DestinationConfig& dest, bool has_state,
                             bool with_unchanged) const {
  std::string fields;
  for (const FieldMapping& f : dest.fields) fields += ", m." + d_.QuoteIdentifier(f.name.value);
  const std::string members = "WITH members AS (" + MembersSql(dest) + ")";
  if (!has_state || dest.sync_mode == SyncMode::kFull) {
    return members + " SELECT 'upsert' AS action, m.record_key, m.checksum" + fields +
           " FROM members m";
  }
  // The state of each record: its last checkpoint; '' when it was removed.
  const std::string state =
      ", state AS (SELECT record_key, " + d_.ArgMax("COALESCE(checksum, '')", "synced_at") +
      " AS checksum FROM " + Out(kSyncStateTable) +
      " WHERE destination = " + d_.QuoteString(dest.name.value) + " GROUP BY record_key)";
  const std::string removal = dest.sync_mode == SyncMode::kMirror ? "'remove'" : "'forget'";
  // Removed records (state '') that are still not members are left out.
  const std::string diff =
      "SELECT CASE WHEN m.record_key IS NULL THEN " + removal +
      " WHEN s.checksum IS NULL OR s.checksum <> m.checksum THEN 'upsert' ELSE 'unchanged' END "
      "AS action, COALESCE(m.record_key, s.record_key) AS record_key, m.checksum" +
      fields +
      " FROM members m FULL JOIN state s ON s.record_key = m.record_key"
      " WHERE m.record_key IS NOT NULL OR s.checksum <> ''";
  if (with_unchanged) return members + state + " " + diff;
  return members + state + " SELECT * FROM (" + diff + ") d WHERE d.action <> 'unchanged'";
}

std::string SyncSql::PlanSql(const DestinationConfig& dest, bool has_state) const {
  return "SELECT action, count(*) AS n FROM (" + DiffSql(dest, has_state, true) +
         ") d GROUP BY action";
}

std::vector<std::string> SyncSql::CreatePendingTable(const DestinationConfig& dest) const {
  return d_.CreateNumberedScratchTableAs(p_.warehouse.output_schema,
                                         "sync_pending_" + dest.name.value, DiffSql(dest, true),
                                         "record_key");
}

std::string SyncSql::PendingTable(const DestinationConfig& dest) const {
  return d_.ScratchTable(p_.warehouse.output_schema, "sync_pending_" + dest.name.value);
}

std::string SyncSql::PendingPageSql(const DestinationConfig& dest) const {
  std::string columns = "action, record_key, checksum";
  for (const FieldMapping& f : dest.fields) columns += ", " + d_.QuoteIdentifier(f.name.value);
  const std::string seq = d_.ScratchRowNumber();
  return "SELECT " + columns + " FROM " + PendingTable(dest) + " WHERE " + seq + " > " +
         d_.Placeholder(1) + " AND " + seq + " <= " + d_.Placeholder(2) +
         " AND action <> 'forget' ORDER BY " + seq;
}

std::string SyncSql::ForgetSql(const DestinationConfig& dest) const {
  return "INSERT INTO " + Out(kSyncStateTable) + " SELECT " + d_.QuoteString(dest.name.value) +
         ", record_key, NULL, " + d_.Placeholder(1) + ", " + d_.Placeholder(2) + " FROM " +
         PendingTable(dest) + " WHERE action = 'forget'";
}

std::string SyncSql::StateSizeSql(const DestinationConfig& dest) const {
  return "SELECT count(*), count(DISTINCT record_key) FROM " + Out(kSyncStateTable) +
         " WHERE destination = " + d_.QuoteString(dest.name.value);
}

std::string SyncSql::CompactStateSql(const DestinationConfig& dest) const {
  const std::string name = d_.QuoteString(dest.name.value);
  const std::string table = d_.QuoteIdentifier(kSyncStateTable);
  return "DELETE FROM " + Out(kSyncStateTable) + " WHERE destination = " + name +
         " AND (checksum IS NULL OR synced_at < (SELECT max(n.synced_at) FROM " +
         Out(kSyncStateTable) + " n WHERE n.destination = " + name +
         " AND n.record_key = " + table + ".record_key))";
}

std::string SyncSql::ShareViewSelect(const DestinationConfig& dest) const {
  std::string select = "SELECT " + d_.Sha256Hex("m.record_key") + " AS member_key";
  for (const FieldMapping& f : dest.fields) {
    // A PII field leaves only hashed (SHA-256 of the trimmed, lower-cased text).
    const std::string v = "m." + d_.QuoteIdentifier(f.name.value);
    // A field mapped with `hash:` is hashed already; one in clear_pii leaves as it is.
    if (!f.hash && !dest.SendsInClear(f.name.value) && IsPiiField(p_, f.from.value)) {
      select += ", " + Hashed(v) + " AS " + d_.QuoteIdentifier(f.name.value + "_sha256");
    } else {
      select += ", " + v + " AS " + d_.QuoteIdentifier(f.name.value);
    }
  }
  return select + " FROM (" + MembersSql(dest) + ") m";
}

}  // namespace zcdp::activation
