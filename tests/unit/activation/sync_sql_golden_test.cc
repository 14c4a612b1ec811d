// Activation's SQL (members with consent, the diff per mode, plans, the pending table, share
// views, tables), rendered for a fixed project and compared with golden files per dialect.
#include <gtest/gtest.h>

#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"

#include "activation/compile/sync_sql.h"
#include "support/golden.h"

namespace zcdp {
namespace {

constexpr const char* kProject = R"(name: golden
warehouse: {type: duckdb, path: ':memory:', output_schema: out}
sources:
  - name: customers
    table: crm.customers
    primary_key: customer_id
    identifiers: {email: email, crm_id: customer_id}
    attributes: [first_name, country]
    pii: [email, first_name]
  - name: consents
    table: crm.consents
    identifiers: {crm_id: customer_id}
    attributes: [purpose, granted, updated_at]
identity:
  id_types:
    crm_id: {priority: 1}
    email: {priority: 2, normalize: email}
traits:
  - {name: first_name, source: customers, pick: most_recent}
  - {name: country, source: customers, pick: most_frequent}
audiences:
  - {name: french, where: "country = 'FR'"}
consent: {source: consents, purpose_column: purpose, granted_column: granted, timestamp_column: updated_at}
destinations:
  - {name: hook, type: webhook, url: 'http://127.0.0.1:1/x', audience: french,
     purpose: "o'brien ads", fields: {mail: {from: email, hash: sha256}, name: first_name,
     country: country}, clear_pii: [name]}
  - {name: mirror_files, type: file, path: out, format: csv, audience: french,
     purpose: email_marketing, fields: [country], mode: mirror}
  - {name: everything, type: file, path: out, format: jsonl, audience: french,
     purpose: email_marketing, fields: [email], clear_pii: [email], mode: full}
  - {name: partner, type: warehouse_share, schema: share, audience: french, purpose: ads,
     fields: [email, country]}
  - {name: scores, type: webhook, url: 'http://127.0.0.1:1/y', model: analytics.ltv_scores,
     purpose: ads, fields: {score: ltv_score, segment: Segment}}
)";

TEST(SyncSqlGolden, EveryDialectMatchesItsGoldenFile) {
  Diagnostics diags("golden.yaml");
  auto project = ParseProject(kProject, "golden.yaml", "/golden", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  for (const auto& name : DialectNames()) {
    auto d = MakeDialect(name);
    ASSERT_TRUE(d.ok());
    const activation::SyncSql q(*project, **d);
    std::vector<std::pair<std::string, std::string>> parts;
    for (const auto& s : q.CreateTables()) parts.emplace_back("tables", s);
    const auto& dests = project->destinations;
    parts.emplace_back("members: hook", q.MembersSql(dests[0]));
    parts.emplace_back("diff: hook (mode diff)", q.DiffSql(dests[0], true));
    parts.emplace_back("diff: hook, first sync", q.DiffSql(dests[0], false));
    parts.emplace_back("diff: mirror_files (mode mirror)", q.DiffSql(dests[1], true));
    parts.emplace_back("diff: everything (mode full)", q.DiffSql(dests[2], true));
    parts.emplace_back("plan: hook", q.PlanSql(dests[0], true));
    for (const auto& s : q.CreatePendingTable(dests[1]))
      parts.emplace_back("pending: mirror_files", s);
    parts.emplace_back("pending page: mirror_files", q.PendingPageSql(dests[1]));
    parts.emplace_back("forget: hook", q.ForgetSql(dests[0]));
    parts.emplace_back("share: partner", q.ShareViewSelect(dests[3]));
    parts.emplace_back("members: scores (model)", q.MembersSql(dests[4]));
    std::string out;
    for (const auto& [title, sql] : parts) out += "-- " + title + "\n" + sql + ";\n\n";
    testing::ExpectGolden(name + "/activation.sql", out);
  }
}

// A share hashes every PII field, whatever kind of trait carries it: `sql: "max(email)"`
// leaves hashed like `pick` over email, and a trait declared `pii: false` leaves as is.
TEST(SyncSqlGolden, AShareHashesPiiThroughEveryKindOfTrait) {
  std::string yaml = kProject;
  const std::string traits = "traits:\n";
  yaml.insert(
      yaml.find(traits) + traits.size(),
      "  - {name: contact, source: customers, sql: \"max(email)\"}\n"
      "  - {name: has_mail, source: customers, sql: \"max(email) IS NOT NULL\", pii: false}\n");
  const std::string dests = "destinations:\n";
  yaml.insert(yaml.find(dests) + dests.size(),
              "  - {name: contacts, type: warehouse_share, schema: share2, audience: french,\n"
              "     purpose: ads, fields: [contact, has_mail, first_name]}\n");
  Diagnostics diags("golden.yaml");
  auto project = ParseProject(yaml, "golden.yaml", "/golden", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  const std::string sql =
      activation::SyncSql(*project, **d).ShareViewSelect(project->destinations[0]);
  EXPECT_NE(sql.find("AS \"contact_sha256\""), std::string::npos) << sql;
  EXPECT_EQ(sql.find("m.\"contact\" AS \"contact\""), std::string::npos) << sql;
  EXPECT_NE(sql.find("AS \"first_name_sha256\""), std::string::npos) << sql;
  EXPECT_NE(sql.find("AS \"has_mail\""), std::string::npos) << sql;
}

// A field mapped with `hash: sha256` leaves as the SHA-256 of its trimmed, lower-cased text,
// computed in the members' SELECT, so that neither the pending table nor the payload holds the
// clear value; a share hashes it once, under the name it was given. A share's field listed in
// clear_pii leaves as it is.
TEST(SyncSqlGolden, AHashedFieldIsHashedInTheWarehouseAndAClearPiiFieldIsNot) {
  std::string yaml = kProject;
  const std::string dests = "destinations:\n";
  yaml.insert(yaml.find(dests) + dests.size(),
              "  - {name: contacts, type: warehouse_share, schema: share2, audience: french,\n"
              "     purpose: ads, fields: {mail: {from: email, hash: sha256}, name: first_name},\n"
              "     clear_pii: [name]}\n");
  Diagnostics diags("golden.yaml");
  auto project = ParseProject(yaml, "golden.yaml", "/golden", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  const activation::SyncSql q(*project, **d);
  const std::string members = q.MembersSql(project->destinations[1]);  // hook
  EXPECT_NE(members.find("sha256(lower(trim(CAST(i0.value AS VARCHAR)))) AS \"mail\""),
            std::string::npos)
      << members;
  const std::string share = q.ShareViewSelect(project->destinations[0]);
  EXPECT_NE(share.find("m.\"mail\" AS \"mail\""), std::string::npos) << share;
  EXPECT_EQ(share.find("mail_sha256"), std::string::npos) << share;
  EXPECT_NE(share.find("m.\"name\" AS \"name\""), std::string::npos) << share;
}

// The purpose is a user value: it reaches the SQL only as a quoted literal.
TEST(SyncSqlGolden, PurposeIsQuotedNotConcatenated) {
  Diagnostics diags("golden.yaml");
  auto project = ParseProject(kProject, "golden.yaml", "/golden", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  const std::string sql = activation::SyncSql(*project, **d).MembersSql(project->destinations[0]);
  EXPECT_NE(sql.find("'o''brien ads'"), std::string::npos) << sql;
}

}  // namespace
}  // namespace zcdp
