#include "identity_quality/quality.h"

#include <filesystem>
#include <memory>
#include <variant>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp::bench {
namespace {

namespace fs = std::filesystem;

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

int64_t AsInt(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v.storage())) return *i;
  if (const auto* d = std::get_if<double>(&v.storage())) return static_cast<int64_t>(*d);
  if (const auto* b = std::get_if<bool>(&v.storage())) return *b ? 1 : 0;
  return 0;
}

// Replaces every {wh} in `sql` by the attached output schema.
std::string Sql(std::string sql, const std::string& schema) {
  const std::string target = "wh." + schema;
  for (size_t at; (at = sql.find("{wh}")) != std::string::npos;) sql.replace(at, 4, target);
  return sql;
}

// q_truth, q_shared (the CSV files), q_norm (raw -> normalised value per id type), q_nodes
// (one row per normalised truth identifier) and q_labelled (each node with its cluster: its
// profile, or itself when it has none).
std::string PrepareSql(const std::string& dir) {
  const std::string truth = Quote(dir + "/truth/persons.csv");
  const std::string shared = Quote(dir + "/truth/shared.csv");
  return R"(
CREATE TEMP TABLE q_truth AS SELECT * FROM read_csv()" +
         truth + R"(, header = true,
  delim = ',', quote = '"', escape = '"',
  columns = {'id_type': 'VARCHAR', 'id_value': 'VARCHAR', 'person_id': 'BIGINT'});
CREATE TEMP TABLE q_shared AS SELECT * FROM read_csv()" +
         shared + R"(, header = true,
  delim = ',', quote = '"', escape = '"',
  columns = {'id_type': 'VARCHAR', 'id_value': 'VARCHAR', 'reason': 'VARCHAR',
             'person_count': 'BIGINT'});
CREATE TEMP TABLE q_norm AS
  SELECT id_type, raw_value, min(value) AS value, min(skip_reason) AS skip_reason
  FROM {wh}.identity_values GROUP BY id_type, raw_value;
CREATE TEMP TABLE q_nodes AS
  SELECT t.id_type, coalesce('n:' || n.value, 'r:' || t.id_value) AS node_key,
         n.value, min(n.skip_reason) AS skip_reason, min(t.person_id) AS person,
         count(DISTINCT t.person_id) AS persons
  FROM q_truth t LEFT JOIN q_norm n ON n.id_type = t.id_type AND n.raw_value = t.id_value
  GROUP BY t.id_type, node_key, n.value;
CREATE TEMP TABLE q_labelled AS
  SELECT n.*, g.profile_id IS NOT NULL AS in_graph,
         coalesce('p:' || CAST(g.profile_id AS VARCHAR),
                  's:' || n.id_type || ':' || n.node_key) AS cluster
  FROM q_nodes n LEFT JOIN {wh}.identity_graph g
    ON g.id_type = n.id_type AND g.id_value = n.value;
)";
}

constexpr const char* kPairsSql = R"(
WITH cells AS (SELECT cluster, person, count(*) AS n FROM q_labelled GROUP BY ALL),
     clusters AS (SELECT cluster, sum(n) AS n FROM cells GROUP BY cluster),
     persons AS (SELECT person, sum(n) AS n FROM cells GROUP BY person)
SELECT CAST((SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM persons) AS BIGINT),
       CAST((SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM clusters) AS BIGINT),
       CAST((SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM cells) AS BIGINT),
       (SELECT count(*) FROM persons),
       (SELECT count(*) FROM q_truth),
       (SELECT count(*) FROM q_labelled),
       (SELECT count(*) FROM q_labelled WHERE NOT in_graph),
       (SELECT count(DISTINCT cluster) FROM q_labelled WHERE in_graph),
       (SELECT count(*) FROM (SELECT cluster FROM q_labelled WHERE in_graph GROUP BY cluster
                              HAVING count(DISTINCT person) > 1)),
       (SELECT count(*) FROM (SELECT person FROM q_labelled GROUP BY person
                              HAVING count(DISTINCT cluster) > 1)),
       (SELECT count(*) FROM q_labelled WHERE persons > 1)
)";

// Pairs of one person in two different clusters, by the pair of their id types.
constexpr const char* kLostPairsSql = R"(
WITH cells AS (SELECT person, cluster, id_type, count(*) AS n FROM q_labelled GROUP BY ALL)
SELECT least(a.id_type, b.id_type) || '-' || greatest(a.id_type, b.id_type) AS types,
       CAST(sum(a.n * b.n) AS BIGINT) AS pairs
FROM cells a JOIN cells b ON a.person = b.person AND a.cluster < b.cluster
GROUP BY types ORDER BY pairs DESC, types
)";

constexpr const char* kUnresolvedSql = R"(
SELECT CASE WHEN l.skip_reason IS NOT NULL THEN 'skipped:' || l.skip_reason
            WHEN l.value IS NULL THEN 'not_observed'
            WHEN EXISTS (SELECT 1 FROM {wh}.identity_quarantine q
                         WHERE q.id_type = l.id_type AND q.id_value = l.value) THEN 'quarantined'
            ELSE 'not_in_graph' END AS reason, count(*)
FROM q_labelled l WHERE NOT l.in_graph GROUP BY reason ORDER BY reason
)";

constexpr const char* kSharedSql = R"(
SELECT s.id_type, s.id_value, s.reason, s.person_count,
       CASE WHEN n.skip_reason = 'blocklisted' THEN 'blocklisted'
            WHEN n.skip_reason IS NOT NULL THEN 'skipped:' || n.skip_reason
            WHEN g.profile_id IS NOT NULL THEN 'in_graph'
            WHEN EXISTS (SELECT 1 FROM {wh}.identity_quarantine q
                         WHERE q.id_type = s.id_type AND q.id_value = n.value) THEN 'quarantined'
            ELSE 'absent' END AS status,
       (SELECT count(DISTINCT l.person) FROM q_labelled l
        WHERE l.cluster = 'p:' || CAST(g.profile_id AS VARCHAR)) AS persons_in_profile
FROM q_shared s
LEFT JOIN q_norm n ON n.id_type = s.id_type AND n.raw_value = s.id_value
LEFT JOIN {wh}.identity_graph g ON g.id_type = s.id_type AND g.id_value = n.value
ORDER BY s.id_type, s.id_value
)";

Status CheckFiles(const std::string& dir) {
  for (const char* f : {"warehouse.duckdb", "truth/persons.csv", "truth/shared.csv"}) {
    if (!fs::exists(fs::path(dir) / f)) {
      return Status::NotFound("no " + std::string(f) + " in '" + dir + "'");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Warehouse>> Attach(const std::string& dir) {
  WarehouseOptions o;
  o.path = ":memory:";
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> db, OpenWarehouse(o));
  ZCDP_RETURN_IF_ERROR(
      db->Execute("ATTACH " + Quote(dir + "/warehouse.duckdb") + " AS wh (READ_ONLY)"));
  return db;
}

void FillPairs(const std::vector<Value>& row, QualityReport& r) {
  r.true_pairs = AsInt(row[0]);
  r.predicted_pairs = AsInt(row[1]);
  r.true_positive_pairs = AsInt(row[2]);
  r.persons = AsInt(row[3]);
  r.truth_identifiers = AsInt(row[4]);
  r.identifier_nodes = AsInt(row[5]);
  r.unresolved_nodes = AsInt(row[6]);
  r.profiles = AsInt(row[7]);
  r.over_merged_profiles = AsInt(row[8]);
  r.split_persons = AsInt(row[9]);
  r.ambiguous_nodes = AsInt(row[10]);
  if (r.predicted_pairs > 0) r.precision = double(r.true_positive_pairs) / r.predicted_pairs;
  if (r.true_pairs > 0) r.recall = double(r.true_positive_pairs) / r.true_pairs;
  const double sum = r.precision + r.recall;
  r.f1 = sum > 0 ? 2 * r.precision * r.recall / sum : 0;
}

Result<std::vector<std::pair<std::string, int64_t>>> Counts(Warehouse& db, const std::string& sql) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult res, db.Query(sql));
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& row : res.rows) out.emplace_back(row[0].ToString(), AsInt(row[1]));
  return out;
}

Status FillShared(Warehouse& db, const std::string& schema, QualityReport& r) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult res, db.Query(Sql(kSharedSql, schema)));
  for (const auto& row : res.rows) {
    SharedValueCheck c;
    c.id_type = row[0].ToString();
    c.value = row[1].ToString();
    c.reason = row[2].ToString();
    c.person_count = AsInt(row[3]);
    c.status = row[4].ToString();
    c.persons_in_profile = AsInt(row[5]);
    c.links_persons = c.status == "in_graph" && c.persons_in_profile > 1;
    r.shared_values_link_persons = r.shared_values_link_persons || c.links_persons;
    r.shared.push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace

Result<QualityReport> ScoreIdentity(const std::string& project_dir, const std::string& schema) {
  ZCDP_RETURN_IF_ERROR(CheckFiles(project_dir));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> db, Attach(project_dir));
  ZCDP_RETURN_IF_ERROR(db->Execute(Sql(PrepareSql(project_dir), schema)));
  QualityReport r;
  ZCDP_ASSIGN_OR_RETURN(QueryResult pairs, db->Query(kPairsSql));
  FillPairs(pairs.rows.at(0), r);
  ZCDP_ASSIGN_OR_RETURN(r.lost_pairs_by_type, Counts(*db, kLostPairsSql));
  ZCDP_ASSIGN_OR_RETURN(r.unresolved_by_reason, Counts(*db, Sql(kUnresolvedSql, schema)));
  ZCDP_RETURN_IF_ERROR(FillShared(*db, schema, r));
  return r;
}

Result<std::string> DuckDbVersion() {
  WarehouseOptions o;
  o.path = ":memory:";
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> db, OpenWarehouse(o));
  ZCDP_ASSIGN_OR_RETURN(QueryResult res, db->Query("SELECT library_version FROM pragma_version()"));
  return res.rows.at(0).at(0).ToString();
}

}  // namespace zcdp::bench
