// PII tags flow through every kind of trait: a trait that reads a PII column is PII, whether it
// is an aggregate, a pick or an `sql` expression, unless the project says otherwise (`pii:`).
#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

namespace zcdp {
namespace {

constexpr const char* kProject = R"yaml(name: t
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - name: users
    table: app.users
    primary_key: id
    identifiers: {email: mail, user_id: id}
    attributes: [mail, Full_Name, amount]
    pii: [mail, Full_Name]
  - name: orders
    table: app.orders
    primary_key: id
    identifiers: {user_id: user_id}
identity: {id_types: {email: {priority: 1}, user_id: {priority: 2}}}
traits:
  - {name: aggregate_mail, source: users, aggregate: max(mail)}
  - {name: sql_mail, source: users, sql: "max(mail)"}
  - {name: sql_quoted, source: users, sql: 'max("FULL_NAME")'}
  - {name: sql_upper, source: users, sql: "upper(max(r.MAIL))"}
  - {name: sql_star, source: users, sql: "max(r.*)"}
  - {name: sql_columns, source: users, sql: "max(COLUMNS('m.*'))"}
  - {name: sql_count, source: users, sql: "count(*)"}
  - {name: sql_amount, source: users, sql: "sum(amount)"}
  - {name: sql_literal, source: users, sql: "count(*) FILTER (WHERE 'mail' <> '')"}
  - {name: sql_no_pii_source, source: orders, sql: "max(email_hash)"}
  - {name: pick_name, source: users, pick: most_recent, column: Full_Name}
  - {name: over_traits, sql: "coalesce(sql_mail, 'none')"}
  - {name: over_clean, sql: "sql_amount * 2"}
  - {name: declared_clean, source: users, sql: "max(mail) IS NOT NULL", pii: false}
  - {name: declared_pii, source: users, sql: "sum(amount)", pii: true}
)yaml";

class PiiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diags("t.yaml");
    project_ = ParseProject(kProject, "t.yaml", "/t", diags);
    ASSERT_TRUE(project_ && !diags.has_errors()) << diags.ToString();
  }
  bool Pii(const std::string& field) const { return IsPiiField(*project_, field); }
  std::optional<Project> project_;
};

TEST_F(PiiTest, EveryKindOfTraitThatReadsAPiiColumnIsPii) {
  for (const char* t : {"aggregate_mail", "sql_mail", "sql_quoted", "sql_upper", "pick_name",
                        "over_traits", "declared_pii"}) {
    EXPECT_TRUE(Pii(t)) << t;
  }
}

TEST_F(PiiTest, AnSqlTraitThatMayReadUnnamedColumnsIsPii) {
  EXPECT_TRUE(Pii("sql_star"));
  EXPECT_TRUE(Pii("sql_columns"));
}

TEST_F(PiiTest, TraitsThatReadNoPiiColumnAreNot) {
  for (const char* t : {"sql_count", "sql_amount", "sql_literal", "sql_no_pii_source", "over_clean",
                        "declared_clean"}) {
    EXPECT_FALSE(Pii(t)) << t;
  }
}

TEST_F(PiiTest, IdTypesFollowTheColumnsMappedToThem) {
  EXPECT_TRUE(Pii("email"));
  EXPECT_FALSE(Pii("user_id"));
}

}  // namespace
}  // namespace zcdp
