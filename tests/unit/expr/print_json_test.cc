// The canonical printer and the JSON form: both round-trip through the parser, the JSON
// form matches the documented shape, and FromJson names the path of every mistake.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/expr/ir.h"

namespace zcdp::expr {
namespace {

struct PrintCase {
  std::string text;
  std::string canonical;
};

const std::vector<PrintCase>& PrintCases() {
  static const std::vector<PrintCase> kCases = {
      {"COUNT(orders WITHIN 180d)>3", "count(orders within 180d) > 3"},
      {"count(email_events where action='click' within 30d) >= 1",
       "count(email_events where action = 'click' within 30d) >= 1"},
      {"sum( orders . amount within 365d ) >= 500", "sum(orders.amount within 365d) >= 500"},
      {"sum(orders.amount between 90d and 30d ago) > 10",
       "sum(orders.amount between 90d and 30d ago) > 10"},
      {"exists(web_events where event = 'checkout' within 7d)",
       "exists(web_events where event = 'checkout' within 7d)"},
      {"count(orders between 90d and 30d ago) = 0", "count(orders between 90d and 30d ago) = 0"},
      {"count(orders.amount where amount between 1 and 5 within 30d) > 0",
       "count(orders.amount where amount between 1 and 5 within 30d) > 0"},
      {"count(orders where a = 1 between 90d and 30d ago) > 0",
       "count(orders where a = 1 between 90d and 30d ago) > 0"},
      {"count(orders where (a = 1 or b = 2) and not c = 3) > 0",
       "count(orders where (a = 1 or b = 2) and not c = 3) > 0"},
      {"In_Audience( loyal_engaged )", "in_audience(loyal_engaged)"},
      {"lifetime_value BETWEEN 100 AND 500", "lifetime_value between 100 and 500"},
      {"country in ('FR','DE')", "country in ('FR', 'DE')"},
      {"country not in ( 'FR' )", "country not in ('FR')"},
      {"city IS NOT NULL", "city is not null"},
      {"city is null", "city is null"},
      {"first_name contains 'an'", "first_name contains 'an'"},
      {"x <> 1", "x != 1"},
      {"x<=-2.50", "x <= -2.50"},
      {"d >= 2024-02-29 and e = 6mo and f = FALSE", "d >= 2024-02-29 and e = 6mo and f = false"},
      {"name = 'it''s ''quoted'''", "name = 'it''s ''quoted'''"},
      {"name = 'multi\nline'", "name = 'multi\nline'"},
      {"not (a > 1 or b < 2)", "not (a > 1 or b < 2)"},
      {"not (a > 1 and b < 2)", "not (a > 1 and b < 2)"},
      {"not (not a > 1)", "not not a > 1"},
      {"((a = 1))", "a = 1"},
      {"a = 1 or (b = 2 and c = 3)", "a = 1 or b = 2 and c = 3"},
      {"(a = 1 or b = 2) and c = 3", "(a = 1 or b = 2) and c = 3"},
      {"(a = 1 and b = 2) and (c = 3 and d = 4)", "a = 1 and b = 2 and c = 3 and d = 4"},
      {"a = 1 or not (b = 2 or c = 3) and d = 4", "a = 1 or not (b = 2 or c = 3) and d = 4"},
      {"count > 3 and exists = true", "count > 3 and exists = true"},
      {"count(orders within 180d) > 3 and count(email_events where action = 'click' within "
       "30d) >= 1",
       "count(orders within 180d) > 3 and count(email_events where action = 'click' within "
       "30d) >= 1"},
  };
  return kCases;
}

TEST(PrintTest, CanonicalTextIsStable) {
  for (const auto& c : PrintCases()) {
    const Result<Expr> e = ParseCondition(c.text);
    ASSERT_TRUE(e.ok()) << c.text << "\n" << e.status().message();
    const std::string printed = Print(*e);
    EXPECT_EQ(printed, c.canonical) << c.text;
    const Result<Expr> again = ParseCondition(printed);
    ASSERT_TRUE(again.ok()) << printed << "\n" << again.status().message();
    EXPECT_EQ(Print(*again), printed);
  }
}

TEST(PrintTest, ParenthesizesOnlyWherePrecedenceNeedsIt) {
  // Built by hand: an `or` inside an `and`, and an `and` inside a `not`.
  const auto leaf = [](const char* name) {
    Expr e;
    e.kind = NodeKind::kIsNull;
    e.operand.name = name;
    return e;
  };
  Expr disj;
  disj.kind = NodeKind::kOr;
  disj.children = {leaf("a"), leaf("b")};
  Expr conj;
  conj.kind = NodeKind::kAnd;
  conj.children = {disj, leaf("c")};
  EXPECT_EQ(Print(conj), "(a is null or b is null) and c is null");
  Expr neg;
  neg.kind = NodeKind::kNot;
  neg.children = {conj};
  EXPECT_EQ(Print(neg), "not ((a is null or b is null) and c is null)");
  Expr outer;
  outer.kind = NodeKind::kOr;
  outer.children = {neg, conj};
  EXPECT_EQ(Print(outer),
            "not ((a is null or b is null) and c is null) or (a is null or b is null) and c is "
            "null");
}

TEST(PrintTest, OperatorAndFunctionNames) {
  EXPECT_EQ(CompareOpName(CompareOp::kEq), "=");
  EXPECT_EQ(CompareOpName(CompareOp::kNe), "!=");
  EXPECT_EQ(CompareOpName(CompareOp::kLt), "<");
  EXPECT_EQ(CompareOpName(CompareOp::kLe), "<=");
  EXPECT_EQ(CompareOpName(CompareOp::kGt), ">");
  EXPECT_EQ(CompareOpName(CompareOp::kGe), ">=");
  EXPECT_EQ(AggregateFnName(AggregateFn::kCount), "count");
  EXPECT_EQ(AggregateFnName(AggregateFn::kSum), "sum");
  EXPECT_EQ(AggregateFnName(AggregateFn::kAvg), "avg");
  EXPECT_EQ(AggregateFnName(AggregateFn::kMin), "min");
  EXPECT_EQ(AggregateFnName(AggregateFn::kMax), "max");
}

TEST(JsonTest, RoundTripsEveryCase) {
  for (const auto& c : PrintCases()) {
    const Result<Expr> e = ParseCondition(c.text);
    ASSERT_TRUE(e.ok()) << c.text;
    const std::string json = ToJson(*e);
    const Result<Expr> back = FromJson(json);
    ASSERT_TRUE(back.ok()) << json << "\n" << back.status().message();
    EXPECT_EQ(Print(*back), c.canonical) << json;
    EXPECT_EQ(ToJson(*back), json);
  }
}

TEST(JsonTest, GoldenDemoCondition) {
  const Result<Expr> e = ParseCondition(
      "count(orders within 180d) > 3 and "
      "count(email_events where action = 'click' within 30d) >= 1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(ToJson(*e), R"({
  "and": [
    {
      "compare": {
        "left": {
          "aggregate": "count",
          "event": {
            "source": "orders",
            "window": {
              "within": "180d"
            }
          }
        },
        "op": ">",
        "value": {
          "number": "3"
        }
      }
    },
    {
      "compare": {
        "left": {
          "aggregate": "count",
          "event": {
            "source": "email_events",
            "where": {
              "compare": {
                "left": {
                  "name": "action"
                },
                "op": "=",
                "value": {
                  "string": "click"
                }
              }
            },
            "window": {
              "within": "30d"
            }
          }
        },
        "op": ">=",
        "value": {
          "number": "1"
        }
      }
    }
  ]
})");
}

TEST(JsonTest, GoldenOfEveryOtherShape) {
  const Result<Expr> e = ParseCondition(
      "sum(orders.amount between 90d and 30d ago) between 1 and 2.5 or not x in (2024-01-01) or "
      "y not in (true) or z is not null or w contains '''' or exists(s) or in_audience(vip)");
  ASSERT_TRUE(e.ok());
  const std::string compact =
      R"({"or":[{"between":{"left":{"aggregate":"sum","event":{"source":"orders","column":)"
      R"("amount","window":{"between":["90d","30d"]}}},"low":{"number":"1"},"high":)"
      R"({"number":"2.5"}}},{"not":{"in":{"left":{"name":"x"},"values":[{"date":)"
      R"("2024-01-01"}],"negated":false}}},{"in":{"left":{"name":"y"},"values":[{"bool":)"
      R"(true}],"negated":true}},{"is_null":{"left":{"name":"z"},"negated":true}},{"contains":)"
      R"({"left":{"name":"w"},"value":{"string":"'"}}},{"exists":{"source":"s"}},)"
      R"({"in_audience":"vip"}]})";
  std::string json = ToJson(*e);
  std::erase_if(json, [](char c) { return c == ' ' || c == '\n'; });
  EXPECT_EQ(json, compact);
}

TEST(JsonTest, AcceptsHandWrittenDocuments) {
  // What a UI builder may write: any spacing, "<>", `negated` left out, durations as units.
  const Result<Expr> e = FromJson(R"({"and": [
      {"compare": {"op": "<>", "left": {"name": "country"}, "value": {"string": "FR"}}},
      {"in": {"left": {"name": "tier"}, "values": [{"number": "1"}, {"number": "2"}]}},
      {"exists": {"source": "orders", "window": {"within": "6mo"}}}]})");
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(Print(*e), "country != 'FR' and tier in (1, 2) and exists(orders within 6mo)");
}

TEST(JsonTest, ToJsonNeverThrowsOnTextThatIsNotUtf8) {
  Expr e;
  e.kind = NodeKind::kCompare;
  e.operand.name = "x";
  e.literals.push_back({LiteralKind::kString, "bad \xff byte", {}});
  EXPECT_NE(ToJson(e).find("bad"), std::string::npos);
}

struct JsonErrorCase {
  std::string json;
  std::string message_start;  // the path and the start of the message
};

class JsonErrorTest : public ::testing::TestWithParam<JsonErrorCase> {};

TEST_P(JsonErrorTest, NamesThePath) {
  const JsonErrorCase& c = GetParam();
  Result<Expr> r = Status::Internal("not run");
  ASSERT_NO_THROW(r = FromJson(c.json));
  ASSERT_FALSE(r.ok()) << c.json;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind(c.message_start, 0), 0u) << r.status().message();
}

const std::string kLeft = R"("left": {"name": "x"})";

std::string NotChain(int depth) {
  std::string json;
  for (int i = 0; i < depth; ++i) json += R"({"not": )";
  json += R"({"in_audience": "a"})";
  return json + std::string(depth, '}');
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonErrorTest,
    ::testing::Values(
        JsonErrorCase{R"({"and": [)", "invalid JSON: "}, JsonErrorCase{"", "invalid JSON: "},
        JsonErrorCase{"[1]", "$: expected a condition object, got a list"},
        JsonErrorCase{R"({"andd": []})", "$: unknown key 'andd' (did you mean 'and'?)"},
        JsonErrorCase{R"({})", "$: expected exactly one of and, or, not"},
        JsonErrorCase{R"({"and": [{"in_audience": "a"}]})",
                      "$.and: expected a list of at least two conditions, got a list of 1"},
        JsonErrorCase{R"({"or": [{"in_audience": "a"}, {"in_audience": 3}]})",
                      "$.or[1].in_audience: expected a name"},
        JsonErrorCase{R"({"in_audience": "and"})", "$.in_audience: expected a name"},
        JsonErrorCase{R"({"in_audience": "1abc"})", "$.in_audience: expected a name"},
        JsonErrorCase{R"({"compare": {)" + kLeft + R"(, "value": {"number": "1"}}})",
                      "$.compare: missing key 'op'"},
        JsonErrorCase{R"({"compare": {)" + kLeft + R"(, "op": "==", "value": {"number": "1"}}})",
                      "$.compare.op: expected one of =, !=, <, <=, >, >="},
        JsonErrorCase{R"({"compare": {)" + kLeft + R"(, "op": "=", "value": {"number": "3x"}}})",
                      "$.compare.value.number: expected a number"},
        JsonErrorCase{R"({"compare": {)" + kLeft + R"(, "op": "=", "value": {"number": 3}}})",
                      "$.compare.value.number: expected a string, got a number"},
        JsonErrorCase{
            R"({"compare": {)" + kLeft + R"(, "op": "=", "value": {"date": "2023-02-29"}}})",
            "$.compare.value.date: expected a valid date"},
        JsonErrorCase{R"({"compare": {)" + kLeft + R"(, "op": "=", "value": {"duration": "30x"}}})",
                      "$.compare.value.duration: expected a duration"},
        JsonErrorCase{
            R"({"compare": {)" + kLeft + R"(, "op": "=", "value": {"string": "a\u0000b"}}})",
            "$.compare.value.string: a string may not hold a NUL byte"},
        JsonErrorCase{R"({"compare": {)" + kLeft +
                          R"(, "op": "=", "value": {"string": "a", "number": "1"}}})",
                      "$.compare.value: expected exactly one of"},
        JsonErrorCase{R"({"compare": {"left": {"aggregate": "sum", "event": {"source": "o"}},)"
                      R"( "op": "=", "value": {"number": "1"}}})",
                      "$.compare.left.event: sum needs a column"},
        JsonErrorCase{R"({"compare": {"left": {"aggregate": "median", "event": {"source": "o"}},)"
                      R"( "op": "=", "value": {"number": "1"}}})",
                      "$.compare.left.aggregate: expected one of count, sum"},
        JsonErrorCase{R"({"exists": {"source": "o", "column": "c"}})",
                      "$.exists.column: exists takes a source, not a column"},
        JsonErrorCase{R"({"exists": {"source": "o", "where": {"exists": {"source": "p"}}}})",
                      "$.exists.where.exists: exists is not allowed inside a where filter"},
        JsonErrorCase{R"({"exists": {"source": "o", "where": {"is_null": {"left": )"
                      R"({"aggregate": "count", "event": {"source": "p"}}}}}})",
                      "$.exists.where.is_null.left: aggregates are not allowed"},
        JsonErrorCase{R"({"exists": {"source": "o", "window": {"between": ["90d"]}}})",
                      "$.exists.window.between: expected a list of two durations"},
        JsonErrorCase{R"({"exists": {"source": "o", "window": {"within": "30"}}})",
                      "$.exists.window.within: expected a duration"},
        JsonErrorCase{R"({"exists": {"source": "o", "filter": {}}})",
                      "$.exists: unknown key 'filter'"},
        JsonErrorCase{R"({"in": {)" + kLeft + R"(, "values": []}})",
                      "$.in.values: expected a non-empty list of literals"},
        JsonErrorCase{R"({"in": {)" + kLeft + R"(, "values": [{"number": "1"}, 2]}})",
                      "$.in.values[1]: expected a literal"},
        JsonErrorCase{R"({"is_null": {)" + kLeft + R"(, "negated": "yes"}})",
                      "$.is_null.negated: expected true or false, got a string"},
        JsonErrorCase{R"({"contains": {"left": {"name": "x", "extra": 1}, "value": {"bool": 1}}})",
                      "$.contains.left: unknown key 'extra'"},
        JsonErrorCase{R"({"not": null})", "$.not: expected a condition object, got null"},
        JsonErrorCase{NotChain(65), "$: conditions nest deeper than 64 levels"},
        JsonErrorCase{std::string(100000, '['), "invalid JSON: nested deeper than"}));

TEST(JsonTest, DepthLimitMatchesTheParser) {
  const Result<Expr> e = FromJson(NotChain(64));
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_TRUE(ParseCondition(Print(*e)).ok());
}

}  // namespace
}  // namespace zcdp::expr
