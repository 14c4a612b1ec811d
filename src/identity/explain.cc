#include "zcdp/identity/explain.h"

#include <deque>
#include <map>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/id_types.h"

namespace zcdp {
namespace {

std::string T(const Project& p, const Dialect& d, std::string_view name) {
  return d.QualifiedName(p.warehouse.output_schema, name);
}

// A count column of the edges query (an integer by construction; 0 if ever not).
int64_t IntOf(const Value& v) {
  const auto* n = std::get_if<int64_t>(&v.storage());
  return n != nullptr ? *n : 0;
}

const IdTypeSpec* FindSpec(const std::vector<IdTypeSpec>& specs, const std::string& name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Status NeedsRun(const Status& s) {
  if (s.message().find("does not exist") == std::string::npos) return s;
  return Status::NotFound("no identity graph yet: run `zcdp run` first (" + s.message() + ")");
}

Result<std::optional<std::string>> ProfileOf(const Project& p, Warehouse& wh,
                                             const IdentifierRef& id) {
  const Dialect& d = wh.dialect();
  auto r = wh.Query("SELECT profile_id FROM " + T(p, d, "identity_graph") + " WHERE id_type = " +
                        d.Placeholder(1) + " AND id_value = " + d.Placeholder(2),
                    {Value::Text(id.id_type), Value::Text(id.value)});
  if (!r.ok()) return NeedsRun(r.status());
  if (r->rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r->rows[0][0].ToString());
}

// Every edge of one profile that survived the guardrails, with both ends and provenance.
Result<QueryResult> ProfileEdges(const Project& p, Warehouse& wh, const std::string& profile) {
  const Dialect& d = wh.dialect();
  return wh.Query(
      "SELECT na.id_type, na.id_value, nb.id_type, nb.id_value, e.source, e.row_key, "
      "e.first_seen, e.last_seen, e.records FROM " +
          T(p, d, "identity_edges") + " e JOIN " + T(p, d, "identity_nodes") +
          " na ON na.node = e.a JOIN " + T(p, d, "identity_nodes") + " nb ON nb.node = e.b JOIN " +
          T(p, d, "identity_graph") +
          " g ON g.id_type = na.id_type AND g.id_value = na.id_value WHERE g.profile_id = " +
          d.Placeholder(1) + " AND NOT EXISTS (SELECT 1 FROM " + T(p, d, "identity_dropped") +
          " x WHERE x.a = e.a AND x.b = e.b) ORDER BY e.source, e.row_key",
      {Value::Text(profile)});
}

// Breadth-first search over the profile's edges: the shortest chain from a to b.
std::vector<ExplainLink> ShortestChain(const QueryResult& edges, const IdentifierRef& a,
                                       const IdentifierRef& b) {
  using Key = std::pair<std::string, std::string>;
  std::map<Key, std::vector<std::pair<Key, size_t>>> adj;
  for (size_t i = 0; i < edges.rows.size(); ++i) {
    const auto& r = edges.rows[i];
    const Key x{r[0].ToString(), r[1].ToString()}, y{r[2].ToString(), r[3].ToString()};
    adj[x].push_back({y, i});
    adj[y].push_back({x, i});
  }
  const Key start{a.id_type, a.value}, goal{b.id_type, b.value};
  std::map<Key, std::pair<Key, size_t>> came_from;
  std::deque<Key> queue{start};
  came_from[start] = {start, SIZE_MAX};
  while (!queue.empty() && came_from.count(goal) == 0) {
    const Key cur = queue.front();
    queue.pop_front();
    for (const auto& [next, edge] : adj[cur]) {
      if (came_from.emplace(next, std::make_pair(cur, edge)).second) queue.push_back(next);
    }
  }
  std::vector<ExplainLink> chain;
  for (Key k = goal; came_from.count(k) != 0 && k != start; k = came_from[k].first) {
    const auto& [prev, edge] = came_from[k];
    const auto& r = edges.rows[edge];
    chain.insert(chain.begin(), {prev.first, prev.second, k.first, k.second, r[4].ToString(),
                                 r[5].ToString(), r[6].ToString(), r[7].ToString(), IntOf(r[8])});
  }
  return chain;
}

Status AddConflictReasons(const Project& p, Warehouse& wh, const std::string& pa,
                          const std::string& pb, std::vector<std::string>& out) {
  const Dialect& d = wh.dialect();
  const std::string g = T(p, d, "identity_graph");
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      wh.Query("SELECT DISTINCT c.rule, c.a_type, c.a_value, c.b_type, c.b_value FROM " +
                   T(p, d, "identity_conflicts") + " c JOIN " + g +
                   " ga ON ga.id_type = c.a_type AND ga.id_value = c.a_value JOIN " + g +
                   " gb ON gb.id_type = c.b_type AND gb.id_value = c.b_value WHERE c.run_id = "
                   "(SELECT max(run_id) FROM " +
                   T(p, d, "identity_conflicts") + ") AND ((ga.profile_id = " + d.Placeholder(1) +
                   " AND gb.profile_id = " + d.Placeholder(2) + ") OR (ga.profile_id = " +
                   d.Placeholder(2) + " AND gb.profile_id = " + d.Placeholder(1) + "))",
               {Value::Text(pa), Value::Text(pb)}));
  for (const auto& row : r.rows) {
    out.push_back("guardrail " + row[0].ToString() + " dropped the link " + row[1].ToString() +
                  ":" + row[2].ToString() + " -- " + row[3].ToString() + ":" + row[4].ToString());
  }
  return Status::Ok();
}

// "linked to 5 distinct phone values (more than 3)", from a quarantine row of reason
// 'shared' (linked_values, linked_type) and the id types' limits.
std::string HubDetail(const std::vector<IdTypeSpec>& specs, const std::string& id_type,
                      const Value& linked_values, const Value& linked_type) {
  std::string out = "linked to " + std::to_string(IntOf(linked_values)) + " distinct " +
                    linked_type.ToString() + " values";
  const IdTypeSpec* hub = FindSpec(specs, id_type);
  const IdTypeSpec* other = FindSpec(specs, linked_type.ToString());
  if (hub != nullptr && other != nullptr) {
    out += " (more than " + std::to_string(HubLimit(*hub, *other)) + ")";
  }
  return out;
}

Status AddQuarantineReasons(const Project& p, Warehouse& wh, const std::string& pa,
                            const std::string& pb, std::vector<std::string>& out) {
  const Dialect& d = wh.dialect();
  ZCDP_ASSIGN_OR_RETURN(std::vector<IdTypeSpec> specs, IdTypeSpecs(p));
  const std::string recs = "SELECT r.source, r.row_key, g.profile_id FROM " +
                           T(p, d, "identity_record_ids") + " r JOIN " + T(p, d, "identity_graph") +
                           " g ON g.id_type = r.id_type AND g.id_value = r.value";
  const std::string qvals =
      "SELECT o.source, o.row_key, q.id_type, q.id_value, q.reason, q.linked_values, "
      "q.linked_type FROM " +
      T(p, d, "identity_observations") + " o JOIN " + T(p, d, "identity_values") +
      " v ON v.id_type = o.id_type AND v.raw_value = o.raw_value JOIN " +
      T(p, d, "identity_quarantine") +
      " q ON q.id_type = v.id_type AND q.id_value = coalesce(v.value, lower(trim(v.raw_value)))";
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      wh.Query("WITH recs AS (" + recs + "), qv AS (" + qvals +
                   ") SELECT DISTINCT qa.id_type, qa.id_value, qa.reason, qa.linked_values, "
                   "qa.linked_type FROM qv qa JOIN recs ra ON ra.source = qa.source AND "
                   "ra.row_key = qa.row_key AND ra.profile_id = " +
                   d.Placeholder(1) +
                   " JOIN qv qb ON qb.id_type = qa.id_type AND qb.id_value = qa.id_value JOIN "
                   "recs rb ON rb.source = qb.source AND rb.row_key = qb.row_key AND "
                   "rb.profile_id = " +
                   d.Placeholder(2) + " ORDER BY qa.id_type, qa.id_value",
               {Value::Text(pa), Value::Text(pb)}));
  for (const auto& row : r.rows) {
    std::string reason = "quarantined value " + row[0].ToString() + ":" + row[1].ToString() + " (" +
                         row[2].ToString() + ") appears with both and links nothing";
    if (!row[4].is_null())
      reason += ": a hub " + HubDetail(specs, row[0].ToString(), row[3], row[4]);
    out.push_back(std::move(reason));
  }
  return Status::Ok();
}

// Why `id` is in no profile, when identity_quarantine holds it (a hub: the quarantine names
// the type it links too many values of). Adds nothing otherwise.
Status AddUnlinkedReason(const Project& p, Warehouse& wh, const IdentifierRef& id,
                         std::vector<std::string>& out) {
  const Dialect& d = wh.dialect();
  ZCDP_ASSIGN_OR_RETURN(std::vector<IdTypeSpec> specs, IdTypeSpecs(p));
  auto r = wh.Query("SELECT reason, records, linked_values, linked_type FROM " +
                        T(p, d, "identity_quarantine") + " WHERE id_type = " + d.Placeholder(1) +
                        " AND id_value = " + d.Placeholder(2),
                    {Value::Text(id.id_type), Value::Text(id.value)});
  if (!r.ok()) return NeedsRun(r.status());
  const std::string name = id.id_type + ":" + id.value;
  for (const auto& row : r->rows) {
    if (row[3].is_null()) {
      out.push_back(name + " is quarantined (" + row[0].ToString() + ", " +
                    std::to_string(IntOf(row[1])) + " records), so it links nothing");
      continue;
    }
    out.push_back(name + " is quarantined as a hub: it is " +
                  HubDetail(specs, id.id_type, row[2], row[3]) + ", so it links nothing");
  }
  return Status::Ok();
}

}  // namespace

Result<IdentifierRef> ResolveIdentifier(const Project& project, const std::string& arg) {
  const size_t colon = arg.find(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::Invalid("'" + arg + "': expected TYPE:VALUE, e.g. email:jane@example.com");
  }
  IdentifierRef ref{arg.substr(0, colon), arg.substr(colon + 1)};
  ZCDP_ASSIGN_OR_RETURN(std::vector<IdTypeSpec> specs, IdTypeSpecs(project));
  for (const auto& s : specs) {
    if (s.name != ref.id_type) continue;
    ZCDP_ASSIGN_OR_RETURN(
        IdentifierNormalizer norm,
        IdentifierNormalizer::Create(
            s.rule, s.region,
            s.validity.empty() ? std::nullopt : std::optional<std::string>(s.validity),
            BlocklistPatterns(project)));
    const auto result = norm.Normalize(ref.value);
    if (const auto* reason = std::get_if<SkipReason>(&result)) {
      return Status::Invalid("'" + arg + "' is " + std::string(SkipReasonName(*reason)) +
                             " for id type " + s.name + ", so it links nothing");
    }
    ref.value = std::get<std::string>(result);
    return ref;
  }
  std::string known;
  for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
  return Status::Invalid("unknown id type '" + ref.id_type + "'; the project declares: " + known);
}

Result<std::optional<ProfileView>> LookupProfile(const Project& project, Warehouse& wh,
                                                 const IdentifierRef& id) {
  ZCDP_ASSIGN_OR_RETURN(std::optional<std::string> profile, ProfileOf(project, wh, id));
  if (!profile) return std::optional<ProfileView>();
  const Dialect& d = wh.dialect();
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      wh.Query("SELECT id_type, id_value, first_seen, last_seen, source_count FROM " +
                   T(project, d, "identity_graph") + " WHERE profile_id = " + d.Placeholder(1) +
                   " ORDER BY id_type, id_value",
               {Value::Text(*profile)}));
  ProfileView view{*profile, {}};
  for (const auto& row : r.rows) {
    ZCDP_ASSIGN_OR_RETURN(int64_t sources, row[4].AsInt("identity_graph.source_count"));
    view.identifiers.push_back(
        {row[0].ToString(), row[1].ToString(), row[2].ToString(), row[3].ToString(), sources});
  }
  return std::optional<ProfileView>(std::move(view));
}

Result<Explanation> Explain(const Project& project, Warehouse& wh, const IdentifierRef& a,
                            const IdentifierRef& b) {
  Explanation out;
  ZCDP_ASSIGN_OR_RETURN(out.profile_a, ProfileOf(project, wh, a));
  ZCDP_ASSIGN_OR_RETURN(out.profile_b, ProfileOf(project, wh, b));
  if (!out.profile_a) ZCDP_RETURN_IF_ERROR(AddUnlinkedReason(project, wh, a, out.reasons));
  if (!out.profile_b) ZCDP_RETURN_IF_ERROR(AddUnlinkedReason(project, wh, b, out.reasons));
  if (!out.profile_a || !out.profile_b) return out;
  if (*out.profile_a == *out.profile_b) {
    out.joined = true;
    ZCDP_ASSIGN_OR_RETURN(QueryResult edges, ProfileEdges(project, wh, *out.profile_a));
    out.chain = ShortestChain(edges, a, b);
    return out;
  }
  ZCDP_RETURN_IF_ERROR(
      AddConflictReasons(project, wh, *out.profile_a, *out.profile_b, out.reasons));
  ZCDP_RETURN_IF_ERROR(
      AddQuarantineReasons(project, wh, *out.profile_a, *out.profile_b, out.reasons));
  return out;
}

}  // namespace zcdp
