// The bound IR: what BindProject makes of a project's conditions, once, for the SQL
// compilers and the real-time evaluator.
#include <gtest/gtest.h>

#include "zcdp/common/clock.h"
#include "zcdp/expr/bound.h"

namespace zcdp::expr {
namespace {

constexpr const char* kBase = R"yaml(name: t
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - {name: customers, table: crm.customers, primary_key: customer_id, identifiers: {email: email}}
  - {name: orders, table: shop.orders, kind: events, primary_key: order_id, timestamp: ordered_at, identifiers: {email: email}}
identity: {id_types: {email: {priority: 1}}}
traits:
  - {name: ltv, source: orders, aggregate: sum(amount)}
  - {name: country, source: customers, pick: most_frequent}
  - {name: last_order, source: orders, aggregate: max(ordered_at)}
  - {name: paid, source: orders, aggregate: count, where: "status = 'paid' and amount >= 10", window: 90d}
)yaml";

struct Fixture {
  explicit Fixture(const std::string& audiences) : diags("t.yaml") {
    project = ParseProject(std::string(kBase) + audiences, "t.yaml", "/t", diags);
    EXPECT_TRUE(project && !diags.has_errors()) << diags.ToString();
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
           {"gift", "", K::kBoolean},
           {"status", "", K::kText}}}});
    bound = BindProject(*project, catalog, diags);
  }
  const BoundCondition& Of(const std::string& audience) const {
    const BoundAudience* a = bound.FindAudience(audience);
    EXPECT_NE(a, nullptr) << audience << "\n" << diags.ToString();
    static const BoundAudience kNone;
    return (a == nullptr ? kNone : *a).condition;
  }
  Diagnostics diags;
  std::optional<Project> project;
  Catalog catalog;
  BoundProject bound;
};

TEST(BindTest, LiteralsAreDecodedOnce) {
  Fixture f(
      "audiences:\n"
      "  - {name: a, where: \"ltv > -2.5 and country = 'it''s' and last_order >= 2024-02-29\"}\n"
      "  - {name: b, where: \"count(orders where gift = true and status in ('a', 'b')) >= 3\"}\n");
  ASSERT_FALSE(f.diags.has_errors()) << f.diags.ToString();
  const BoundExpr& a = f.Of("a").root;
  ASSERT_EQ(a.kind, NodeKind::kAnd);
  ASSERT_EQ(a.children.size(), 3U);
  const BoundLiteral& number = a.children[0].literals.at(0);
  EXPECT_EQ(number.kind, LiteralKind::kNumber);
  EXPECT_DOUBLE_EQ(number.number, -2.5);
  EXPECT_EQ(number.text, "-2.5");
  EXPECT_EQ(a.children[1].literals.at(0).text, "it's");
  const BoundLiteral& date = a.children[2].literals.at(0);
  EXPECT_EQ(date.kind, LiteralKind::kDate);
  EXPECT_EQ(date.micros, *ParseUtcTimestamp("2024-02-29"));
  EXPECT_EQ(FormatUtcMicros(date.micros).substr(0, 10), "2024-02-29");

  const BoundCondition& b = f.Of("b");
  ASSERT_EQ(b.aggregates.size(), 1U);
  const BoundExpr& filter = b.aggregates[0].filter.at(0);
  ASSERT_EQ(filter.children.size(), 2U);
  EXPECT_TRUE(filter.children[0].literals.at(0).boolean);
  EXPECT_EQ(filter.children[0].type, ValueType::kBool);
  EXPECT_EQ(filter.children[1].literals.size(), 2U);
  EXPECT_DOUBLE_EQ(b.root.literals.at(0).number, 3);
}

TEST(BindTest, NamesResolveToTraitsSourcesAndColumnsWithTheirTypes) {
  Fixture f(
      "audiences:\n"
      "  - {name: a, where: \"ltv > 1 and (country = 'IT' or ltv < 9) and "
      "exists(orders within 30d) and max(orders.ordered_at between 90d and 30d ago) is not null "
      "and avg(customers.customer_id) is null\"}\n");
  // avg over a text column is a problem: the audience is reported and left out.
  EXPECT_NE(f.diags.ToString().find("avg needs a numeric column"), std::string::npos);
  EXPECT_EQ(f.bound.FindAudience("a"), nullptr);

  Fixture g(
      "audiences:\n"
      "  - {name: a, where: \"ltv > 1 and (country = 'IT' or ltv < 9) and "
      "exists(orders within 30d) and max(orders.ordered_at between 90d and 30d ago) is not null "
      "and sum(orders.amount where status = 'paid') > 0\"}\n");
  ASSERT_FALSE(g.diags.has_errors()) << g.diags.ToString();
  const BoundCondition& c = g.Of("a");
  EXPECT_EQ(c.traits, (std::vector<std::string>{"ltv", "country"}));
  const BoundExpr& ltv = c.root.children.at(0);
  EXPECT_EQ(ltv.operand, BoundExpr::Operand::kTrait);
  EXPECT_EQ(ltv.type, ValueType::kNumber);
  EXPECT_EQ(c.root.children.at(1).children.at(0).type, ValueType::kText);

  ASSERT_EQ(c.aggregates.size(), 3U);  // in the order written
  const BoundAggregate& exists = c.aggregates[0];
  EXPECT_TRUE(exists.exists);
  EXPECT_EQ(exists.source, "orders");
  EXPECT_EQ(exists.timestamp, "ordered_at");
  EXPECT_EQ(exists.window.kind, Window::Kind::kWithin);
  EXPECT_EQ(exists.window.from.count, 30);
  EXPECT_EQ(exists.window.from.unit, Duration::Unit::kDay);
  EXPECT_TRUE(exists.ZeroWhenNoRows());

  const BoundAggregate& max = c.aggregates[1];
  EXPECT_EQ(max.fn, AggregateFn::kMax);
  EXPECT_EQ(max.column, "ordered_at");
  EXPECT_EQ(max.type, ValueType::kTime);
  EXPECT_EQ(max.window.kind, Window::Kind::kBetween);
  EXPECT_EQ(max.window.from.count, 90);
  EXPECT_EQ(max.window.to.count, 30);
  EXPECT_FALSE(max.ZeroWhenNoRows());

  const BoundAggregate& sum = c.aggregates[2];
  EXPECT_EQ(sum.type, ValueType::kNumber);
  EXPECT_EQ(sum.column_type, ValueType::kNumber);
  ASSERT_EQ(sum.filter.size(), 1U);
  EXPECT_EQ(sum.filter[0].operand, BoundExpr::Operand::kColumn);
  EXPECT_EQ(sum.filter[0].name, "status");
  EXPECT_EQ(sum.filter[0].type, ValueType::kText);
  EXPECT_EQ(sum.window.kind, Window::Kind::kNone);

  // Leaves point at their aggregate.
  EXPECT_EQ(c.root.children.at(2).aggregate, 0);
  EXPECT_EQ(c.root.children.at(3).aggregate, 1);
  EXPECT_EQ(c.root.children.at(4).aggregate, 2);
  EXPECT_EQ(c.root.children.at(4).operand, BoundExpr::Operand::kAggregate);
}

TEST(BindTest, TraitFiltersAreBoundWithTheirWindow) {
  Fixture f("");
  ASSERT_FALSE(f.diags.has_errors()) << f.diags.ToString();
  EXPECT_EQ(f.bound.TraitFilter("ltv"), nullptr);
  const BoundTraitFilter* paid = f.bound.TraitFilter("paid");
  ASSERT_NE(paid, nullptr);
  EXPECT_EQ(paid->timestamp, "ordered_at");
  EXPECT_EQ(paid->window.from.count, 90);
  ASSERT_EQ(paid->where.size(), 1U);
  EXPECT_EQ(paid->where[0].kind, NodeKind::kAnd);
  EXPECT_EQ(paid->where[0].children.at(1).type, ValueType::kNumber);
  EXPECT_DOUBLE_EQ(paid->where[0].children.at(1).literals.at(0).number, 10);
}

TEST(BindTest, AudiencesComeInDependencyOrderAndBrokenOnesAreLeftOut) {
  Fixture f(
      "audiences:\n"
      "  - {name: top, where: \"in_audience(mid) and not in_audience(base)\"}\n"
      "  - {name: mid, where: \"in_audience(base) or ltv > 5\"}\n"
      "  - {name: base, where: \"ltv > 1\"}\n"
      "  - {name: broken, where: \"ltvv > 1\"}\n"
      "  - {name: above_broken, where: \"in_audience(broken)\"}\n"
      "  - {name: unparsable, where: \"ltv >\"}\n");
  EXPECT_EQ(f.bound.Order(), (std::vector<std::string>{"base", "mid", "top"}));
  EXPECT_EQ(f.Of("top").audiences, (std::vector<std::string>{"mid", "base"}));
  EXPECT_EQ(f.bound.FindAudience("top")->text, "in_audience(mid) and not in_audience(base)");
  const std::string report = f.diags.ToString();
  EXPECT_NE(report.find("audience 'broken'"), std::string::npos) << report;
  EXPECT_NE(report.find("audience 'unparsable'"), std::string::npos) << report;
  EXPECT_EQ(report.find("above_broken"), std::string::npos) << "reported once, where it is";
  EXPECT_FALSE(BindAll(*f.project, f.catalog).ok());
}

TEST(BindTest, EveryBindingOfTheSameTextIsTheSame) {
  Fixture f("audiences:\n  - {name: a, where: \"count(orders within 6mo) between 2 and 5\"}\n");
  Diagnostics again("t.yaml");
  const BoundProject second = BindProject(*f.project, f.catalog, again);
  const BoundCondition& one = f.Of("a");
  const BoundCondition& two = second.FindAudience("a")->condition;
  EXPECT_EQ(one.root.kind, NodeKind::kBetween);
  EXPECT_EQ(two.root.literals.at(1).number, one.root.literals.at(1).number);
  EXPECT_EQ(one.aggregates.at(0).window.from.unit, Duration::Unit::kMonth);
  EXPECT_EQ(two.aggregates.at(0).window.from.unit, Duration::Unit::kMonth);
}

}  // namespace
}  // namespace zcdp::expr
