#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"

// The audience IR: what the audience language parses into, what the UI builder writes as
// JSON, and what compiles to SQL (and later to the real-time evaluator). The same condition
// grammar is used for the `where` filters of traits and event conditions, where names refer
// to source columns instead of traits. The grammar is documented in docs/audiences.md.
namespace zcdp::expr {

// A place in the condition text: byte offset, and 1-based line and column.
struct Position {
  int offset = 0;
  int line = 1;
  int column = 1;
};

enum class LiteralKind { kNumber, kString, kBool, kDate, kDuration };

// A typed literal. `text` is canonical: a number as written without a leading '+'
// ("3", "-1.5"), a string's value with escapes resolved, "true"/"false", a date as
// "YYYY-MM-DD", a duration as ParseDuration accepts it ("30d", "6mo").
struct Literal {
  LiteralKind kind = LiteralKind::kNumber;
  std::string text;
  Position pos;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
enum class AggregateFn { kCount, kSum, kAvg, kMin, kMax };

// A time window relative to the evaluation time.
//   within 30d               -> kWithin,  from = "30d"
//   between 90d and 30d ago  -> kBetween, from = "90d", to = "30d" (from is the older bound)
struct Window {
  enum class Kind { kNone, kWithin, kBetween };
  Kind kind = Kind::kNone;
  std::string from;
  std::string to;
};

struct Expr;

// The rows of one source an event condition looks at: `orders`, `orders.amount`,
// `email_events where action = 'click' within 30d`.
struct EventQuery {
  std::string source;
  Position source_pos;
  std::string column;  // empty unless written as source.column (sum(orders.amount))
  Position column_pos;
  std::vector<Expr> filter;  // empty, or exactly one condition over the source's columns
  Window window;
};

// The left side of a comparison: a name (a trait at the top level, a column inside a
// filter), or an aggregate over a source's rows.
struct Operand {
  enum class Kind { kName, kAggregate };
  Kind kind = Kind::kName;
  std::string name;                      // kName
  AggregateFn fn = AggregateFn::kCount;  // kAggregate
  EventQuery event;                      // kAggregate
  Position pos;
};

enum class NodeKind {
  kAnd,         // children: two or more
  kOr,          // children: two or more
  kNot,         // children: exactly one
  kCompare,     // operand op literals[0]
  kBetween,     // operand between literals[0] and literals[1] (inclusive)
  kIn,          // operand [not] in (literals...), negated for `not in`
  kIsNull,      // operand is [not] null, negated for `is not null`
  kContains,    // operand contains literals[0] (substring of a text)
  kExists,      // exists(event)
  kInAudience,  // in_audience(audience)
};

struct Expr {
  NodeKind kind = NodeKind::kAnd;
  std::vector<Expr> children;
  Operand operand;
  CompareOp op = CompareOp::kEq;
  bool negated = false;
  std::vector<Literal> literals;
  EventQuery event;
  std::string audience;
  Position pos;
};

// Why a condition did not parse: where, what was found, and the tokens that would have
// been accepted there (e.g. {"number", "string", "date", "duration", "true", "false"}).
struct SyntaxError {
  Position pos;
  std::string found;  // the offending token as written, or "end of input"
  std::vector<std::string> expected;
  std::string reason;      // when set, a rule the text broke ("sum needs a column: ...")
  std::string hint;        // optional, e.g. "did you mean 'within'?"
  bool multiline = false;  // the text has several lines, so Message() names the line
  // "line L, column C: expected one of ..., got ..." (line omitted for one-line text), or
  // "line L, column C: <reason>" when a reason is set; the hint follows in parentheses.
  std::string Message() const;
};

// Parses a condition. Keywords are case-insensitive; names are [A-Za-z_][A-Za-z0-9_]*.
// Returns InvalidArgument with SyntaxError::Message() on failure, and fills *error when
// given. Never crashes or hangs on any input; nesting deeper than 64 levels is an error.
Result<Expr> ParseCondition(std::string_view text, SyntaxError* error = nullptr);

// The canonical text of a condition: lower-case keywords, single spaces, parentheses only
// where precedence needs them. ParseCondition(Print(e)) gives back e (positions aside).
std::string Print(const Expr& expr);

// The JSON form of the IR (what the UI builder writes). Positions are not part of it.
// FromJson(ToJson(e)) prints the same as e. FromJson rejects malformed documents with
// InvalidArgument naming the JSON path ("$.and[1].compare.value: expected ...").
// Never throws. The form is documented in docs/audiences.md.
std::string ToJson(const Expr& expr);
Result<Expr> FromJson(std::string_view json);

// Names used by the printer and the JSON form: "=", "!=", ..., "count", "sum", ...
std::string_view CompareOpName(CompareOp op);
std::string_view AggregateFnName(AggregateFn fn);

}  // namespace zcdp::expr
