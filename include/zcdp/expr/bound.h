#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/duration.h"
#include "zcdp/expr/catalog.h"
#include "zcdp/expr/ir.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

// The bound audience IR: what the checker makes of a project's conditions, once per project.
// Names are resolved to traits, sources and columns with their value types, literals are
// decoded, each condition lists the aggregates and windows it needs, and audiences come in
// dependency order. Two consumers read it and nothing else: the SQL compilers (traits and
// audiences, over zcdp/expr/sql.h) and the real-time evaluator. It holds names, types and
// the literals written in the project, never customer values.
namespace zcdp::expr {

// A literal, decoded once when the condition is bound.
struct BoundLiteral {
  LiteralKind kind = LiteralKind::kNumber;
  // The canonical text (Literal::text): a number's digits, a string's value, "YYYY-MM-DD",
  // "true"/"false", a duration as written ("30d").
  std::string text;
  double number = 0;     // kNumber
  bool boolean = false;  // kBool
  int64_t micros = 0;    // kDate: midnight UTC of that day, microseconds since the epoch
  Duration duration;     // kDuration
};

// A window relative to the evaluation instant, its bounds as lengths of time:
//   within 30d               -> kWithin,  from = 30d
//   between 90d and 30d ago  -> kBetween, from = 90d, to = 30d (from is the older bound)
struct BoundWindow {
  Window::Kind kind = Window::Kind::kNone;
  Duration from;
  Duration to;
};

struct BoundExpr;

// One aggregate of a condition (count, sum, avg, min, max, or exists) over the rows of one
// source that reach a profile, after its window and filter.
struct BoundAggregate {
  AggregateFn fn = AggregateFn::kCount;
  bool exists = false;  // exists(...): holds when the filtered rows are not empty
  std::string source;
  std::string column;  // empty for count(source) and exists(...)
  ValueType column_type = ValueType::kAny;
  // The source's timestamp column; set whenever `window` is not kNone.
  std::string timestamp;
  BoundWindow window;
  std::vector<BoundExpr> filter;  // empty, or one filter over the source's columns
  // The aggregate's value: a number for count, sum and avg, the column's type for min, max.
  ValueType type = ValueType::kNumber;

  // True when a profile without rows has the value 0 (count, sum, exists) rather than none.
  bool ZeroWhenNoRows() const;
};

// A node of a bound condition or filter. The node kinds are the IR's (NodeKind). Leaves
// (compare, between, in, is null, contains) read one operand: a trait at the top level of an
// audience, a column inside a filter, or an aggregate.
struct BoundExpr {
  enum class Operand { kNone, kTrait, kColumn, kAggregate };
  NodeKind kind = NodeKind::kAnd;
  std::vector<BoundExpr> children;  // and, or (two or more), not (one)
  Operand operand = Operand::kNone;
  std::string name;  // kTrait, kColumn: the trait's or the column's name
  // kAggregate leaves and exists nodes: the index in BoundCondition::aggregates.
  int aggregate = -1;
  ValueType type = ValueType::kAny;  // the operand's type
  CompareOp op = CompareOp::kEq;
  bool negated = false;  // `not in`, `is not null`
  std::vector<BoundLiteral> literals;
  std::string audience;  // kInAudience
};

// An audience's condition, bound.
struct BoundCondition {
  BoundExpr root;
  // Every aggregate and exists of the condition (not inside in_audience), in the order they
  // are written; BoundExpr::aggregate indexes this.
  std::vector<BoundAggregate> aggregates;
  std::vector<std::string> traits;     // the traits read, in the order first written
  std::vector<std::string> audiences;  // the in_audience references, in the order written
};

struct BoundAudience {
  std::string name;
  std::string text;  // the canonical text of the condition (Print)
  BoundCondition condition;
};

// A trait's row condition: its `window` (over its source's timestamp) and its `where`.
struct BoundTraitFilter {
  std::string timestamp;  // the source's timestamp column; set when window is not kNone
  BoundWindow window;
  std::vector<BoundExpr> where;  // empty, or the `where` filter over the source's columns
};

// Every condition of a project, bound.
struct BoundProject {
  // The audiences that bound without a problem, in an order where every in_audience
  // reference comes before the audience that makes it.
  std::vector<BoundAudience> audiences;
  // Trait name -> its row condition, for each trait with a window or a `where`.
  std::map<std::string, BoundTraitFilter> trait_filters;

  // nullptr when `name` is not a bound audience.
  const BoundAudience* FindAudience(std::string_view name) const;
  // nullptr when the trait has neither window nor `where`.
  const BoundTraitFilter* TraitFilter(std::string_view trait) const;
  // The audience names of `audiences`, in that order.
  std::vector<std::string> Order() const;
};

// One type or name error in a condition, at a position in the condition's text.
struct Problem {
  Position pos;
  std::string message;
};

// Binds an audience condition: traits, audiences, sources and filter columns exist; each
// literal fits the type of what it is compared with; windows need a source timestamp;
// `contains` applies to text. Every problem is added to `*problems` (with did-you-mean
// hints); the result is meaningful only when none was added.
BoundCondition BindCondition(const Expr& condition, const Project& project, const Catalog& catalog,
                             std::vector<Problem>* problems);

// Binds a filter over the columns of `source` (a trait's `where`, or an event's `where`):
// names are columns; aggregates, exists and in_audience are not allowed.
BoundExpr BindFilter(const Expr& filter, const std::string& source, const Catalog& catalog,
                     std::vector<Problem>* problems);

// Parses and binds every audience condition and trait filter of the project: the one place
// project conditions are parsed. Problems go to `diags` at the project file position of the
// `where`, with the line and column inside the condition, and in_audience cycles are named.
// An audience with a problem, or that refers to one, is left out of the result, and so is a
// trait whose filter has one; everything else is bound.
BoundProject BindProject(const Project& project, const Catalog& catalog, Diagnostics& diags);

// BindProject for callers that need every condition: InvalidArgument with the problems when
// there is any.
Result<BoundProject> BindAll(const Project& project, const Catalog& catalog);

}  // namespace zcdp::expr
