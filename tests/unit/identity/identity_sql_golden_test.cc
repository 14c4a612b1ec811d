// The identity step's SQL, rendered for a fixed project and compared with golden files.
#include <gtest/gtest.h>

#include "identity/identity_sql.h"
#include "identity/stable_ids.h"
#include "support/golden.h"

namespace zcdp {
namespace {

constexpr const char* kProject = R"(name: golden
warehouse: {type: duckdb, path: ':memory:', output_schema: out}
sources:
  - name: web
    table: web.events
    kind: events
    primary_key: event_id
    timestamp: event_time
    identifiers: {anonymous_id: anonymous_id, user_id: user_id}
  - name: customers
    table: crm.customers
    identifiers: {email: email, phone: phone}
identity:
  id_types:
    user_id: {priority: 1, max_per_profile: 1}
    email: {priority: 3, normalize: email, max_per_profile: 3}
    phone: {priority: 4, normalize: phone_e164, default_region: FR}
    anonymous_id: {priority: 9, regex: '^[a-z0-9-]+$', quarantine_threshold: 5}
  blocklist: ['^(test|noreply)@', "o'brien"]
)";

TEST(IdentitySqlGolden, EveryDialectMatchesItsGoldenFile) {
  Diagnostics diags("golden.yaml");
  auto project = ParseProject(kProject, "golden.yaml", "/golden", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto types = IdTypeSpecs(*project);
  ASSERT_TRUE(types.ok());
  for (const auto& name : DialectNames()) {
    auto d = MakeDialect(name);
    ASSERT_TRUE(d.ok());
    const IdentitySql q(*project, **d, *types, BlocklistPatterns(*project));
    std::vector<std::pair<std::string, std::string>> parts;
    for (const auto& s : q.CreateIncrementalTables()) parts.emplace_back("incremental tables", s);
    for (const auto& s : q.ReloadSource(project->sources[1])) parts.emplace_back("reload", s);
    for (const auto& s : q.RowChanges(project->sources[0])) parts.emplace_back("row changes", s);
    parts.emplace_back("count row changes", q.CountRowChanges());
    for (const auto& s : q.ApplyRowChanges(project->sources[0]))
      parts.emplace_back("apply row changes", s);
    parts.emplace_back("drop row changes", q.DropRowChanges());
    parts.emplace_back("phones to normalize", q.PhonesToNormalize((*types)[2]));
    parts.emplace_back("values", q.Values());
    parts.emplace_back("record ids", q.RecordIds());
    parts.emplace_back("quarantine", q.Quarantine());
    parts.emplace_back("nodes", q.Nodes());
    parts.emplace_back("record centers", q.RecordCenters());
    parts.emplace_back("edges", q.Edges());
    parts.emplace_back("rejection counts", q.RejectionCounts());
    parts.emplace_back("violating components", q.ViolatingComponents());
    parts.emplace_back("violating edges", q.ViolatingEdges());
    parts.emplace_back("assignment", StableIdSql::Assignment(q));
    parts.emplace_back("merges", StableIdSql::Merges(q, 7));
    parts.emplace_back("graph", StableIdSql::Graph(q));
    std::string out;
    for (const auto& [title, sql] : parts) out += "-- " + title + "\n" + sql + ";\n\n";
    testing::ExpectGolden(name + "/identity.sql", out);
  }
}

}  // namespace
}  // namespace zcdp
