#include "identity/scope.h"

#include "identity/exec.h"
#include "identity/stable_ids.h"

namespace zcdp {
namespace {

// Rounds of the closure before the scope gives up (each round crosses one dropped
// guardrail edge; chains of them are rare and short).
constexpr int kMaxRounds = 50;

}  // namespace

std::string IdentityScope::S(const std::string& name) const {
  return q_.dialect().ScratchTable(q_.schema(), name);
}

std::string IdentityScope::Touched(const std::string& alias) const {
  return "EXISTS (SELECT 1 FROM " + S("identity_scope_touched") + " t WHERE t.id_type = " + alias +
         ".id_type AND t.raw_value = " + alias + ".raw_value)";
}

std::string IdentityScope::Changed(const std::string& alias) const {
  return "EXISTS (SELECT 1 FROM " + S("identity_scope_changed") + " c WHERE c.source = " + alias +
         ".source AND c.row_key = " + alias + ".row_key)";
}

std::string IdentityScope::InRecords(const std::string& alias) const {
  return "EXISTS (SELECT 1 FROM " + S("identity_scope_records") + " s WHERE s.rec = " + alias +
         ".rec AND s.source = " + alias + ".source AND s.row_key = " + alias + ".row_key)";
}

std::string IdentityScope::InScope(const std::string& column) const {
  return column + " IN (SELECT node FROM " + S("identity_scope_nodes") + ")";
}

std::string IdentityScope::Live(const std::string& column) const {
  return column + " NOT IN (SELECT node FROM " + q_.T("identity_quarantine") +
         " WHERE node IS NOT NULL)";
}

std::vector<std::string> IdentityScope::Create() const {
  const Dialect& d = q_.dialect();
  const std::string text = d.Cast("NULL", SqlType::kText);
  std::vector<std::string> out =
      d.CreateScratchTableAs(q_.schema(), "identity_scope_changed",
                             "SELECT " + text + " AS source, " + text + " AS row_key WHERE 1 = 0");
  for (auto& s : d.CreateScratchTableAs(
           q_.schema(), "identity_scope_touched",
           "SELECT " + text + " AS id_type, " + text + " AS raw_value WHERE 1 = 0")) {
    out.push_back(std::move(s));
  }
  return out;
}

std::string IdentityScope::AddChangedRows(const SourceConfig& source) const {
  return "INSERT INTO " + S("identity_scope_changed") + " SELECT " +
         q_.dialect().QuoteString(source.name.value) + ", row_key FROM " +
         S("identity_row_changes");
}

std::string IdentityScope::AddTouchedValues(const SourceConfig& source) const {
  return "INSERT INTO " + S("identity_scope_touched") +
         " SELECT DISTINCT o.id_type, o.raw_value FROM " + q_.T("identity_observations") +
         " o WHERE o.source = " + q_.dialect().QuoteString(source.name.value) +
         " AND o.row_key IN (SELECT row_key FROM " + S("identity_row_changes") + ")";
}

// Values, record ids and quarantine: only the touched values and changed rows change, and
// only V0 nodes can change hub status.
Status IdentityScope::UpdateInputs(Warehouse& wh) const {
  const Dialect& d = q_.dialect();
  const std::string& schema = q_.schema();
  const std::string values = q_.T("identity_values");
  const std::string v0 = S("identity_scope_v0");
  const std::string new_nodes =
      "SELECT DISTINCT v.node FROM " + values + " v WHERE v.node IS NOT NULL AND " + Touched("v");
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, d.CreateScratchTableAs(schema, "identity_scope_v0", new_nodes)));
  ZCDP_RETURN_IF_ERROR(ExecAll(
      wh, {"DELETE FROM " + values + " WHERE " + Touched(values),
           "INSERT INTO " + values + " " + q_.ValuesSelect(Touched("x")),
           "INSERT INTO " + v0 + " SELECT node FROM (" + new_nodes +
               ") n WHERE node NOT IN (SELECT node FROM " + v0 + ")",
           "DELETE FROM " + q_.T("identity_record_ids") + " WHERE " +
               Changed(q_.T("identity_record_ids")),
           "INSERT INTO " + q_.T("identity_record_ids") + " " + q_.RecordIdsSelect(Changed("o"))}));
  const std::string quarantine = q_.T("identity_quarantine");
  const std::string in_v0 = " IN (SELECT node FROM " + v0 + ")";
  ZCDP_RETURN_IF_ERROR(ExecAll(
      wh, d.CreateScratchTableAs(
              schema, "identity_scope_hubs_before",
              "SELECT node FROM " + quarantine + " WHERE reason = 'shared' AND node" + in_v0)));
  const std::string before = S("identity_scope_hubs_before");
  ZCDP_RETURN_IF_ERROR(ExecAll(
      wh,
      {"DELETE FROM " + quarantine + " WHERE reason = 'blocklisted' OR node" + in_v0,
       "INSERT INTO " + quarantine + " SELECT * FROM (" + q_.QuarantineShared("a.node" + in_v0) +
           "\nUNION ALL\n" + q_.QuarantineBlocked() + ") z"}));
  // Nodes whose hub status flipped: every row holding one is in the scope.
  return ExecAll(wh,
                 d.CreateScratchTableAs(schema, "identity_scope_flipped",
                                        "SELECT node FROM " + before + " WHERE " + Live("node") +
                                            " UNION SELECT node FROM " + quarantine +
                                            " WHERE reason = 'shared' AND node" + in_v0 +
                                            " AND node NOT IN (SELECT node FROM " + before + ")"));
}

// Grows the scope's records and nodes until they are closed: every row holding a scope node
// is a scope record, and every node of an old component with a scope node is a scope node.
Result<bool> IdentityScope::Close(Warehouse& wh, int64_t& scope_records) const {
  const Dialect& d = q_.dialect();
  const std::string& schema = q_.schema();
  const std::string ids = q_.T("identity_record_ids");
  const std::string changed = "SELECT " + d.HashToBigint("c.source || '|' || c.row_key") +
                              " AS rec, c.source, c.row_key FROM " + S("identity_scope_changed") +
                              " c";
  ZCDP_RETURN_IF_ERROR(ExecAll(
      wh, d.CreateScratchTableAs(schema, "identity_scope_records",
                                 changed + " UNION SELECT r.rec, r.source, r.row_key FROM " + ids +
                                     " r WHERE r.node IN (SELECT node FROM " +
                                     S("identity_scope_flipped") + ")")));
  ZCDP_ASSIGN_OR_RETURN(scope_records,
                        QueryInt(wh, "SELECT count(*) FROM " + S("identity_scope_records")));
  const std::string components = q_.T("identity_components");
  for (int round = 0; round < kMaxRounds; ++round) {
    ZCDP_RETURN_IF_ERROR(ExecAll(
        wh,
        d.CreateScratchTableAs(schema, "identity_scope_seeds",
                               "SELECT node FROM " + S("identity_scope_v0") + " WHERE " +
                                   Live("node") + " UNION SELECT node FROM " +
                                   S("identity_scope_flipped") + " UNION SELECT r.node FROM " +
                                   ids + " r WHERE " + InRecords("r") + " AND " + Live("r.node"))));
    const std::string seeds = S("identity_scope_seeds");
    ZCDP_RETURN_IF_ERROR(ExecAll(
        wh, d.CreateScratchTableAs(schema, "identity_scope_nodes",
                                   "SELECT node FROM " + seeds + " UNION SELECT c2.node FROM " +
                                       components + " c1 JOIN " + components +
                                       " c2 ON c2.component = c1.component WHERE c1.node IN "
                                       "(SELECT node FROM " +
                                       seeds + ")")));
    ZCDP_RETURN_IF_ERROR(ExecAll(
        wh,
        d.CreateScratchTableAs(schema, "identity_scope_records2",
                               "SELECT rec, source, row_key FROM " + S("identity_scope_records") +
                                   " UNION SELECT r.rec, r.source, r.row_key FROM " + ids +
                                   " r WHERE " + InScope("r.node"))));
    ZCDP_ASSIGN_OR_RETURN(int64_t grown,
                          QueryInt(wh, "SELECT count(*) FROM " + S("identity_scope_records2")));
    ZCDP_RETURN_IF_ERROR(
        ExecAll(wh, d.CreateScratchTableAs(schema, "identity_scope_records",
                                           "SELECT * FROM " + S("identity_scope_records2"))));
    if (grown == scope_records) return true;
    scope_records = grown;
  }
  return false;
}

Result<bool> IdentityScope::Update(Warehouse& wh, int64_t& scope_records,
                                   int64_t& scope_nodes) const {
  ZCDP_RETURN_IF_ERROR(UpdateInputs(wh));
  ZCDP_ASSIGN_OR_RETURN(bool closed, Close(wh, scope_records));
  if (!closed) return false;
  ZCDP_ASSIGN_OR_RETURN(scope_nodes,
                        QueryInt(wh, "SELECT count(*) FROM " + S("identity_scope_nodes")));
  const std::string nodes = q_.T("identity_nodes");
  const std::string centers = q_.T("identity_record_centers");
  const std::string edges = q_.T("identity_edges");
  ZCDP_RETURN_IF_ERROR(
      ExecAll(wh, {"DELETE FROM " + nodes + " WHERE " + InScope("node"),
                   "INSERT INTO " + nodes + " " + q_.NodesSelect(InScope("r.node")),
                   "DELETE FROM " + centers + " WHERE " + InRecords(centers),
                   "INSERT INTO " + centers + " " + q_.RecordCentersSelect(InRecords("r")),
                   "DELETE FROM " + edges + " WHERE " + InScope("a") + " OR " + InScope("b"),
                   "INSERT INTO " + edges + " " + q_.EdgesSelect(InRecords("r"), InRecords("c"))}));
  return true;
}

std::vector<std::string> IdentityScope::PrepareComponents() const {
  const Dialect& d = q_.dialect();
  std::vector<std::string> out = d.CreateOrReplaceTableAs(
      q_.schema(), "identity_scope_live",
      "SELECT node FROM " + q_.T("identity_nodes") + " WHERE " + InScope("node"));
  for (auto& s : d.CreateOrReplaceTableAs(
           q_.schema(), "identity_scope_edges",
           "SELECT a, b FROM " + q_.T("identity_edges") + " WHERE " + InScope("a"))) {
    out.push_back(std::move(s));
  }
  return out;
}

ComponentsTables IdentityScope::Components() const {
  return {q_.schema(), "identity_scope_live", "identity_scope_edges", "identity_scope_components"};
}

std::vector<std::string> IdentityScope::MergeComponents() const {
  const std::string components = q_.T("identity_components");
  return {"DELETE FROM " + components + " WHERE " + InScope("node"),
          "INSERT INTO " + components + " SELECT node, component FROM " +
              q_.T("identity_scope_components")};
}

std::string IdentityScope::DeleteDroppedInScope() const {
  return "DELETE FROM " + q_.T("identity_dropped") + " WHERE " + InScope("a") + " OR " +
         InScope("b");
}

std::vector<std::string> IdentityScope::UpdateRecordProfiles() const {
  const std::string profiles = q_.T("identity_record_profiles");
  return {"DELETE FROM " + profiles + " WHERE EXISTS (SELECT 1 FROM " +
              S("identity_scope_records") + " s WHERE s.source = " + profiles +
              ".source AND s.row_key = " + profiles + ".row_key)",
          "INSERT INTO " + profiles + " " + StableIdSql::RecordProfilesSelect(q_, InRecords("r"))};
}

std::vector<std::string> IdentityScope::Drop() const {
  std::vector<std::string> out;
  for (const char* name :
       {"identity_scope_changed", "identity_scope_touched", "identity_scope_v0",
        "identity_scope_hubs_before", "identity_scope_flipped", "identity_scope_records",
        "identity_scope_records2", "identity_scope_seeds", "identity_scope_nodes"}) {
    out.push_back("DROP TABLE IF EXISTS " + S(name));
  }
  for (const char* name :
       {"identity_scope_live", "identity_scope_edges", "identity_scope_components"}) {
    out.push_back("DROP TABLE IF EXISTS " + q_.T(name));
  }
  return out;
}

}  // namespace zcdp
