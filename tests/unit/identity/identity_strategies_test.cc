// The identity step gives the same graph, conflicts and quarantine with the native and the sql
// strategy, on random sources full of chains, shared values and guardrail conflicts.
#include <random>

#include <gtest/gtest.h>

#include "zcdp/identity/identity.h"
#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

constexpr const char* kProject = R"(name: t
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - name: a
    table: s.a
    kind: events
    primary_key: id
    timestamp: ts
    identifiers: {user_id: u, email: e, anonymous_id: c}
  - name: b
    table: s.b
    primary_key: id
    identifiers: {email: e, phone: p}
identity:
  strategy: STRATEGY
  id_types:
    user_id: {priority: 1, max_per_profile: 1}
    email: {priority: 2, normalize: email, max_per_profile: 2}
    phone: {priority: 3, max_per_profile: 2}
    anonymous_id: {priority: 9, max_per_profile: 5, quarantine_threshold: 4}
)";

// Values drawn from small pools, so that records chain into long paths and often break a
// max_per_profile limit; NULLs leave records with one identifier or none.
std::string Pick(std::mt19937_64& rng, const char* prefix, int pool, int null_percent) {
  if (static_cast<int>(rng() % 100) < null_percent) return "NULL";
  return "'" + std::string(prefix) + std::to_string(rng() % pool) + "'";
}

void FillSources(Warehouse& wh, uint64_t seed) {
  std::mt19937_64 rng(seed);
  ASSERT_TRUE(wh.Execute("CREATE SCHEMA s; CREATE TABLE s.a (id INT, ts TIMESTAMP, u VARCHAR, "
                         "e VARCHAR, c VARCHAR); CREATE TABLE s.b (id INT, e VARCHAR, p VARCHAR)")
                  .ok());
  const int n = 20 + static_cast<int>(rng() % 200);
  for (int i = 0; i < n; ++i) {
    const std::string ts =
        "TIMESTAMP '2026-01-01' + INTERVAL " + std::to_string(rng() % 5000) + " MINUTE";
    ASSERT_TRUE(wh.Execute("INSERT INTO s.a VALUES (" + std::to_string(i) + ", " + ts + ", " +
                           Pick(rng, "u", 30, 50) + ", " + Pick(rng, "m", 60, 40) + "||'@x.io', " +
                           Pick(rng, "c", 50, 10) + ")")
                    .ok());
    ASSERT_TRUE(wh.Execute("INSERT INTO s.b VALUES (" + std::to_string(i) + ", " +
                           Pick(rng, "M", 60, 30) + "||'@X.io', " + Pick(rng, "p", 40, 40) + ")")
                    .ok());
  }
}

// The identity tables as sorted text, for comparison.
std::string Dump(Warehouse& wh) {
  std::string out;
  for (const char* sql :
       {"SELECT id_type, id_value, profile_id FROM zcdp.identity_graph ORDER BY ALL",
        "SELECT a_type, a_value, b_type, b_value, rule, profile_id FROM zcdp.identity_conflicts "
        "ORDER BY ALL",
        "SELECT id_type, id_value, reason FROM zcdp.identity_quarantine ORDER BY ALL"}) {
    auto r = wh.Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (!r.ok()) return out;
    for (const auto& row : r->rows) {
      for (const auto& v : row) out += v.ToString() + "|";
      out += "\n";
    }
    out += "--\n";
  }
  return out;
}

std::string RunWith(const std::string& strategy, uint64_t seed, int64_t* conflicts) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  EXPECT_TRUE(wh.ok());
  FillSources(**wh, seed);
  std::string yaml = kProject;
  yaml.replace(yaml.find("STRATEGY"), 8, strategy);
  Diagnostics diags("t.yaml");
  auto project = ParseProject(yaml, "t.yaml", "/tmp", diags);
  EXPECT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto summary = RunPipeline(StandardPipeline(), *project, **wh);
  EXPECT_TRUE(summary.ok() && summary->status == RunStatus::kSucceeded)
      << (summary.ok() ? summary->steps.back().error : summary.status().message());
  auto n = (*wh)->Query("SELECT count(*) FROM zcdp.identity_conflicts");
  *conflicts += n.ok() ? std::get<int64_t>(n->rows[0][0].storage()) : 0;
  return Dump(**wh);
}

TEST(IdentityStrategies, NativeAndSqlAgreeOnRandomSources) {
  int64_t native_conflicts = 0, sql_conflicts = 0;
  for (uint64_t seed = 1; seed <= 25; ++seed) {
    const std::string native = RunWith("native", seed, &native_conflicts);
    const std::string sql = RunWith("sql", seed, &sql_conflicts);
    ASSERT_EQ(native, sql) << "seed " << seed;
  }
  // The data must actually exercise the guardrails for the comparison to mean something.
  EXPECT_GT(native_conflicts, 25);
  EXPECT_EQ(native_conflicts, sql_conflicts);
}

}  // namespace
}  // namespace zcdp
