#include "identity/identity_sql.h"

#include "zcdp/identity/identity.h"
#include "zcdp/identity/normalize.h"
#include "zcdp/step/output_tables.h"

namespace zcdp {

std::string SourceRowKeyExpr(const SourceConfig& source, const Dialect& d, std::string_view alias) {
  const auto col = [&](const std::string& name) {
    return d.Cast((alias.empty() ? "" : std::string(alias) + ".") + d.QuoteIdentifier(name),
                  SqlType::kText);
  };
  if (source.primary_key) return col(source.primary_key->value);
  // No key declared: the row's identifying content names it.
  std::string parts;
  for (const auto& id : source.identifiers) {
    parts += std::string(parts.empty() ? "" : ", ") + col(id.column.value);
  }
  if (source.timestamp) parts += ", " + col(source.timestamp->value);
  return d.Cast(d.HashToBigint("concat_ws('|', " + parts + ")"), SqlType::kText);
}

std::string ProfileRowsSql(const Project& project, const Dialect& d, const SourceConfig& source) {
  const std::string schema = d.QuoteIdentifier(project.warehouse.output_schema) + ".";
  return "(SELECT rp.profile_id AS zcdp_profile_id, s.* FROM " + schema +
         d.QuoteIdentifier(SourceViewName(source)) + " s JOIN " + schema +
         d.QuoteIdentifier("identity_record_profiles") +
         " rp ON rp.source = " + d.QuoteString(source.name.value) +
         " AND rp.row_key = " + SourceRowKeyExpr(source, d, "s") + ")";
}

namespace {

// "raw_value" after the rule's trimming and casing, as SQL.
std::string RuleExpr(const IdTypeSpec& t, const std::string& raw) {
  switch (t.rule) {
    case NormalizeRule::kNone:
      return raw;
    case NormalizeRule::kTrim:
      return "trim(" + raw + ")";
    case NormalizeRule::kLower:
    case NormalizeRule::kEmail:
      return "lower(trim(" + raw + "))";
    case NormalizeRule::kPhoneE164:
      return "pm.value";
  }
  return raw;
}

}  // namespace

IdentitySql::IdentitySql(const Project& project, const Dialect& dialect,
                         std::vector<IdTypeSpec> types, std::vector<std::string> blocklist)
    : project_(project), d_(dialect), types_(std::move(types)), blocklist_(std::move(blocklist)) {}

std::string IdentitySql::T(std::string_view name) const {
  return d_.QualifiedName(project_.warehouse.output_schema, name);
}

std::string IdentitySql::TypesRelation() const {
  std::string rows;
  for (const auto& t : types_) {
    rows += std::string(rows.empty() ? "" : ", ") + "(" + d_.QuoteString(t.name) + ", " +
            std::to_string(t.priority) + ", " + std::to_string(t.max_per_profile) + ", " +
            std::to_string(t.quarantine_threshold) + ")";
  }
  return "(VALUES " + rows + ") AS t(id_type, priority, max_per_profile, threshold)";
}

std::string IdentitySql::HubLimitsRelation() const {
  std::string rows;
  for (const auto& hub : types_) {
    for (const auto& other : types_) {
      if (other.name == hub.name) continue;
      rows += std::string(rows.empty() ? "" : ", ") + "(" + d_.QuoteString(hub.name) + ", " +
              d_.QuoteString(other.name) + ", " + std::to_string(HubLimit(hub, other)) + ")";
    }
  }
  if (rows.empty()) {
    const std::string none = d_.Cast("NULL", SqlType::kText);
    rows = "(" + none + ", " + none + ", " + d_.Cast("NULL", SqlType::kBigInt) + ")";
  }
  return "(VALUES " + rows + ") AS h(id_type, other_type, hub_limit)";
}

std::string IdentitySql::SameRecord(std::string_view a, std::string_view b) {
  const std::string x(a), y(b);
  return x + ".rec = " + y + ".rec AND " + x + ".source = " + y + ".source AND " + x +
         ".row_key = " + y + ".row_key";
}

std::string IdentitySql::Narrowed(std::string_view table, const std::string& alias,
                                  const std::string& filter) const {
  if (filter.empty()) return T(table) + " " + alias;
  // Filtered before any join, so that a scoped rebuild reads only its rows.
  return "(SELECT * FROM " + T(table) + " " + alias + " WHERE " + filter + ") " + alias;
}

std::string IdentitySql::RowKeyExpr(const SourceConfig& source) const {
  return SourceRowKeyExpr(source, d_);
}

std::string IdentitySql::SourceSelect(const SourceConfig& s) const {
  const std::string ts = s.timestamp
                             ? d_.Cast(d_.QuoteIdentifier(s.timestamp->value), SqlType::kTimestamp)
                             : d_.Cast("NULL", SqlType::kTimestamp);
  std::string selects;
  for (const auto& id : s.identifiers) {
    const std::string col = d_.QuoteIdentifier(id.column.value);
    selects += std::string(selects.empty() ? "" : " UNION ALL ") + "SELECT " +
               d_.QuoteString(s.name.value) + " AS source, " + RowKeyExpr(s) + " AS row_key, " +
               ts + " AS ts, " + d_.QuoteString(id.id_type.value) + " AS id_type, " +
               d_.Cast(col, SqlType::kText) + " AS raw_value FROM " + T(SourceViewName(s)) +
               " WHERE " + col + " IS NOT NULL";
  }
  return selects;
}

std::vector<std::string> IdentitySql::CreateIncrementalTables() const {
  return {CreateOutputTable(d_, schema(), "identity_observations"),
          CreateOutputTable(d_, schema(), "identity_watermarks")};
}

std::string IdentitySql::Fingerprint(const SourceConfig& s) const {
  std::string text = s.table.value + "|" + (s.timestamp ? s.timestamp->value : "") + "|" +
                     (s.primary_key ? s.primary_key->value : "");
  for (const auto& id : s.identifiers) text += "|" + id.id_type.value + "=" + id.column.value;
  // The identity settings too: kept working tables were built under them.
  for (const auto& t : types_) {
    text += "|" + t.name + ":" + std::to_string(t.priority) + ":" +
            std::to_string(t.max_per_profile) + ":" + std::to_string(static_cast<int>(t.rule)) +
            ":" + t.region + ":" + t.validity + ":" + std::to_string(t.quarantine_threshold);
  }
  for (const auto& b : blocklist_) text += "|b:" + b;
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across builds and runs
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return std::to_string(h);
}

std::string IdentitySql::ReadWatermark() const {
  return "SELECT fingerprint, watermark FROM " + T("identity_watermarks") +
         " WHERE source = " + d_.Placeholder(1);
}

std::vector<std::string> IdentitySql::ReloadSource(const SourceConfig& source) const {
  std::vector<std::string> out = {"DELETE FROM " + T("identity_observations") +
                                  " WHERE source = " + d_.QuoteString(source.name.value)};
  if (!source.identifiers.empty()) {
    out.push_back("INSERT INTO " + T("identity_observations") + " " + SourceSelect(source));
  }
  return out;
}

std::string IdentitySql::RowDigests(const std::string& observations) const {
  const std::string row =
      "concat_ws('|', n.id_type, n.raw_value, " + d_.Cast("n.ts", SqlType::kText) + ")";
  // Each hash is reduced below 2^30 so that the sum stays a BIGINT on every engine; a row's
  // observations differ by id type, so the sum with the count tells its content.
  return "SELECT n.row_key, count(*) AS n, CAST(sum(" + d_.HashToBigint(row) +
         " % 1000000007) AS BIGINT) AS h FROM (" + observations + ") n GROUP BY n.row_key";
}

std::vector<std::string> IdentitySql::RowChanges(const SourceConfig& source) const {
  const std::string kept = "SELECT * FROM " + T("identity_observations") +
                           " WHERE source = " + d_.QuoteString(source.name.value);
  return d_.CreateScratchTableAs(
      schema(), "identity_row_changes",
      "SELECT coalesce(now_rows.row_key, kept_rows.row_key) AS row_key FROM (" +
          RowDigests(SourceSelect(source)) + ") now_rows FULL OUTER JOIN (" + RowDigests(kept) +
          ") kept_rows ON kept_rows.row_key = now_rows.row_key WHERE now_rows.row_key IS NULL OR "
          "kept_rows.row_key IS NULL OR now_rows.n <> kept_rows.n OR now_rows.h <> kept_rows.h");
}

std::vector<std::string> IdentitySql::ApplyRowChanges(const SourceConfig& source) const {
  const std::string changed =
      "SELECT row_key FROM " + d_.ScratchTable(schema(), "identity_row_changes");
  return {"DELETE FROM " + T("identity_observations") + " WHERE source = " +
              d_.QuoteString(source.name.value) + " AND row_key IN (" + changed + ")",
          "INSERT INTO " + T("identity_observations") + " SELECT n.* FROM (" +
              SourceSelect(source) + ") n WHERE n.row_key IN (" + changed + ")"};
}

std::string IdentitySql::DropRowChanges() const {
  return "DROP TABLE IF EXISTS " + d_.ScratchTable(schema(), "identity_row_changes");
}

std::string IdentitySql::CountRowChanges() const {
  return "SELECT count(*) FROM " + d_.ScratchTable(schema(), "identity_row_changes");
}

std::vector<std::string> IdentitySql::SaveWatermark() const {
  return d_.Upsert(schema(), "identity_watermarks", {"source", "fingerprint", "watermark"},
                   {"source"},
                   "SELECT " + d_.Placeholder(1) + ", " + d_.Placeholder(2) + ", max(ts) FROM " +
                       T("identity_observations") + " WHERE source = " + d_.Placeholder(1));
}

std::string IdentitySql::NullCounts(const SourceConfig& source) const {
  std::string cols;
  for (const auto& id : source.identifiers) {
    cols += std::string(cols.empty() ? "" : ", ") + "sum(CASE WHEN " +
            d_.QuoteIdentifier(id.column.value) + " IS NULL THEN 1 ELSE 0 END)";
  }
  return "SELECT " + cols + " FROM " + T(SourceViewName(source));
}

std::string IdentitySql::CreatePhoneMap() const {
  return CreateOutputTable(d_, schema(), "identity_phone_map");
}

std::string IdentitySql::PhonesToNormalize(const IdTypeSpec& type) const {
  return "SELECT DISTINCT o.raw_value FROM " + T("identity_observations") +
         " o WHERE o.id_type = " + d_.QuoteString(type.name) + " AND NOT EXISTS (SELECT 1 FROM " +
         T("identity_phone_map") +
         " pm WHERE pm.raw_value = o.raw_value AND pm.region = " + d_.QuoteString(type.region) +
         ")";
}

std::string IdentitySql::BlockedExpr(const std::string& expr) const {
  if (blocklist_.empty()) return "FALSE";
  // One alternation instead of one regex per pattern: the engine scans each value once
  // (twice as fast on the demo's five patterns).
  std::string combined;
  for (const auto& p : blocklist_) combined += (combined.empty() ? "(?:" : "|(?:") + p + ")";
  return d_.RegexMatches(expr, combined);
}

std::string IdentitySql::NormalizedExpr() const {
  std::string out = "CASE o.id_type";
  for (const auto& t : types_) {
    out += " WHEN " + d_.QuoteString(t.name) + " THEN " + RuleExpr(t, "o.raw_value");
  }
  return out + " END";
}

std::string IdentitySql::SkipExpr() const {
  std::string invalid = "CASE n.id_type";
  for (const auto& t : types_) {
    std::string cond = "FALSE";
    if (t.rule == NormalizeRule::kEmail) {
      cond = "NOT " + d_.RegexMatches("lower(trim(n.raw_value))", kEmailPattern);
    } else if (t.rule == NormalizeRule::kPhoneE164) {
      cond = "n.phone_value IS NULL";
    }
    if (!t.validity.empty()) {
      cond =
          "(" + cond + " OR NOT coalesce(" + d_.RegexMatches("n.nvalue", t.validity) + ", FALSE))";
    }
    invalid += " WHEN " + d_.QuoteString(t.name) + " THEN " + cond;
  }
  invalid += " ELSE FALSE END";
  // The normalised value is matched again only where normalisation changed it (as in C++).
  return "CASE WHEN length(n.raw_value) > " + std::to_string(IdentifierNormalizer::kMaxValueBytes) +
         " THEN 'too_long' WHEN trim(n.raw_value) = '' THEN 'empty' WHEN " +
         BlockedExpr("lower(trim(n.raw_value))") + " THEN 'blocklisted' WHEN " + invalid +
         " THEN 'invalid' WHEN n.nvalue <> lower(trim(n.raw_value)) AND " +
         BlockedExpr("n.nvalue") + " THEN 'blocklisted' END";
}

std::string IdentitySql::Values() const {
  return JoinStatements(d_.CreateOrReplaceTableAs(schema(), "identity_values", ValuesSelect("")));
}

std::string IdentitySql::ValuesSelect(const std::string& filter) const {
  // Each distinct (type, raw value) is normalised, matched and hashed once, then joined back
  // to its observations (10x fewer regex matches than per observation on the demo, issue 14).
  // Phone types join the map on (raw value, region); other types get a NULL region and no
  // match, which keeps this a plain equi-join.
  std::string region = "CASE o.id_type";
  for (const auto& t : types_) {
    if (t.rule == NormalizeRule::kPhoneE164) {
      region += " WHEN " + d_.QuoteString(t.name) + " THEN " + d_.QuoteString(t.region);
    }
  }
  region = region == "CASE o.id_type" ? "NULL" : region + " END";
  const std::string distinct =
      "SELECT x.id_type, x.raw_value, count(*) AS observed FROM " + T("identity_observations") +
      " x" + (filter.empty() ? "" : " WHERE " + filter) + " GROUP BY x.id_type, x.raw_value";
  const std::string normalized = "SELECT o.*, " + NormalizedExpr() +
                                 " AS nvalue, pm.value AS phone_value FROM (" + distinct +
                                 ") o LEFT JOIN " + T("identity_phone_map") +
                                 " pm ON pm.raw_value = o.raw_value AND pm.region = " + region;
  const std::string skipped =
      "SELECT n.*, " + SkipExpr() + " AS skip_reason FROM (" + normalized + ") n";
  return "SELECT s.id_type, s.raw_value, s.value, s.skip_reason, CASE WHEN s.skip_reason IS NULL "
         "THEN " +
         d_.HashToBigint("s.id_type || ':' || s.value") +
         " END AS node, s.observed FROM (SELECT id_type, raw_value, CASE WHEN skip_reason IS "
         "NULL THEN nvalue END AS value, skip_reason, observed FROM (" +
         skipped + ") k) s";
}

std::string IdentitySql::RecordIds() const {
  return JoinStatements(
      d_.CreateOrReplaceTableAs(schema(), "identity_record_ids", RecordIdsSelect("")));
}

std::string IdentitySql::RecordIdsSelect(const std::string& filter) const {
  // One row per valid observation: no regrouping, so two rows that share a row key (a source
  // without a primary key) count as two records. `rec` hashes (source, row_key) so that the
  // self-joins on the record lead with a BIGINT (1.5-2x faster; the text keys stay in the
  // join, so a hash collision cannot join two records).
  return "SELECT o.source, o.row_key, o.ts, o.id_type, v.value, t.priority, v.node, " +
         d_.HashToBigint("o.source || '|' || o.row_key") + " AS rec FROM " +
         Narrowed("identity_observations", "o", filter) + " JOIN " + T("identity_values") +
         " v ON v.id_type = o.id_type AND v.raw_value = o.raw_value JOIN " + TypesRelation() +
         " ON t.id_type = o.id_type WHERE v.skip_reason IS NULL";
}

std::string IdentitySql::Quarantine() const {
  return JoinStatements(
      d_.CreateOrReplaceTableAs(schema(), "identity_quarantine",
                                QuarantineShared("") + "\nUNION ALL\n" + QuarantineBlocked()));
}

std::string IdentitySql::QuarantineShared(const std::string& filter) const {
  // Every other type counts, not only stronger ones: a placeholder email that guests type
  // with their own phones links only weaker values, and joined every guest (issue 14).
  // Pairs are counted on node ids, not values, and only the few hubs are joined back to
  // their values.
  const std::string pairs =
      "SELECT DISTINCT a.node, a.id_type, b.id_type AS other_type, b.node AS other_node FROM " +
      T("identity_record_ids") + " a JOIN " + T("identity_record_ids") + " b ON " +
      SameRecord("a", "b") + " AND b.id_type <> a.id_type" +
      (filter.empty() ? "" : " AND " + filter);
  const std::string over =
      "SELECT p.id_type, p.node, p.other_type, p.linked, row_number() OVER (PARTITION BY p.node "
      "ORDER BY p.linked DESC, p.other_type) AS rn FROM (SELECT node, id_type, other_type, "
      "count(*) AS linked FROM (" +
      pairs + ") x GROUP BY node, id_type, other_type) p JOIN " + HubLimitsRelation() +
      " ON h.id_type = p.id_type AND h.other_type = p.other_type WHERE p.linked > h.hub_limit";
  return "SELECT o.id_type, v.value AS id_value, o.node, 'shared' AS reason, CAST(NULL AS BIGINT) "
         "AS "
         "records, o.linked AS linked_values, o.other_type AS linked_type FROM (" +
         over + ") o JOIN (SELECT node, min(value) AS value FROM " + T("identity_values") +
         " WHERE node IS NOT NULL GROUP BY node) v ON v.node = o.node WHERE o.rn = 1";
}

std::string IdentitySql::QuarantineBlocked() const {
  const std::string text_null = d_.Cast("NULL", SqlType::kText);
  return "SELECT id_type, lower(trim(raw_value)) AS id_value, CAST(NULL AS BIGINT) AS node, "
         "'blocklisted' AS reason, CAST(sum(observed) AS BIGINT) AS records, CAST(NULL AS BIGINT) "
         "AS "
         "linked_values, " +
         text_null + " AS linked_type FROM " + T("identity_values") +
         " WHERE skip_reason = 'blocklisted' GROUP BY id_type, lower(trim(raw_value))";
}

std::string IdentitySql::Nodes() const {
  return JoinStatements(d_.CreateOrReplaceTableAs(schema(), "identity_nodes", NodesSelect("")));
}

std::string IdentitySql::NodesSelect(const std::string& filter) const {
  return "SELECT r.node, r.id_type, r.value AS id_value, min(r.ts) AS first_seen, max(r.ts) AS "
         "last_seen, count(DISTINCT r.source) AS source_count, count(*) AS records FROM " +
         T("identity_record_ids") + " r WHERE NOT EXISTS (SELECT 1 FROM " +
         T("identity_quarantine") + " q WHERE q.node = r.node)" +
         (filter.empty() ? "" : " AND " + filter) + " GROUP BY r.node, r.id_type, r.value";
}

std::string IdentitySql::RecordCenters() const {
  return JoinStatements(
      d_.CreateOrReplaceTableAs(schema(), "identity_record_centers", RecordCentersSelect("")));
}

std::string IdentitySql::RecordCentersSelect(const std::string& filter) const {
  const std::string ranked =
      "SELECT r.rec, r.source, r.row_key, r.node, r.priority, row_number() OVER (PARTITION BY "
      "r.rec, r.source, r.row_key ORDER BY r.priority, r.id_type, r.node) AS rn FROM " +
      Narrowed("identity_record_ids", "r", filter) + " JOIN " + T("identity_nodes") +
      " n ON n.node = r.node";
  return "SELECT rec, source, row_key, node, priority FROM (" + ranked + ") x WHERE rn = 1";
}

std::string IdentitySql::Edges() const {
  return JoinStatements(d_.CreateOrReplaceTableAs(schema(), "identity_edges", EdgesSelect("", "")));
}

std::string IdentitySql::EdgesSelect(const std::string& filter,
                                     const std::string& centers_filter) const {
  const std::string live = "SELECT r.* FROM " + Narrowed("identity_record_ids", "r", filter) +
                           " JOIN " + T("identity_nodes") + " n ON n.node = r.node";
  return "SELECT c.node AS a, o.node AS b, o.source, min(o.row_key) AS row_key, min(o.ts) AS "
         "first_seen, max(o.ts) AS last_seen, count(*) AS records, CASE WHEN c.priority > "
         "o.priority "
         "THEN c.priority ELSE o.priority END AS rank_priority FROM " +
         Narrowed("identity_record_centers", "c", centers_filter) + " JOIN (" + live + ") o ON " +
         SameRecord("o", "c") +
         " AND o.node <> c.node "
         "GROUP BY c.node, o.node, o.source, c.priority, o.priority";
}

std::string IdentitySql::EdgePairsView() const {
  return d_.CreateOrReplaceView(project_.warehouse.output_schema, "identity_edge_pairs",
                                "SELECT a, b FROM " + T("identity_edges"));
}

std::string IdentitySql::RejectionCounts() const {
  return "SELECT id_type, CAST(sum(observed) AS BIGINT) AS observed, CAST(sum(CASE WHEN "
         "skip_reason IN ('invalid', 'too_long') THEN observed ELSE 0 END) AS BIGINT) AS rejected "
         "FROM " +
         T("identity_values") + " GROUP BY id_type ORDER BY id_type";
}

std::string IdentitySql::ViolatingComponents() const {
  return JoinStatements(d_.CreateOrReplaceTableAs(
      project_.warehouse.output_schema, "identity_violating",
      "SELECT DISTINCT k.component FROM (SELECT c.component, n.id_type, count(*) AS cnt FROM " +
          T("identity_components") + " c JOIN " + T("identity_nodes") +
          " n ON n.node = c.node GROUP BY c.component, n.id_type) k JOIN " + TypesRelation() +
          " ON k.id_type = t.id_type WHERE t.max_per_profile > 0 AND k.cnt > t.max_per_profile"));
}

std::string IdentitySql::ViolatingEdges() const {
  return "SELECT e.a, e.b, e.rank_priority, max(e.last_seen) AS last_seen, na.id_type AS a_type, "
         "nb.id_type AS b_type "
         "FROM " +
         T("identity_edges") + " e JOIN " + T("identity_components") + " c ON c.node = e.a JOIN " +
         T("identity_violating") + " v ON v.component = c.component JOIN " + T("identity_nodes") +
         " na ON na.node = e.a JOIN " + T("identity_nodes") +
         " nb ON nb.node = e.b GROUP BY e.a, e.b, e.rank_priority, na.id_type, nb.id_type "
         "ORDER BY e.rank_priority, max(e.last_seen) DESC NULLS LAST, e.a, e.b";
}

}  // namespace zcdp
