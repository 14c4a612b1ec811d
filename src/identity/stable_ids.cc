#include "identity/stable_ids.h"

#include "zcdp/step/output_tables.h"

namespace zcdp {
namespace {}  // namespace

std::vector<std::string> StableIdSql::CreateHistoryTables(const IdentitySql& q, bool keep_dropped) {
  const Dialect& d = q.dialect();
  std::vector<std::string> out;
  for (const char* name : {"identity_graph", "profile_merges", "identity_conflicts"}) {
    out.push_back(CreateOutputTable(d, q.schema(), name));
  }
  // Scratch tables of this run, emptied each time.
  for (const char* name : {"identity_dropped", "identity_guardrail_labels"}) {
    if (keep_dropped && std::string(name) == "identity_dropped") continue;
    out.push_back("DROP TABLE IF EXISTS " + q.T(name));
  }
  for (const char* name : {"identity_dropped", "identity_guardrail_labels"}) {
    out.push_back(CreateOutputTable(d, q.schema(), name));
  }
  return out;
}

std::vector<std::string> StableIdSql::SnapshotPrevious(const IdentitySql& q) {
  return q.dialect().CreateOrReplaceTableAs(q.schema(), "identity_graph_prev",
                                            "SELECT * FROM " + q.T("identity_graph"));
}

std::string StableIdSql::Assignment(const IdentitySql& q) {
  return JoinStatements(q.dialect().CreateOrReplaceTableAs(q.schema(), "identity_assignment",
                                                           AssignmentSelect(q, "")));
}

std::string StableIdSql::AssignmentSelect(const IdentitySql& q, const std::string& filter) {
  const std::string where = filter.empty() ? "" : " WHERE " + filter;
  const std::string cand =
      "SELECT c.component, g.profile_id, count(*) AS members, min(g.first_seen) AS oldest FROM " +
      q.T("identity_components") + " c JOIN " + q.T("identity_nodes") +
      " n ON n.node = c.node JOIN " + q.T("identity_graph_prev") +
      " g ON g.id_type = n.id_type AND g.id_value = n.id_value" + where +
      " GROUP BY c.component, g.profile_id";
  const std::string ranked =
      "SELECT component, profile_id, row_number() OVER (PARTITION BY component ORDER BY members "
      "DESC, oldest NULLS LAST, profile_id) AS rc, row_number() OVER (PARTITION BY profile_id "
      "ORDER BY members DESC, component) AS rp FROM (" +
      cand + ") x";
  return "SELECT DISTINCT c.component, coalesce(k.profile_id, 'p' || " +
         q.dialect().Cast("c.component", SqlType::kText) + ") AS profile_id FROM " +
         q.T("identity_components") + " c LEFT JOIN (SELECT component, profile_id FROM (" + ranked +
         ") r WHERE rc = 1 AND rp = 1) k ON k.component = c.component" + where;
}

std::string StableIdSql::Merges(const IdentitySql& q, int64_t run_id) {
  const std::string moved =
      "SELECT g.profile_id AS absorbed, a.profile_id AS surviving, count(*) AS members FROM " +
      q.T("identity_graph_prev") + " g JOIN " + q.T("identity_nodes") +
      " n ON n.id_type = g.id_type AND n.id_value = g.id_value JOIN " + q.T("identity_components") +
      " c ON c.node = n.node JOIN " + q.T("identity_assignment") +
      " a ON a.component = c.component WHERE g.profile_id NOT IN (SELECT profile_id FROM " +
      q.T("identity_assignment") + ") GROUP BY g.profile_id, a.profile_id";
  return "INSERT INTO " + q.T("profile_merges") + " SELECT " + std::to_string(run_id) +
         ", absorbed, surviving, 'merged' FROM (SELECT absorbed, surviving, row_number() OVER "
         "(PARTITION BY absorbed ORDER BY members DESC, surviving) AS rn FROM (" +
         moved + ") m) r WHERE rn = 1";
}

std::string StableIdSql::Conflicts(const IdentitySql& q, int64_t run_id) {
  return "INSERT INTO " + q.T("identity_conflicts") + " SELECT " + std::to_string(run_id) +
         ", na.id_type, na.id_value, nb.id_type, nb.id_value, d.rule, a.profile_id FROM " +
         q.T("identity_dropped") + " d JOIN " + q.T("identity_nodes") +
         " na ON na.node = d.a JOIN " + q.T("identity_nodes") + " nb ON nb.node = d.b JOIN " +
         q.T("identity_components") + " c ON c.node = d.a JOIN " + q.T("identity_assignment") +
         " a ON a.component = c.component";
}

std::string StableIdSql::Graph(const IdentitySql& q) {
  return JoinStatements(q.dialect().CreateOrReplaceTableAs(
      q.schema(), "identity_graph",
      "SELECT n.id_type, n.id_value, a.profile_id, n.first_seen, n.last_seen, "
      "n.source_count FROM " +
          q.T("identity_nodes") + " n JOIN " + q.T("identity_components") +
          " c ON c.node = n.node JOIN " + q.T("identity_assignment") +
          " a ON a.component = c.component"));
}

std::string StableIdSql::RecordProfiles(const IdentitySql& q) {
  return JoinStatements(q.dialect().CreateOrReplaceTableAs(q.schema(), "identity_record_profiles",
                                                           RecordProfilesSelect(q, "")));
}

std::string StableIdSql::RecordProfilesSelect(const IdentitySql& q, const std::string& filter) {
  // A row belongs to the profile of its strongest identifier still in the graph, its star's
  // center (a dropped guardrail edge leaves its weaker identifiers elsewhere; a quarantined
  // one is in none): one join, no window over every record id.
  const std::string centers = filter.empty() ? q.T("identity_record_centers") + " r"
                                             : "(SELECT * FROM " + q.T("identity_record_centers") +
                                                   " r WHERE " + filter + ") r";
  return "SELECT r.source, r.row_key, a.profile_id FROM " + centers + " JOIN " +
         q.T("identity_components") + " c ON c.node = r.node JOIN " + q.T("identity_assignment") +
         " a ON a.component = c.component";
}

std::string StableIdSql::DropWorkingTables(const IdentitySql& q) {
  return "DROP TABLE IF EXISTS " + q.T("identity_graph_prev") + "; DROP TABLE IF EXISTS " +
         q.T("identity_guardrail_labels") + "; DROP TABLE IF EXISTS " + q.T("identity_violating");
}

}  // namespace zcdp
