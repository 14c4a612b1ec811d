#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/expr/bound.h"
#include "zcdp/sql/dialect.h"

// The condition language's leaves as SQL: literals, comparisons, filters over a source's
// columns and time windows. Traits and audiences both build on these. User values are
// never concatenated raw: strings go through Dialect::QuoteString, names through
// QuoteIdentifier, and numbers, dates and durations are emitted from the parser's validated
// canonical text. They read the bound IR (zcdp/expr/bound.h), bound without problems.
namespace zcdp::expr {

// `parts` joined with `sep` ("a AND b"): how the compilers assemble SQL from pieces.
std::string Join(const std::vector<std::string>& parts, const std::string& sep);

// The literal as SQL: quoted text, a number, CAST('..' AS DATE), TRUE/FALSE, an interval.
std::string LiteralSql(const BoundLiteral& literal, const Dialect& dialect);

// A predicate whose NULL outcome (a missing value) counts as false, so that `not` of it is
// true, as in the real-time evaluator.
std::string Definite(const std::string& predicate);

// The predicate of a leaf node (compare, between, in, is null, contains) given the SQL of
// its operand; "FALSE" for any other node.
std::string LeafSql(const BoundExpr& e, const std::string& lhs, const Dialect& dialect);

// A boolean SQL expression for a filter over a source's columns, qualified by `alias`.
// A comparison with a missing (NULL) value is false.
std::string FilterSql(const BoundExpr& filter, std::string_view alias, const Dialect& dialect);

// A boolean SQL expression: the timestamp expression `ts` lies in `window` (TRUE when the
// window is kNone). Bounds count back from `as_of_micros` (an instant since the epoch, UTC,
// bound as a literal), never from the engine's clock, so that results depend on the run's
// instant only.
std::string WindowSql(const BoundWindow& window, std::string_view ts, int64_t as_of_micros,
                      const Dialect& dialect);

}  // namespace zcdp::expr
