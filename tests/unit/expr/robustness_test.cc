// Hostile, random and huge input never crashes or hangs the parser, every error points into
// the text, and every valid tree survives Print -> Parse and ToJson -> FromJson unchanged.

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/expr/ir.h"

namespace zcdp::expr {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The line and column `offset` has in `text`, counted independently of the parser.
Position Locate(const std::string& text, int offset) {
  Position p;
  p.offset = offset;
  for (int i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// Parses `text` and checks the contract: an error lies inside the text and its message is
// the status message; a success prints to text that parses to the same print and JSON.
void CheckOne(const std::string& text) {
  SyntaxError err;
  const Result<Expr> r = ParseCondition(text, &err);
  if (!r.ok()) {
    ASSERT_GE(err.pos.offset, 0);
    ASSERT_LE(err.pos.offset, static_cast<int>(text.size())) << text;
    const Position expected = Locate(text, err.pos.offset);
    ASSERT_EQ(err.pos.line, expected.line) << text;
    ASSERT_EQ(err.pos.column, expected.column) << text;
    ASSERT_FALSE(err.found.empty());
    ASSERT_EQ(r.status().message(), err.Message());
    return;
  }
  const std::string printed = Print(*r);
  const Result<Expr> again = ParseCondition(printed);
  ASSERT_TRUE(again.ok()) << "input: " << text << "\nprinted: " << printed << "\n"
                          << again.status().message();
  ASSERT_EQ(Print(*again), printed);
  const Result<Expr> from_json = FromJson(ToJson(*r));
  ASSERT_TRUE(from_json.ok()) << printed << "\n" << from_json.status().message();
  ASSERT_EQ(Print(*from_json), printed);
}

const std::vector<std::string> kCorpus = {
    "count(orders within 180d) > 3 and count(email_events where action = 'click' within 30d) >= 1",
    "sum(orders.amount within 365d) >= 500",
    "exists(web_events where event = 'checkout' within 7d)",
    "count(orders between 90d and 30d ago) = 0",
    "in_audience(loyal_engaged) or not in_audience(churned)",
    "lifetime_value between 100 and 500",
    "country in ('FR', 'DE') and city is not null",
    "first_name contains 'an' or last_name not in ('x''y', 'z')",
    "not (a > 1 or b < 2) and (c <= -1.5 or d <> 2024-02-29)",
    "avg(orders.amount where status = 'paid' and amount between 1 and 5 within 6mo) >= 2",
    "max(orders.ordered_at) > 2024-01-01\n  and min(orders.amount) < 10",
    "count(orders.amount where x is null between 1y and 2w ago) != 0",
    "flag = true and other = FALSE and dur = 45m",
};

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  std::string Mutate(std::string text) {
    const size_t steps = 1 + Below(4);
    for (size_t i = 0; i < steps; ++i) MutateOnce(text);
    return text;
  }

 private:
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string Fragment() {
    static const std::vector<std::string> kFragments = {
        "(",           ")",      "'",    "''",      " and ",   " or ",
        " not ",       "count(", "sum(", "30d",     "ago",     "where ",
        "within ",     ".",      ",",    "-",       "2024-",   "\n",
        "\xff",        "''''",   "é",    "between", " in (",   "is",
        "null",        "=",      "<>",   "!",       "exists(", "in_audience(",
        "9999999999d", "0.5",    "x",    "_"};
    // A random byte a quarter of the time: NUL, controls and bytes that are not UTF-8.
    if (Below(4) == 0) return std::string(1, static_cast<char>(Below(256)));
    return kFragments[Below(kFragments.size())];
  }

  void MutateOnce(std::string& text) {
    const size_t at = text.empty() ? 0 : Below(text.size() + 1);
    switch (Below(5)) {
      case 0:  // flip a byte
        if (!text.empty()) text[Below(text.size())] ^= static_cast<char>(1 << Below(8));
        break;
      case 1:  // insert a fragment
        text.insert(at, Fragment());
        break;
      case 2:  // delete a run
        if (!text.empty()) text.erase(Below(text.size()), 1 + Below(6));
        break;
      case 3: {  // splice a piece of another corpus entry
        const std::string& other = kCorpus[Below(kCorpus.size())];
        const size_t from = Below(other.size());
        text.insert(at, other.substr(from, 1 + Below(20)));
        break;
      }
      default:  // truncate
        text.resize(at);
        break;
    }
  }

  std::mt19937_64 rng_;
};

TEST(RobustnessTest, CorpusIsValid) {
  for (const auto& text : kCorpus) {
    EXPECT_TRUE(ParseCondition(text).ok()) << text;
    CheckOne(text);
  }
}

TEST(RobustnessTest, MutatedInputsNeverCrashAndErrorsPointIntoTheText) {
  Mutator mutator(0x5eed'a0d1'e9ce'0001ULL);
  std::mt19937_64 pick(7);
  const auto start = Clock::now();
  int parsed = 0;
  constexpr int kInputs = 25000;
  for (int i = 0; i < kInputs; ++i) {
    const std::string& base = kCorpus[pick() % kCorpus.size()];
    const std::string text = mutator.Mutate(base);
    ASSERT_NO_FATAL_FAILURE(CheckOne(text));
    if (ParseCondition(text).ok()) ++parsed;
  }
  // Some mutations keep the text valid; both paths were exercised.
  EXPECT_GT(parsed, 100);
  EXPECT_LT(parsed, kInputs);
  EXPECT_LT(SecondsSince(start), 30.0);
}

TEST(RobustnessTest, DeepNestingIsAnErrorNotAStackOverflow) {
  const auto start = Clock::now();
  // Each unit opens one or two levels; the 65th level is the error.
  const std::vector<std::pair<std::string, int>> cases = {
      {"(", 64}, {"not ", 64 * 4}, {"(not ", 32 * 5}, {"exists(o where not ", 32 * 19}};
  for (const auto& [unit, error_offset] : cases) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += unit;
    SyntaxError err;
    ASSERT_FALSE(ParseCondition(text, &err).ok()) << unit;
    if (unit.starts_with("exists")) {
      // exists is not allowed inside a filter: that is found before any depth limit.
      EXPECT_NE(err.reason.find("not allowed inside a where filter"), std::string::npos);
      continue;
    }
    EXPECT_NE(err.reason.find("deeper than 64"), std::string::npos) << err.Message();
    EXPECT_EQ(err.pos.offset, error_offset) << unit;
  }
  EXPECT_LT(SecondsSince(start), 5.0);
}

TEST(RobustnessTest, MegabyteInputsReturnPromptly) {
  const auto start = Clock::now();
  std::string chain = "a = 1";
  while (chain.size() < (1u << 20)) chain += " and a = 1";
  Result<Expr> r = ParseCondition(chain);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->children.size(), (chain.size() + 5) / 10);

  const std::string value(1u << 20, 'v');
  r = ParseCondition("x = '" + value + "'");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->literals[0].text, value);

  SyntaxError err;
  EXPECT_FALSE(ParseCondition("x = '" + value, &err).ok());
  EXPECT_EQ(err.pos.offset, 4);
  EXPECT_LT(err.Message().size(), 200u);

  EXPECT_FALSE(ParseCondition(std::string(1u << 20, 'x'), &err).ok());
  EXPECT_FALSE(ParseCondition(std::string(1u << 20, ')'), &err).ok());
  EXPECT_EQ(err.pos.offset, 0);
  EXPECT_LT(SecondsSince(start), 10.0);
}

TEST(RobustnessTest, InjectionLookingStringsAreJustStrings) {
  const std::vector<std::string> values = {
      "'; DROP TABLE x; --",
      "a' OR '1'='1",
      "\\'; SELECT 1; --",
      "\" OR \"\"=\"",
      "Robert'); DROP TABLE students;--",
      "/* comment */ and 1=1",
      "héllo wörld — 世界 🎉 \u202e",
      "line\nbreak\ttab\r",
      "$1 ? :name %s {0}",
  };
  for (const auto& v : values) {
    std::string quoted = "'";
    for (char c : v) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    quoted += "'";
    const Result<Expr> r = ParseCondition("name = " + quoted);
    ASSERT_TRUE(r.ok()) << v << "\n" << r.status().message();
    EXPECT_EQ(r->literals[0].kind, LiteralKind::kString);
    EXPECT_EQ(r->literals[0].text, v);
    EXPECT_EQ(Print(*r), "name = " + quoted);
    const Result<Expr> j = FromJson(ToJson(*r));
    ASSERT_TRUE(j.ok());
    EXPECT_EQ(j->literals[0].text, v);
  }
  // Unescaped, the same text is a string followed by garbage: an error, not a condition.
  SyntaxError err;
  EXPECT_FALSE(ParseCondition("name = ''; DROP TABLE x; --'", &err).ok());
  EXPECT_EQ(err.pos.column, 10);
  // NUL bytes and bytes that are not UTF-8 are rejected where they are.
  EXPECT_FALSE(ParseCondition(std::string("name = 'a\0b'", 12), &err).ok());
  EXPECT_EQ(err.pos.offset, 9);
  EXPECT_FALSE(ParseCondition("name = 'a\xc3\x28'", &err).ok());
  EXPECT_EQ(err.pos.offset, 9);
  EXPECT_FALSE(ParseCondition("name = 'a\xed\xa0\x80'", &err).ok());  // a UTF-16 surrogate
  EXPECT_EQ(err.pos.offset, 9);
}

// Random valid trees in canonical form (no and/or directly inside the same kind).
class TreeGenerator {
 public:
  explicit TreeGenerator(uint64_t seed) : rng_(seed) {}

  Expr Condition(int depth, bool in_filter) {
    const size_t choice = Below(depth <= 0 ? 3 : 7);
    if (choice == 0 && !in_filter) return InAudience();
    if (choice == 1 && !in_filter) return Exists(depth);
    if (choice <= 2) return Predicate(depth, in_filter);
    if (choice == 3) return Not(depth, in_filter);
    return Chain(choice % 2 == 0 ? NodeKind::kAnd : NodeKind::kOr, depth, in_filter);
  }

 private:
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string Name() {
    static const std::vector<std::string> kNames = {
        "ltv", "Country", "_x", "a1", "count", "exists", "in_audience", "sum", "Where_", "ago_"};
    return kNames[Below(kNames.size())];
  }

  std::string Duration() {
    static const std::vector<std::string> kUnits = {"s", "m", "h", "d", "w", "mo", "y"};
    return std::to_string(Below(1000)) + kUnits[Below(kUnits.size())];
  }

  Literal MakeLiteral() {
    static const std::vector<std::string> kStrings = {
        "", "paid", "it's", "''", "a\nb", "é世🎉", "'; DROP TABLE x; --", " and or not "};
    Literal lit;
    switch (Below(5)) {
      case 0: {
        lit.kind = LiteralKind::kNumber;
        lit.text = (Below(2) ? "-" : "") + std::to_string(Below(100000));
        if (Below(2)) lit.text += "." + std::to_string(Below(100));
        return lit;
      }
      case 1:
        lit.kind = LiteralKind::kString;
        lit.text = kStrings[Below(kStrings.size())];
        return lit;
      case 2: {
        lit.kind = LiteralKind::kDate;
        char buf[16];
        std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", static_cast<int>(1 + Below(9999)),
                      static_cast<int>(1 + Below(12)), static_cast<int>(1 + Below(28)));
        lit.text = buf;
        return lit;
      }
      case 3:
        lit.kind = LiteralKind::kDuration;
        lit.text = Duration();
        return lit;
      default:
        lit.kind = LiteralKind::kBool;
        lit.text = Below(2) ? "true" : "false";
        return lit;
    }
  }

  EventQuery Event(int depth, AggregateFn fn, bool exists) {
    EventQuery ev;
    ev.source = Name();
    if (!exists && (fn != AggregateFn::kCount || Below(2))) ev.column = Name();
    if (depth > 0 && Below(2)) ev.filter.push_back(Condition(depth - 1, true));
    switch (Below(3)) {
      case 0:
        ev.window.kind = Window::Kind::kWithin;
        ev.window.from = Duration();
        break;
      case 1:
        ev.window.kind = Window::Kind::kBetween;
        ev.window.from = Duration();
        ev.window.to = Duration();
        break;
      default:
        break;
    }
    return ev;
  }

  Expr Predicate(int depth, bool in_filter) {
    Expr e;
    if (!in_filter && Below(2)) {
      e.operand.kind = Operand::Kind::kAggregate;
      e.operand.fn = static_cast<AggregateFn>(Below(5));
      e.operand.event = Event(depth, e.operand.fn, false);
    } else {
      e.operand.name = Name();
    }
    switch (Below(5)) {
      case 0:
        e.kind = NodeKind::kCompare;
        e.op = static_cast<CompareOp>(Below(6));
        e.literals = {MakeLiteral()};
        break;
      case 1:
        e.kind = NodeKind::kBetween;
        e.literals = {MakeLiteral(), MakeLiteral()};
        break;
      case 2:
        e.kind = NodeKind::kIn;
        e.negated = Below(2) == 1;
        for (size_t i = 0, n = 1 + Below(3); i < n; ++i) e.literals.push_back(MakeLiteral());
        break;
      case 3:
        e.kind = NodeKind::kIsNull;
        e.negated = Below(2) == 1;
        break;
      default:
        e.kind = NodeKind::kContains;
        e.literals = {MakeLiteral()};
        break;
    }
    return e;
  }

  Expr Exists(int depth) {
    Expr e;
    e.kind = NodeKind::kExists;
    e.event = Event(depth, AggregateFn::kCount, true);
    return e;
  }

  Expr InAudience() {
    Expr e;
    e.kind = NodeKind::kInAudience;
    e.audience = Name();
    return e;
  }

  Expr Not(int depth, bool in_filter) {
    Expr e;
    e.kind = NodeKind::kNot;
    e.children.push_back(Condition(depth - 1, in_filter));
    return e;
  }

  Expr Chain(NodeKind kind, int depth, bool in_filter) {
    Expr e;
    e.kind = kind;
    for (size_t i = 0, n = 2 + Below(3); i < n; ++i) {
      Expr child = Condition(depth - 1, in_filter);
      if (child.kind == kind) child = Not(depth - 1, in_filter);  // keep the tree canonical
      e.children.push_back(std::move(child));
    }
    return e;
  }

  std::mt19937_64 rng_;
};

TEST(RobustnessTest, RandomTreesRoundTripThroughTextAndJson) {
  TreeGenerator gen(20240601);
  const auto start = Clock::now();
  for (int i = 0; i < 2000; ++i) {
    const Expr tree = gen.Condition(1 + i % 6, false);
    const std::string printed = Print(tree);
    const std::string json = ToJson(tree);
    const Result<Expr> parsed = ParseCondition(printed);
    ASSERT_TRUE(parsed.ok()) << printed << "\n" << parsed.status().message();
    // ToJson leaves positions out, so equal JSON means equal trees.
    ASSERT_EQ(ToJson(*parsed), json) << printed;
    ASSERT_EQ(Print(*parsed), printed);
    const Result<Expr> from_json = FromJson(json);
    ASSERT_TRUE(from_json.ok()) << json << "\n" << from_json.status().message();
    ASSERT_EQ(ToJson(*from_json), json);
  }
  EXPECT_LT(SecondsSince(start), 30.0);
}

}  // namespace
}  // namespace zcdp::expr
