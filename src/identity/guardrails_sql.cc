// The guardrail replay of the `sql` strategy, done by the engine: the edges of each component
// that breaks a limit are replayed in the same order as ResolveGuardrails does in process
// (strongest type first, then the most recent record), one edge per component per round, so
// all violating components advance together. Both give the same labels and dropped edges.
#include "identity/guardrails.h"
#include "identity/identity_sql.h"

namespace zcdp {
namespace {

Status Exec(Warehouse& wh, const std::vector<std::string>& statements) {
  for (const auto& s : statements) ZCDP_RETURN_IF_ERROR(wh.Execute(s));
  return Status::Ok();
}

}  // namespace

Result<int64_t> ApplyGuardrailsSql(Warehouse& wh, const IdentitySql& q) {
  const Dialect& d = q.dialect();
  const std::string& schema = q.schema();
  const auto table = [&](const std::string& name, const std::string& select) {
    return d.CreateOrReplaceTableAs(schema, name, select);
  };
  ZCDP_RETURN_IF_ERROR(wh.Execute(q.ViolatingComponents()));
  // Nodes of the violating components, each its own group (labelled by its min node) ...
  ZCDP_RETURN_IF_ERROR(Exec(
      wh, table("identity_gr_label",
                "SELECT c.node, c.node AS label FROM " + q.T("identity_components") + " c JOIN " +
                    q.T("identity_violating") + " v ON v.component = c.component")));
  // ... with a count of values per type ...
  ZCDP_RETURN_IF_ERROR(Exec(
      wh,
      table("identity_gr_count", "SELECT l.label, n.id_type, count(*) AS n FROM " +
                                     q.T("identity_gr_label") + " l JOIN " + q.T("identity_nodes") +
                                     " n ON n.node = l.node GROUP BY l.label, n.id_type")));
  // ... and their edges ranked in replay order within each component.
  ZCDP_RETURN_IF_ERROR(Exec(
      wh, table("identity_gr_edges",
                "SELECT c.component, row_number() OVER (PARTITION BY c.component ORDER BY "
                "v.rank_priority, v.last_seen DESC NULLS LAST, v.a, v.b) AS rk, v.a, v.b FROM (" +
                    q.ViolatingEdges() + ") v JOIN " + q.T("identity_components") +
                    " c ON c.node = v.a")));
  ZCDP_ASSIGN_OR_RETURN(int64_t rounds,
                        QueryInt(wh, "SELECT max(rk) FROM " + q.T("identity_gr_edges")));
  for (int64_t k = 1; k <= rounds; ++k) {
    // The k-th edge of each component, when it joins two different groups.
    ZCDP_RETURN_IF_ERROR(Exec(
        wh, table("identity_gr_step", "SELECT e.a, e.b, la.label AS la, lb.label AS lb FROM " +
                                          q.T("identity_gr_edges") + " e JOIN " +
                                          q.T("identity_gr_label") + " la ON la.node = e.a JOIN " +
                                          q.T("identity_gr_label") +
                                          " lb ON lb.node = e.b WHERE e.rk = " + std::to_string(k) +
                                          " AND la.label <> lb.label")));
    // Dropped when the merged group would hold too many values of a limited type; the
    // strongest such type names the rule.
    ZCDP_RETURN_IF_ERROR(Exec(
        wh, table("identity_gr_drop",
                  "SELECT a, b, 'max_per_profile:' || id_type AS rule FROM (SELECT s.a, s.b, "
                  "t.id_type, row_number() OVER (PARTITION BY s.a, s.b ORDER BY t.priority, "
                  "t.id_type) AS rn FROM " +
                      q.T("identity_gr_step") + " s JOIN " + q.TypesRelation() +
                      " ON t.max_per_profile > 0 LEFT JOIN " + q.T("identity_gr_count") +
                      " ca ON ca.label = s.la AND ca.id_type = t.id_type LEFT JOIN " +
                      q.T("identity_gr_count") +
                      " cb ON cb.label = s.lb AND cb.id_type = t.id_type WHERE "
                      "coalesce(ca.n, 0) + coalesce(cb.n, 0) > t.max_per_profile) x WHERE rn = "
                      "1")));
    ZCDP_RETURN_IF_ERROR(Exec(wh, {"INSERT INTO " + q.T("identity_dropped") +
                                   " SELECT a, b, rule FROM " + q.T("identity_gr_drop")}));
    ZCDP_RETURN_IF_ERROR(Exec(
        wh, table("identity_gr_merge",
                  "SELECT CASE WHEN s.la < s.lb THEN s.la ELSE s.lb END AS keep, CASE WHEN s.la "
                  "< s.lb THEN s.lb ELSE s.la END AS gone FROM " +
                      q.T("identity_gr_step") + " s WHERE NOT EXISTS (SELECT 1 FROM " +
                      q.T("identity_gr_drop") + " x WHERE x.a = s.a AND x.b = s.b)")));
    ZCDP_RETURN_IF_ERROR(Exec(wh, {"UPDATE " + q.T("identity_gr_label") +
                                   " SET label = m.keep FROM " + q.T("identity_gr_merge") +
                                   " m WHERE " + q.T("identity_gr_label") + ".label = m.gone"}));
    ZCDP_RETURN_IF_ERROR(Exec(
        wh, table("identity_gr_count2",
                  "SELECT coalesce(m.keep, c.label) AS label, c.id_type, sum(c.n) AS n FROM " +
                      q.T("identity_gr_count") + " c LEFT JOIN " + q.T("identity_gr_merge") +
                      " m ON m.gone = c.label GROUP BY coalesce(m.keep, c.label), c.id_type")));
    ZCDP_RETURN_IF_ERROR(
        Exec(wh, table("identity_gr_count", "SELECT * FROM " + q.T("identity_gr_count2"))));
  }
  ZCDP_RETURN_IF_ERROR(Exec(wh, {"INSERT INTO " + q.T("identity_guardrail_labels") +
                                 " SELECT node, label FROM " + q.T("identity_gr_label")}));
  ZCDP_RETURN_IF_ERROR(wh.Execute("UPDATE " + q.T("identity_components") +
                                  " SET component = g.component FROM " +
                                  q.T("identity_guardrail_labels") + " g WHERE " +
                                  q.T("identity_components") + ".node = g.node"));
  for (const char* name :
       {"identity_gr_label", "identity_gr_count", "identity_gr_count2", "identity_gr_edges",
        "identity_gr_step", "identity_gr_drop", "identity_gr_merge"}) {
    ZCDP_RETURN_IF_ERROR(wh.Execute("DROP TABLE IF EXISTS " + q.T(name)));
  }
  return QueryInt(wh, "SELECT count(*) FROM " + q.T("identity_dropped"));
}

}  // namespace zcdp
