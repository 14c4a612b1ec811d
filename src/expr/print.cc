#include <algorithm>
#include <string>

#include "zcdp/expr/ir.h"

#include "expr/lexer.h"

namespace zcdp::expr {
namespace {

// How tightly a node binds: a child that binds less tightly than its parent is
// parenthesized. Predicates, exists and in_audience never need parentheses.
int Precedence(NodeKind kind) {
  switch (kind) {
    case NodeKind::kOr:
      return 1;
    case NodeKind::kAnd:
      return 2;
    case NodeKind::kNot:
      return 3;
    default:
      return 4;
  }
}

bool NeedsParens(const Expr& parent, const Expr& child) {
  return Precedence(child.kind) < Precedence(parent.kind);
}

void PrintLiteral(const Literal& lit, std::string* out) {
  if (lit.kind != LiteralKind::kString) {
    *out += lit.text;
    return;
  }
  *out += '\'';
  for (char c : lit.text) {
    if (c == '\'') *out += '\'';
    *out += c;
  }
  *out += '\'';
}

void PrintExpr(const Expr& e, std::string* out);

void PrintWindow(const Window& w, std::string* out) {
  if (w.kind == Window::Kind::kWithin) *out += " within " + w.from;
  if (w.kind == Window::Kind::kBetween) *out += " between " + w.from + " and " + w.to + " ago";
}

// The inside of `count(...)` or `exists(...)`.
void PrintEvent(const EventQuery& ev, std::string* out) {
  *out += ev.source;
  if (!ev.column.empty()) *out += "." + ev.column;
  if (!ev.filter.empty()) {
    *out += " where ";
    PrintExpr(ev.filter.front(), out);
  }
  PrintWindow(ev.window, out);
}

void PrintOperand(const Operand& op, std::string* out) {
  if (op.kind == Operand::Kind::kName) {
    *out += op.name;
    return;
  }
  *out += AggregateFnName(op.fn);
  *out += '(';
  PrintEvent(op.event, out);
  *out += ')';
}

void PrintChild(const Expr& parent, const Expr& child, std::string* out) {
  if (!NeedsParens(parent, child)) {
    PrintExpr(child, out);
    return;
  }
  *out += '(';
  PrintExpr(child, out);
  *out += ')';
}

// `operand <predicate>`; missing literals of a malformed tree print as nothing.
void PrintPredicate(const Expr& e, std::string* out) {
  static const Literal kNone{LiteralKind::kString, "", {}};
  auto lit = [&](size_t i) -> const Literal& {
    return i < e.literals.size() ? e.literals[i] : kNone;
  };
  PrintOperand(e.operand, out);
  switch (e.kind) {
    case NodeKind::kCompare:
      *out += " ";
      *out += CompareOpName(e.op);
      *out += " ";
      PrintLiteral(lit(0), out);
      return;
    case NodeKind::kBetween:
      *out += " between ";
      PrintLiteral(lit(0), out);
      *out += " and ";
      PrintLiteral(lit(1), out);
      return;
    case NodeKind::kIn:
      *out += e.negated ? " not in (" : " in (";
      for (size_t i = 0; i < e.literals.size(); ++i) {
        if (i > 0) *out += ", ";
        PrintLiteral(e.literals[i], out);
      }
      *out += ')';
      return;
    case NodeKind::kIsNull:
      *out += e.negated ? " is not null" : " is null";
      return;
    default:  // kContains
      *out += " contains ";
      PrintLiteral(lit(0), out);
      return;
  }
}

void PrintExpr(const Expr& e, std::string* out) {
  switch (e.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr:
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) *out += e.kind == NodeKind::kAnd ? " and " : " or ";
        PrintChild(e, e.children[i], out);
      }
      return;
    case NodeKind::kNot:
      *out += "not ";
      if (!e.children.empty()) PrintChild(e, e.children.front(), out);
      return;
    case NodeKind::kExists:
      *out += "exists(";
      PrintEvent(e.event, out);
      *out += ')';
      return;
    case NodeKind::kInAudience:
      *out += "in_audience(" + e.audience + ")";
      return;
    default:
      PrintPredicate(e, out);
      return;
  }
}

int EventDepth(const EventQuery& ev) {
  return 1 + (ev.filter.empty() ? 0 : detail::NestingDepth(ev.filter.front()));
}

}  // namespace

std::string Print(const Expr& expr) {
  std::string out;
  PrintExpr(expr, &out);
  return out;
}

std::string_view CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "=";
}

std::string_view AggregateFnName(AggregateFn fn) {
  switch (fn) {
    case AggregateFn::kCount:
      return "count";
    case AggregateFn::kSum:
      return "sum";
    case AggregateFn::kAvg:
      return "avg";
    case AggregateFn::kMin:
      return "min";
    case AggregateFn::kMax:
      return "max";
  }
  return "count";
}

namespace detail {

// Mirrors the parser: parentheses, `not` and the parentheses of an event each add a level.
int NestingDepth(const Expr& expr) {
  switch (expr.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      int depth = 0;
      for (const auto& child : expr.children) {
        depth = std::max(depth, (NeedsParens(expr, child) ? 1 : 0) + NestingDepth(child));
      }
      return depth;
    }
    case NodeKind::kNot:
      if (expr.children.empty()) return 1;
      return 1 + (NeedsParens(expr, expr.children.front()) ? 1 : 0) +
             NestingDepth(expr.children.front());
    case NodeKind::kExists:
      return EventDepth(expr.event);
    case NodeKind::kInAudience:
      return 0;
    default:
      return expr.operand.kind == Operand::Kind::kAggregate ? EventDepth(expr.operand.event) : 0;
  }
}

}  // namespace detail
}  // namespace zcdp::expr
