// Type and name checks of audience conditions and trait filters, as `zcdp validate` reports
// them, and the order audiences are evaluated in.
#include "zcdp/expr/check.h"

#include <gtest/gtest.h>

#include "zcdp/audiences/compile.h"
#include "zcdp/traits/traits.h"

namespace zcdp::audience {
namespace {

using namespace expr;  // NOLINT: the condition language these tests compile

constexpr const char* kBase = R"yaml(name: t
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - {name: customers, table: crm.customers, primary_key: customer_id, identifiers: {email: email}}
  - {name: orders, table: shop.orders, kind: events, primary_key: order_id, timestamp: ordered_at, identifiers: {email: email}}
identity: {id_types: {email: {priority: 1}}}
traits:
  - {name: ltv, source: orders, aggregate: sum(amount)}
  - {name: country, source: customers, pick: most_frequent}
  - {name: paid, source: orders, aggregate: count, where: "status = 'paid'"}
)yaml";

struct Fixture {
  explicit Fixture(const std::string& audiences) : diags("t.yaml") {
    project = ParseProject(std::string(kBase) + audiences, "t.yaml", "/t", diags);
    using K = ColumnKind;
    catalog = MakeCatalog(
        *project,
        {{"customers",
          {{"customer_id", "", K::kText}, {"email", "", K::kText}, {"country", "", K::kText}}},
         {"orders",
          {{"order_id", "", K::kText},
           {"email", "", K::kText},
           {"ordered_at", "", K::kTimestamp},
           {"amount", "", K::kDecimal},
           {"status", "", K::kText}}}});
  }
  std::string Check() {
    Diagnostics out("t.yaml");
    CheckProjectConditions(*project, catalog, out);
    return out.ToString();
  }
  // The project's conditions, bound; fails the test on a problem.
  const BoundProject& Bound() {
    Diagnostics out("t.yaml");
    bound = BindProject(*project, catalog, out);
    EXPECT_FALSE(out.has_errors()) << out.ToString();
    return bound;
  }
  // An ad-hoc condition bound against the project.
  BoundCondition Condition(const std::string& text) {
    auto parsed = ParseCondition(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
    std::vector<Problem> problems;
    BoundCondition out = BindCondition(*parsed, *project, catalog, &problems);
    EXPECT_TRUE(problems.empty()) << text << ": " << problems.front().message;
    return out;
  }
  Diagnostics diags;
  std::optional<Project> project;
  Catalog catalog;
  BoundProject bound;
};

struct Case {
  const char* name;
  const char* where;
  const char* expected;  // a substring of the report
};

class CheckErrorTest : public ::testing::TestWithParam<Case> {};

TEST_P(CheckErrorTest, ReportsTheProblemAtTheCondition) {
  const Case& c = GetParam();
  Fixture f(std::string("audiences:\n  - name: a\n    where: \"") + c.where + "\"\n");
  ASSERT_TRUE(f.project && !f.diags.has_errors()) << f.diags.ToString();
  const std::string report = f.Check();
  EXPECT_NE(report.find(c.expected), std::string::npos) << report;
  EXPECT_NE(report.find("t.yaml:"), std::string::npos) << report;
  EXPECT_NE(report.find("audience 'a': where: column "), std::string::npos) << report;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CheckErrorTest,
    ::testing::Values(
        Case{"UnknownTrait", "ltvv > 3", "unknown trait 'ltvv' (did you mean 'ltv'?)"},
        Case{"ColumnIsNotATrait", "amount > 3", "'amount' is a column of source 'orders'"},
        Case{"UnknownSource", "count(ordres) > 1",
             "unknown source 'ordres' (did you mean 'orders'?)"},
        Case{"UnknownFilterColumn", "count(orders where stauts = 'x') > 1",
             "unknown column 'stauts' in source 'orders' (did you mean 'status'?)"},
        Case{"TextWithNumber", "country > 3",
             "cannot compare trait 'country' (text) with a number"},
        Case{"NumberWithText", "count(orders within 180d) > 'x'", "with a string"},
        Case{"SumOfText", "sum(orders.status) > 1", "sum needs a numeric column"},
        Case{"ContainsOnNumber", "ltv contains 'x'", "contains needs text"},
        Case{"DurationOutsideWindow", "ltv > 30d", "durations are for windows"},
        Case{"WindowWithoutTimestamp", "count(customers within 30d) > 1",
             "source 'customers' has no 'timestamp' column"},
        Case{"WindowBoundsReversed", "count(orders between 30d and 90d ago) > 1",
             "write the older bound first"},
        Case{"AggregateInFilter", "count(orders where count(orders) > 1) > 1", "not allowed"},
        Case{"SyntaxError", "count(orders within 180d) >", "expected"},
        Case{"DateWithText", "country = 2024-01-01", "with a date"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CheckTest, ValidConditionsHaveNoProblems) {
  Fixture f(
      "audiences:\n"
      "  - {name: a, where: \"count(orders where status in ('paid') within 30d) >= 1 and ltv "
      "between 1 and 2\"}\n"
      "  - {name: b, where: \"in_audience(a) or country is null or country contains 'F'\"}\n");
  EXPECT_EQ(f.Check(), "");
}

TEST(CheckTest, TraitFilterIsCheckedAgainstItsSource) {
  Fixture f("");
  ASSERT_TRUE(f.project);
  f.project->traits[2].where->value = "statuss = 'paid'";
  EXPECT_NE(f.Check().find("trait 'paid': where: column 1: unknown column 'statuss'"),
            std::string::npos)
      << f.Check();
}

TEST(CheckTest, CyclesAreRejectedAndNamed) {
  Fixture f(
      "audiences:\n"
      "  - {name: a, where: \"in_audience(b)\"}\n"
      "  - {name: b, where: \"in_audience(c) and ltv > 1\"}\n"
      "  - {name: c, where: \"in_audience(a)\"}\n"
      "  - {name: d, where: \"ltv > 1\"}\n");
  ASSERT_TRUE(f.project);
  auto all = BindAll(*f.project, f.catalog);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.status().message().find("cycle: a -> b -> c -> a"), std::string::npos)
      << all.status().message();
  EXPECT_EQ(f.Check().find("cycle"), f.Check().rfind("cycle")) << "the cycle is named once";
  // The audiences on the cycle are left out; the others still bind and compile.
  Diagnostics diags("t.yaml");
  const BoundProject bound = BindProject(*f.project, f.catalog, diags);
  EXPECT_EQ(bound.Order(), (std::vector<std::string>{"d"}));
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  const Compiler compiler(*f.project, **d, bound, /*as_of_micros=*/0);
  auto sql = compiler.AudienceSql("a");
  ASSERT_FALSE(sql.ok());
  EXPECT_NE(sql.status().message().find("did not bind"), std::string::npos);
  EXPECT_TRUE(compiler.AudienceSql("d").ok());
}

TEST(CheckTest, DependenciesComeFirst) {
  Fixture f(
      "audiences:\n"
      "  - {name: top, where: \"in_audience(mid) and in_audience(base)\"}\n"
      "  - {name: mid, where: \"in_audience(base)\"}\n"
      "  - {name: base, where: \"ltv > 1\"}\n");
  EXPECT_EQ(f.Bound().Order(), (std::vector<std::string>{"base", "mid", "top"}));
}

// The compilers read the bound conditions only: once bound, the project's condition text is
// not parsed again, so changing it afterwards changes nothing they emit.
TEST(CompileTest, ConditionsAreParsedOnceWhenBound) {
  Fixture f(
      "audiences:\n"
      "  - {name: a, where: \"ltv > 10 and count(orders within 30d) >= 2\"}\n"
      "  - {name: b, where: \"in_audience(a) or country = 'IT'\"}\n");
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  const Compiler compiler(*f.project, **d, f.Bound(), /*as_of_micros=*/0);
  auto before_a = compiler.AudienceSql("a");
  auto before_b = compiler.AudienceSql("b");
  auto profiles = ProfilesSql(*f.project, **d, f.bound, 0);
  ASSERT_TRUE(before_a.ok() && before_b.ok() && profiles.ok());
  for (auto& a : f.project->audiences) a.where.value = "this does not parse (";
  for (auto& t : f.project->traits) {
    if (t.where) t.where->value = "nor this (";
  }
  EXPECT_EQ(*compiler.AudienceSql("a"), *before_a);
  EXPECT_EQ(*compiler.AudienceSql("b"), *before_b);
  EXPECT_EQ(*ProfilesSql(*f.project, **d, f.bound, 0), *profiles);
  EXPECT_NE(before_a->find("count(*) FILTER"), std::string::npos) << *before_a;
}

// User values reach SQL only through the dialect's quoting: a literal that tries to close
// the string stays inside it, whatever it holds.
TEST(CompileTest, LiteralsCannotEscapeTheirQuotes) {
  Fixture f("");
  auto d = MakeDialect("duckdb");
  const Compiler compiler(*f.project, **d, f.Bound(), /*as_of_micros=*/0);
  for (const std::string value :
       {"'; DROP TABLE crm.customers; --", "a''b", "\\'", "Ève \xF0\x9F\x98\x80", "x\")--"}) {
    std::string quoted;
    for (char ch : value) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
    auto sql = compiler.ConditionSql(f.Condition("country = '" + quoted + "'"));
    ASSERT_TRUE(sql.ok());
    EXPECT_NE(sql->find((*d)->QuoteString(value)), std::string::npos) << *sql;
  }
}

TEST(CompileTest, NamesAreQuotedIdentifiers) {
  Fixture f("");
  auto d = MakeDialect("duckdb");
  const Compiler compiler(*f.project, **d, f.Bound(), /*as_of_micros=*/0);
  auto sql = compiler.ConditionSql(f.Condition("count(orders where status = 'x') > 1"));
  ASSERT_TRUE(sql.ok());
  EXPECT_NE(sql->find("r.\"status\" = 'x'"), std::string::npos) << *sql;
  EXPECT_NE(sql->find("\"source_orders\""), std::string::npos) << *sql;
}

}  // namespace
}  // namespace zcdp::audience
