#include <string>

#include <nlohmann/json.hpp>

#include "zcdp/expr/ir.h"

// ToJson: the JSON form of the IR, as documented in docs/audiences.md. FromJson, which reads
// it back and validates it, is in ir_from_json.cc.
namespace zcdp::expr {
namespace {

// Keys keep the order they are written in, so documents read like the DSL.
using Json = nlohmann::ordered_json;

Json ExprJson(const Expr& e);

Json LiteralJson(const Literal& lit) {
  switch (lit.kind) {
    case LiteralKind::kNumber:
      return {{"number", lit.text}};
    case LiteralKind::kString:
      return {{"string", lit.text}};
    case LiteralKind::kDate:
      return {{"date", lit.text}};
    case LiteralKind::kDuration:
      return {{"duration", lit.text}};
    case LiteralKind::kBool:
      return {{"bool", lit.text == "true"}};
  }
  return nullptr;
}

Json EventJson(const EventQuery& ev) {
  Json j = {{"source", ev.source}};
  if (!ev.column.empty()) j["column"] = ev.column;
  if (!ev.filter.empty()) j["where"] = ExprJson(ev.filter.front());
  if (ev.window.kind == Window::Kind::kWithin) j["window"] = {{"within", ev.window.from}};
  if (ev.window.kind == Window::Kind::kBetween) {
    j["window"] = {{"between", Json::array({ev.window.from, ev.window.to})}};
  }
  return j;
}

Json OperandJson(const Operand& op) {
  if (op.kind == Operand::Kind::kName) return {{"name", op.name}};
  return {{"aggregate", std::string(AggregateFnName(op.fn))}, {"event", EventJson(op.event)}};
}

// literals[i], or null for a malformed tree that lacks it.
Json LiteralAt(const Expr& e, size_t i) {
  return i < e.literals.size() ? LiteralJson(e.literals[i]) : Json(nullptr);
}

Json PredicateJson(const Expr& e) {
  Json body = {{"left", OperandJson(e.operand)}};
  switch (e.kind) {
    case NodeKind::kCompare:
      body["op"] = std::string(CompareOpName(e.op));
      body["value"] = LiteralAt(e, 0);
      return {{"compare", body}};
    case NodeKind::kBetween:
      body["low"] = LiteralAt(e, 0);
      body["high"] = LiteralAt(e, 1);
      return {{"between", body}};
    case NodeKind::kIn: {
      Json values = Json::array();
      for (const auto& lit : e.literals) values.push_back(LiteralJson(lit));
      body["values"] = std::move(values);
      body["negated"] = e.negated;
      return {{"in", body}};
    }
    case NodeKind::kIsNull:
      body["negated"] = e.negated;
      return {{"is_null", body}};
    default:  // kContains
      body["value"] = LiteralAt(e, 0);
      return {{"contains", body}};
  }
}

Json ExprJson(const Expr& e) {
  switch (e.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      Json children = Json::array();
      for (const auto& child : e.children) children.push_back(ExprJson(child));
      return {{e.kind == NodeKind::kAnd ? "and" : "or", std::move(children)}};
    }
    case NodeKind::kNot:
      return {{"not", e.children.empty() ? Json(nullptr) : ExprJson(e.children.front())}};
    case NodeKind::kExists:
      return {{"exists", EventJson(e.event)}};
    case NodeKind::kInAudience:
      return {{"in_audience", e.audience}};
    default:
      return PredicateJson(e);
  }
}

}  // namespace

std::string ToJson(const Expr& expr) {
  // Text that is not UTF-8 can only come from a tree built in code; replacing it keeps
  // ToJson from throwing.
  return ExprJson(expr).dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace zcdp::expr
