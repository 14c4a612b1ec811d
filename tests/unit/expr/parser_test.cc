// The audience condition parser: each construct of the grammar gives the expected IR, and
// each kind of mistake gives an error at the right place saying what was expected.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/expr/ir.h"

namespace zcdp::expr {
namespace {

Expr MustParse(std::string_view text) {
  Result<Expr> r = ParseCondition(text);
  EXPECT_TRUE(r.ok()) << text << "\n" << r.status().message();
  return r.ok() ? *r : Expr{};
}

TEST(ParserTest, CountWithinWindow) {
  const Expr e = MustParse("count(orders within 180d) > 3");
  EXPECT_EQ(e.kind, NodeKind::kCompare);
  EXPECT_EQ(e.op, CompareOp::kGt);
  EXPECT_EQ(e.operand.kind, Operand::Kind::kAggregate);
  EXPECT_EQ(e.operand.fn, AggregateFn::kCount);
  EXPECT_EQ(e.operand.event.source, "orders");
  EXPECT_EQ(e.operand.event.column, "");
  EXPECT_TRUE(e.operand.event.filter.empty());
  EXPECT_EQ(e.operand.event.window.kind, Window::Kind::kWithin);
  EXPECT_EQ(e.operand.event.window.from, "180d");
  ASSERT_EQ(e.literals.size(), 1u);
  EXPECT_EQ(e.literals[0].kind, LiteralKind::kNumber);
  EXPECT_EQ(e.literals[0].text, "3");
  // Positions: 1-based columns, 0-based offsets.
  EXPECT_EQ(e.pos.column, 1);
  EXPECT_EQ(e.operand.event.source_pos.column, 7);
  EXPECT_EQ(e.operand.event.source_pos.offset, 6);
  EXPECT_EQ(e.literals[0].pos.column, 29);
}

TEST(ParserTest, CountWithFilterAndWindow) {
  const Expr e = MustParse("count(email_events where action = 'click' within 30d) >= 1");
  EXPECT_EQ(e.op, CompareOp::kGe);
  const EventQuery& ev = e.operand.event;
  EXPECT_EQ(ev.source, "email_events");
  ASSERT_EQ(ev.filter.size(), 1u);
  const Expr& f = ev.filter[0];
  EXPECT_EQ(f.kind, NodeKind::kCompare);
  EXPECT_EQ(f.operand.kind, Operand::Kind::kName);
  EXPECT_EQ(f.operand.name, "action");
  EXPECT_EQ(f.operand.pos.column, 26);
  EXPECT_EQ(f.op, CompareOp::kEq);
  EXPECT_EQ(f.literals[0].kind, LiteralKind::kString);
  EXPECT_EQ(f.literals[0].text, "click");
  EXPECT_EQ(ev.window.kind, Window::Kind::kWithin);
  EXPECT_EQ(ev.window.from, "30d");
}

TEST(ParserTest, SumOfColumn) {
  const Expr e = MustParse("sum(orders.amount within 365d) >= 500");
  EXPECT_EQ(e.operand.fn, AggregateFn::kSum);
  EXPECT_EQ(e.operand.event.source, "orders");
  EXPECT_EQ(e.operand.event.column, "amount");
  EXPECT_EQ(e.operand.event.column_pos.column, 12);
  EXPECT_EQ(e.operand.event.window.from, "365d");
  EXPECT_EQ(e.literals[0].text, "500");
}

TEST(ParserTest, EveryAggregate) {
  const std::vector<std::pair<std::string, AggregateFn>> cases = {
      {"count(orders.amount) > 1", AggregateFn::kCount},
      {"avg(orders.amount) > 1", AggregateFn::kAvg},
      {"min(orders.amount) > 1", AggregateFn::kMin},
      {"MAX(orders.amount) > 1", AggregateFn::kMax},
  };
  for (const auto& [text, fn] : cases) {
    const Expr e = MustParse(text);
    EXPECT_EQ(e.operand.fn, fn) << text;
    EXPECT_EQ(e.operand.event.column, "amount") << text;
  }
}

TEST(ParserTest, Exists) {
  const Expr e = MustParse("exists(web_events where event = 'checkout' within 7d)");
  EXPECT_EQ(e.kind, NodeKind::kExists);
  EXPECT_EQ(e.event.source, "web_events");
  ASSERT_EQ(e.event.filter.size(), 1u);
  EXPECT_EQ(e.event.filter[0].operand.name, "event");
  EXPECT_EQ(e.event.filter[0].literals[0].text, "checkout");
  EXPECT_EQ(e.event.window.kind, Window::Kind::kWithin);
  EXPECT_EQ(e.event.window.from, "7d");
}

TEST(ParserTest, BetweenAgoWindow) {
  const Expr e = MustParse("count(orders between 90d and 30d ago) = 0");
  EXPECT_EQ(e.op, CompareOp::kEq);
  EXPECT_EQ(e.operand.event.window.kind, Window::Kind::kBetween);
  EXPECT_EQ(e.operand.event.window.from, "90d");
  EXPECT_EQ(e.operand.event.window.to, "30d");
  EXPECT_EQ(e.literals[0].text, "0");
}

TEST(ParserTest, FilterBetweenEndsBeforeWindow) {
  // The predicate's `between` takes `1 and 5`; `within` then ends the filter.
  Expr e = MustParse("count(orders where amount between 1 and 5 within 30d) > 0");
  ASSERT_EQ(e.operand.event.filter.size(), 1u);
  EXPECT_EQ(e.operand.event.filter[0].kind, NodeKind::kBetween);
  EXPECT_EQ(e.operand.event.filter[0].literals[1].text, "5");
  EXPECT_EQ(e.operand.event.window.from, "30d");
  // After a complete predicate, `between` starts the window.
  e = MustParse("count(orders where amount > 1 or x = 2 between 90d and 30d ago) > 0");
  EXPECT_EQ(e.operand.event.filter[0].kind, NodeKind::kOr);
  EXPECT_EQ(e.operand.event.window.kind, Window::Kind::kBetween);
  EXPECT_EQ(e.operand.event.window.to, "30d");
}

TEST(ParserTest, InAudience) {
  const Expr e = MustParse("in_audience(loyal_engaged)");
  EXPECT_EQ(e.kind, NodeKind::kInAudience);
  EXPECT_EQ(e.audience, "loyal_engaged");
}

TEST(ParserTest, BetweenPredicate) {
  const Expr e = MustParse("lifetime_value between 100 and 500");
  EXPECT_EQ(e.kind, NodeKind::kBetween);
  EXPECT_EQ(e.operand.name, "lifetime_value");
  ASSERT_EQ(e.literals.size(), 2u);
  EXPECT_EQ(e.literals[0].text, "100");
  EXPECT_EQ(e.literals[1].text, "500");
}

TEST(ParserTest, InAndNotIn) {
  Expr e = MustParse("country in ('FR', 'DE')");
  EXPECT_EQ(e.kind, NodeKind::kIn);
  EXPECT_FALSE(e.negated);
  ASSERT_EQ(e.literals.size(), 2u);
  EXPECT_EQ(e.literals[0].text, "FR");
  EXPECT_EQ(e.literals[1].text, "DE");
  e = MustParse("country NOT IN ('FR')");
  EXPECT_EQ(e.kind, NodeKind::kIn);
  EXPECT_TRUE(e.negated);
  EXPECT_EQ(e.literals.size(), 1u);
}

TEST(ParserTest, IsNullAndIsNotNull) {
  Expr e = MustParse("city is not null");
  EXPECT_EQ(e.kind, NodeKind::kIsNull);
  EXPECT_TRUE(e.negated);
  EXPECT_EQ(e.operand.name, "city");
  e = MustParse("city is null");
  EXPECT_EQ(e.kind, NodeKind::kIsNull);
  EXPECT_FALSE(e.negated);
}

TEST(ParserTest, Contains) {
  const Expr e = MustParse("first_name contains 'an'");
  EXPECT_EQ(e.kind, NodeKind::kContains);
  EXPECT_EQ(e.operand.name, "first_name");
  EXPECT_EQ(e.literals[0].text, "an");
}

TEST(ParserTest, NotOfParenthesizedOr) {
  const Expr e = MustParse("not (a > 1 or b < 2)");
  EXPECT_EQ(e.kind, NodeKind::kNot);
  ASSERT_EQ(e.children.size(), 1u);
  const Expr& inner = e.children[0];
  EXPECT_EQ(inner.kind, NodeKind::kOr);
  ASSERT_EQ(inner.children.size(), 2u);
  EXPECT_EQ(inner.children[0].op, CompareOp::kGt);
  EXPECT_EQ(inner.children[1].op, CompareOp::kLt);
}

TEST(ParserTest, AndBindsTighterThanOr) {
  const Expr e = MustParse("a = 1 or b = 2 and c = 3");
  ASSERT_EQ(e.kind, NodeKind::kOr);
  ASSERT_EQ(e.children.size(), 2u);
  EXPECT_EQ(e.children[0].operand.name, "a");
  ASSERT_EQ(e.children[1].kind, NodeKind::kAnd);
  EXPECT_EQ(e.children[1].children[0].operand.name, "b");
  EXPECT_EQ(e.children[1].children[1].operand.name, "c");
}

TEST(ParserTest, NotBindsTighterThanAnd) {
  const Expr e = MustParse("not a = 1 and b = 2");
  ASSERT_EQ(e.kind, NodeKind::kAnd);
  EXPECT_EQ(e.children[0].kind, NodeKind::kNot);
  EXPECT_EQ(e.children[0].children[0].operand.name, "a");
  EXPECT_EQ(e.children[1].kind, NodeKind::kCompare);
}

TEST(ParserTest, ChainsAreFlattened) {
  for (const char* text : {"a = 1 and b = 2 and c = 3", "(a = 1 and b = 2) and c = 3",
                           "a = 1 and (b = 2 and c = 3)"}) {
    const Expr e = MustParse(text);
    EXPECT_EQ(e.kind, NodeKind::kAnd) << text;
    EXPECT_EQ(e.children.size(), 3u) << text;
  }
  const Expr e = MustParse("a = 1 or (b = 2 or c = 3) or d = 4");
  EXPECT_EQ(e.kind, NodeKind::kOr);
  EXPECT_EQ(e.children.size(), 4u);
  EXPECT_EQ(e.pos.column, 1);
}

TEST(ParserTest, KeywordsAreCaseInsensitiveNamesKeepCase) {
  const Expr e = MustParse(
      "COUNT(Orders WHERE Status = 'paid' WITHIN 30d) > 1 And Not City Is Null Or Flag = TRUE");
  ASSERT_EQ(e.kind, NodeKind::kOr);
  const Expr& conj = e.children[0];
  ASSERT_EQ(conj.kind, NodeKind::kAnd);
  EXPECT_EQ(conj.children[0].operand.event.source, "Orders");
  EXPECT_EQ(conj.children[0].operand.event.filter[0].operand.name, "Status");
  EXPECT_EQ(conj.children[1].kind, NodeKind::kNot);
  EXPECT_EQ(conj.children[1].children[0].operand.name, "City");
  EXPECT_EQ(e.children[1].literals[0].kind, LiteralKind::kBool);
  EXPECT_EQ(e.children[1].literals[0].text, "true");
}

TEST(ParserTest, EveryComparisonOperator) {
  const std::vector<std::pair<std::string, CompareOp>> cases = {
      {"x = 1", CompareOp::kEq},  {"x != 1", CompareOp::kNe}, {"x <> 1", CompareOp::kNe},
      {"x < 1", CompareOp::kLt},  {"x <= 1", CompareOp::kLe}, {"x > 1", CompareOp::kGt},
      {"x >= 1", CompareOp::kGe}, {"x>=-1", CompareOp::kGe},
  };
  for (const auto& [text, op] : cases) EXPECT_EQ(MustParse(text).op, op) << text;
}

TEST(ParserTest, LiteralKindsAndCanonicalText) {
  struct Case {
    std::string text;
    LiteralKind kind;
    std::string value;
  };
  const std::vector<Case> cases = {
      {"x = -1.5", LiteralKind::kNumber, "-1.5"},
      {"x = 007", LiteralKind::kNumber, "007"},
      {"x = 2024-02-29", LiteralKind::kDate, "2024-02-29"},
      {"x = 2000-02-29", LiteralKind::kDate, "2000-02-29"},
      {"x = 6mo", LiteralKind::kDuration, "6mo"},
      {"x = 45m", LiteralKind::kDuration, "45m"},
      {"x = FALSE", LiteralKind::kBool, "false"},
      {"x = 'it''s'", LiteralKind::kString, "it's"},
      {"x = ''", LiteralKind::kString, ""},
      {"x = 'héllo 世界'", LiteralKind::kString, "héllo 世界"},
      {"x = 'two\nlines'", LiteralKind::kString, "two\nlines"},
  };
  for (const auto& c : cases) {
    const Expr e = MustParse(c.text);
    ASSERT_EQ(e.literals.size(), 1u) << c.text;
    EXPECT_EQ(e.literals[0].kind, c.kind) << c.text;
    EXPECT_EQ(e.literals[0].text, c.value) << c.text;
  }
}

TEST(ParserTest, FunctionWordsAreNamesWithoutParenthesis) {
  Expr e = MustParse("count > 3");
  EXPECT_EQ(e.operand.kind, Operand::Kind::kName);
  EXPECT_EQ(e.operand.name, "count");
  e = MustParse("exists = true and in_audience = false");
  EXPECT_EQ(e.children[0].operand.name, "exists");
  EXPECT_EQ(e.children[1].operand.name, "in_audience");
  // Inside a filter, names are columns, and `count` can be one.
  e = MustParse("exists(orders where count > 2)");
  EXPECT_EQ(e.event.filter[0].operand.name, "count");
}

TEST(ParserTest, PositionsOnSeveralLines) {
  const Expr e = MustParse("a = 1\n  and b = 'x'");
  ASSERT_EQ(e.children.size(), 2u);
  const Expr& b = e.children[1];
  EXPECT_EQ(b.pos.offset, 12);
  EXPECT_EQ(b.pos.line, 2);
  EXPECT_EQ(b.pos.column, 7);
  EXPECT_EQ(b.literals[0].pos.line, 2);
  EXPECT_EQ(b.literals[0].pos.column, 11);
}

TEST(ParserTest, NestingLimit) {
  const std::string ok = std::string(64, '(') + "a = 1" + std::string(64, ')');
  EXPECT_TRUE(ParseCondition(ok).ok());
  const std::string deep = std::string(65, '(') + "a = 1" + std::string(65, ')');
  SyntaxError err;
  EXPECT_FALSE(ParseCondition(deep, &err).ok());
  EXPECT_EQ(err.pos.column, 65);
  EXPECT_NE(err.reason.find("deeper than 64"), std::string::npos);
}

// --- Errors -------------------------------------------------------------------------------

struct ErrorCase {
  std::string text;
  int line;
  int column;
  std::string found;
  std::vector<std::string> expected;  // empty: not checked
  std::string message;                // a substring of Message()
};

class ParserErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrorTest, SaysWhereAndWhatWasExpected) {
  const ErrorCase& c = GetParam();
  SyntaxError err;
  const Result<Expr> r = ParseCondition(c.text, &err);
  ASSERT_FALSE(r.ok()) << c.text;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), err.Message());
  EXPECT_EQ(err.pos.line, c.line) << err.Message();
  EXPECT_EQ(err.pos.column, c.column) << err.Message();
  EXPECT_EQ(err.found, c.found) << err.Message();
  if (!c.expected.empty()) {
    EXPECT_EQ(err.expected, c.expected) << err.Message();
  }
  EXPECT_NE(err.Message().find(c.message), std::string::npos) << err.Message();
}

const std::vector<std::string> kLiteral = {"number", "string", "date", "duration", "true", "false"};
const std::vector<std::string> kPredicate = {
    "a comparison operator (=, !=, <, <=, >, >=)", "between", "in", "not in", "is", "contains"};

INSTANTIATE_TEST_SUITE_P(
    Cases, ParserErrorTest,
    ::testing::Values(
        ErrorCase{"x > ", 1, 5, "end of input", kLiteral,
                  "column 5: expected one of number, string, date, duration, true or false, "
                  "got end of input"},
        ErrorCase{"x == 3", 1, 4, "=", kLiteral, "got '='"},
        ErrorCase{"x like 'a%'", 1, 3, "like", kPredicate,
                  "expected one of a comparison operator (=, !=, <, <=, >, >=), between, in, "
                  "not in, is or contains, got 'like'"},
        ErrorCase{"x ~ 3", 1, 3, "~", {}, "column 3: unexpected character '~'"},
        ErrorCase{"(a = 1 and b = 2",
                  1,
                  17,
                  "end of input",
                  {"and", "or", ")"},
                  "expected one of and, or or ), got end of input"},
        ErrorCase{"name = 'abc", 1, 8, "'abc", {"'"}, "unterminated string"},
        ErrorCase{"signup > 2024-02-30",
                  1,
                  10,
                  "2024-02-30",
                  {"a valid date (YYYY-MM-DD)"},
                  "expected a valid date (YYYY-MM-DD), got '2024-02-30'"},
        ErrorCase{"signup > 2023-13-01", 1, 10, "2023-13-01", {"a valid date (YYYY-MM-DD)"}, ""},
        ErrorCase{"count(orders within 30x) > 1",
                  1,
                  21,
                  "30x",
                  {"a duration such as 30d, 12h, 6mo, 2w or 1y"},
                  "got '30x'"},
        ErrorCase{"count(orders within 30) > 1", 1, 21, "30", {}, "needs a unit"},
        ErrorCase{"sum(orders) > 1",
                  1,
                  11,
                  ")",
                  {"."},
                  "column 11: sum needs a column: write sum(orders.<column>)"},
        ErrorCase{"avg(orders where x = 1) > 1", 1, 12, "where", {"."}, "avg needs a column"},
        ErrorCase{"count(orders where count(items) > 1) > 0",
                  1,
                  20,
                  "count",
                  {},
                  "not allowed inside a where filter: names there are columns of 'orders'"},
        ErrorCase{"exists(a where exists(b))", 1, 16, "exists", {}, "not allowed inside"},
        ErrorCase{"exists(a where in_audience(b))", 1, 16, "in_audience", {}, "not allowed"},
        ErrorCase{"exists(orders.amount)", 1, 14, ".", {}, "exists takes a source, not a column"},
        ErrorCase{"a = 1 b = 2",
                  1,
                  7,
                  "b",
                  {"and", "or", "end of input"},
                  "expected one of and, or or end of input, got 'b'"},
        ErrorCase{"a = 1 within 30d", 1, 7, "within", {"and", "or", "end of input"}, ""},
        ErrorCase{"",
                  1,
                  1,
                  "end of input",
                  {"a condition"},
                  "column 1: expected a condition, got end of input"},
        ErrorCase{"   ", 1, 4, "end of input", {"a condition"}, "expected a condition"},
        ErrorCase{"a = 1\nand b >\n", 3, 1, "end of input", kLiteral,
                  "line 3, column 1: expected one of number"},
        ErrorCase{"a = 1\n  or (b = 'x' c)", 2, 15, "c", {"and", "or", ")"}, "line 2, column 15"},
        ErrorCase{"count(orders whithin 30d) > 1",
                  1,
                  14,
                  "whithin",
                  {".", "where", "within", "between", ")"},
                  "(did you mean 'within'?)"},
        ErrorCase{"a = 1 adn b = 2", 1, 7, "adn", {}, "did you mean 'and'?"},
        ErrorCase{"x betwen 1 and 2", 1, 3, "betwen", kPredicate, "did you mean 'between'?"},
        ErrorCase{
            "count(orders between 90d and 30d) > 1", 1, 33, ")", {"ago"}, "expected ago, got ')'"},
        ErrorCase{"count(orders where x = 1 within 30d x) > 1", 1, 37, "x", {")"}, ""},
        ErrorCase{"x = null", 1, 5, "null", kLiteral, "write 'is null'"},
        ErrorCase{"x = FR", 1, 5, "FR", kLiteral, "single quotes: 'FR'"},
        ErrorCase{"x = \"FR\"", 1, 5, "\"", {}, "strings are written in single quotes"},
        ErrorCase{"x not like 1", 1, 7, "like", {"in"}, "expected in, got 'like'"},
        ErrorCase{"x is 3", 1, 6, "3", {"null", "not"}, ""},
        ErrorCase{"x in ()", 1, 7, ")", kLiteral, ""},
        ErrorCase{"x in (1 2)", 1, 9, "2", {",", ")"}, ""},
        ErrorCase{"in_audience(and)", 1, 13, "and", {"an audience name"}, ""},
        ErrorCase{"exits(orders) > 1", 1, 1, "exits", {}, "did you mean 'exists'?"},
        ErrorCase{"x = 1.", 1, 5, "1.", {"a number"}, ""},
        ErrorCase{"x = -3d", 1, 5, "-3d", {"a number"}, ""},
        ErrorCase{"x = 'a\xff'", 1, 7, "\xff", {}, "invalid UTF-8"},
        ErrorCase{std::string("x = 'a\0b'", 9), 1, 7, std::string(1, '\0'), {}, "NUL byte"},
        ErrorCase{"not not", 1, 8, "end of input", {"a condition"}, ""},
        ErrorCase{"a = 1 and and b = 2", 1, 11, "and", {"a condition"}, ""}));

}  // namespace
}  // namespace zcdp::expr
