#include "zcdp/expr/sql.h"

namespace zcdp::expr {
namespace {

// The operator as SQL: the printed form, but for != (SQL's <>).
std::string SqlOp(CompareOp op) {
  return op == CompareOp::kNe ? "<>" : std::string(CompareOpName(op));
}

}  // namespace

std::string Definite(const std::string& predicate) { return "COALESCE(" + predicate + ", FALSE)"; }

std::string LeafSql(const BoundExpr& e, const std::string& lhs, const Dialect& d) {
  const auto lit = [&](size_t i) { return LiteralSql(e.literals.at(i), d); };
  switch (e.kind) {
    case NodeKind::kCompare:
      return Definite(lhs + " " + SqlOp(e.op) + " " + lit(0));
    case NodeKind::kBetween:
      return Definite(lhs + " BETWEEN " + lit(0) + " AND " + lit(1));
    case NodeKind::kIn: {
      std::vector<std::string> values;
      for (size_t i = 0; i < e.literals.size(); ++i) values.push_back(lit(i));
      return Definite(lhs + (e.negated ? " NOT IN (" : " IN (") + Join(values, ", ") + ")");
    }
    case NodeKind::kIsNull:
      return lhs + (e.negated ? " IS NOT NULL" : " IS NULL");
    case NodeKind::kContains:
      return Definite("position(" + lit(0) + " IN " + d.Cast(lhs, SqlType::kText) + ") > 0");
    default:
      return "FALSE";
  }
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string LiteralSql(const BoundLiteral& literal, const Dialect& d) {
  switch (literal.kind) {
    case LiteralKind::kNumber:
      return literal.text;  // validated by the parser: -?[0-9]+(\.[0-9]+)?
    case LiteralKind::kString:
      return d.QuoteString(literal.text);
    case LiteralKind::kBool:
      return literal.boolean ? "TRUE" : "FALSE";
    case LiteralKind::kDate:
      return d.Cast(d.QuoteString(literal.text), SqlType::kDate);
    case LiteralKind::kDuration:
      return d.IntervalLiteral(literal.duration);
  }
  return "NULL";
}

std::string WindowSql(const BoundWindow& window, std::string_view ts, int64_t as_of_micros,
                      const Dialect& d) {
  const std::string as_of = d.TimestampLiteral(as_of_micros);
  const auto bound = [&](const Duration& duration) { return d.TimestampMinus(as_of, duration); };
  const std::string t = d.Cast(ts, SqlType::kTimestamp);
  switch (window.kind) {
    case Window::Kind::kNone:
      return "TRUE";
    case Window::Kind::kWithin:
      return Definite(t + " >= " + bound(window.from));
    case Window::Kind::kBetween:
      return Definite(t + " >= " + bound(window.from) + " AND " + t + " < " + bound(window.to));
  }
  return "TRUE";
}

std::string FilterSql(const BoundExpr& e, std::string_view alias, const Dialect& d) {
  switch (e.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::vector<std::string> parts;
      for (const auto& c : e.children) parts.push_back(FilterSql(c, alias, d));
      return "(" + Join(parts, e.kind == NodeKind::kAnd ? " AND " : " OR ") + ")";
    }
    case NodeKind::kNot:
      return "(NOT " + FilterSql(e.children.at(0), alias, d) + ")";
    case NodeKind::kExists:
    case NodeKind::kInAudience:
      return "FALSE";  // refused by BindFilter
    default:
      return LeafSql(e, std::string(alias) + "." + d.QuoteIdentifier(e.name), d);
  }
}

}  // namespace zcdp::expr
