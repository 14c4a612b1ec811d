#include <algorithm>
#include <array>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "zcdp/common/suggest.h"
#include "zcdp/expr/ir.h"

#include "expr/json_values.h"
#include "expr/lexer.h"
#include "expr/text.h"

// FromJson: reads the JSON form back into the IR and checks everything the parser would
// have checked, so that every accepted document prints to a condition that parses.
namespace zcdp::expr {
namespace {

using detail::CheckObject;
using detail::Error;
using detail::Json;
using detail::KindOf;
using detail::QuoteForMessage;
using detail::ReadLiteral;
using detail::ReadLiterals;
using detail::ReadName;
using detail::ReadOp;
using detail::ReadWindow;

// Deeper documents are refused before parsing, which bounds the recursion below. A valid
// condition needs at most about five JSON levels per nesting level.
constexpr int kMaxJsonDepth = 6 * detail::kMaxNesting;

constexpr std::array<const char*, 10> kConditionKeys = {
    "and", "or", "not", "compare", "between", "in", "is_null", "contains", "exists", "in_audience"};

// The deepest nesting of [ and { in `text`, outside strings.
int JsonDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// Reads conditions; `filter_source_` is set while reading an event's where filter.
class Reader {
 public:
  Result<Expr> Condition(const Json& j, const std::string& path);

 private:
  Result<Expr> Chain(NodeKind kind, const Json& j, const std::string& path);
  Result<Expr> Predicate(const std::string& key, const Json& j, const std::string& path);
  Result<Operand> ReadOperand(const Json& j, const std::string& path);
  Result<EventQuery> Event(const Json& j, const std::string& path, std::string_view fn);
  Status CheckNotInFilter(const std::string& path, const std::string& what) const;

  std::string filter_source_;
};

Result<Expr> Reader::Condition(const Json& j, const std::string& path) {
  const std::vector<std::string> keys(kConditionKeys.begin(), kConditionKeys.end());
  ZCDP_RETURN_IF_ERROR(CheckObject(j, path, "a condition object", {}, keys));
  if (j.size() != 1) {
    return Error(path, "expected exactly one of " + JoinNames(keys));
  }
  const std::string& key = j.begin().key();
  const Json& value = j.begin().value();
  const std::string at = path + "." + key;
  Expr e;
  if (key == "and") return Chain(NodeKind::kAnd, value, at);
  if (key == "or") return Chain(NodeKind::kOr, value, at);
  if (key == "not") {
    e.kind = NodeKind::kNot;
    ZCDP_ASSIGN_OR_RETURN(Expr child, Condition(value, at));
    e.children.push_back(std::move(child));
    return e;
  }
  if (key == "exists") {
    ZCDP_RETURN_IF_ERROR(CheckNotInFilter(at, "exists is"));
    e.kind = NodeKind::kExists;
    ZCDP_ASSIGN_OR_RETURN(e.event, Event(value, at, "exists"));
    return e;
  }
  if (key == "in_audience") {
    ZCDP_RETURN_IF_ERROR(CheckNotInFilter(at, "in_audience is"));
    e.kind = NodeKind::kInAudience;
    ZCDP_ASSIGN_OR_RETURN(e.audience, ReadName(value, at));
    return e;
  }
  return Predicate(key, value, at);
}

Result<Expr> Reader::Chain(NodeKind kind, const Json& j, const std::string& path) {
  if (!j.is_array() || j.size() < 2) {
    return Error(path, "expected a list of at least two conditions, got " +
                           (j.is_array() ? "a list of " + std::to_string(j.size()) : KindOf(j)));
  }
  Expr e;
  e.kind = kind;
  for (size_t i = 0; i < j.size(); ++i) {
    ZCDP_ASSIGN_OR_RETURN(Expr child, Condition(j[i], path + "[" + std::to_string(i) + "]"));
    e.children.push_back(std::move(child));
  }
  return e;
}

// The keys of each predicate object; `left` is read first, so errors follow the document.
struct PredicateShape {
  const char* key;
  NodeKind kind;
  std::vector<std::string> required;
  std::vector<std::string> optional;
};

const PredicateShape& ShapeOf(const std::string& key) {
  static const std::vector<PredicateShape> kShapes = {
      {"compare", NodeKind::kCompare, {"left", "op", "value"}, {}},
      {"between", NodeKind::kBetween, {"left", "low", "high"}, {}},
      {"in", NodeKind::kIn, {"left", "values"}, {"negated"}},
      {"is_null", NodeKind::kIsNull, {"left"}, {"negated"}},
      {"contains", NodeKind::kContains, {"left", "value"}, {}},
  };
  for (const auto& shape : kShapes) {
    if (key == shape.key) return shape;
  }
  assert(false && "Condition() passes predicate keys only");
  return kShapes.front();
}

Result<Expr> Reader::Predicate(const std::string& key, const Json& j, const std::string& path) {
  const PredicateShape& shape = ShapeOf(key);
  ZCDP_RETURN_IF_ERROR(CheckObject(j, path, "an object", shape.required, shape.optional));
  Expr e;
  e.kind = shape.kind;
  ZCDP_ASSIGN_OR_RETURN(e.operand, ReadOperand(j["left"], path + ".left"));
  if (j.contains("op")) {
    ZCDP_ASSIGN_OR_RETURN(e.op, ReadOp(j["op"], path + ".op"));
  }
  for (const char* name : {"value", "low", "high"}) {
    if (!j.contains(name)) continue;
    ZCDP_ASSIGN_OR_RETURN(Literal lit, ReadLiteral(j[name], path + "." + name));
    e.literals.push_back(std::move(lit));
  }
  if (j.contains("values")) {
    ZCDP_ASSIGN_OR_RETURN(e.literals, ReadLiterals(j["values"], path + ".values"));
  }
  if (j.contains("negated")) {
    if (!j["negated"].is_boolean()) {
      return Error(path + ".negated", "expected true or false, got " + KindOf(j["negated"]));
    }
    e.negated = j["negated"].get<bool>();
  }
  return e;
}

Result<Operand> Reader::ReadOperand(const Json& j, const std::string& path) {
  Operand op;
  if (j.is_object() && j.contains("name")) {
    ZCDP_RETURN_IF_ERROR(CheckObject(j, path, "an operand", {"name"}));
    ZCDP_ASSIGN_OR_RETURN(op.name, ReadName(j["name"], path + ".name"));
    return op;
  }
  ZCDP_RETURN_IF_ERROR(CheckObject(j, path, "an operand: {\"name\": ...} or {\"aggregate\": ...}",
                                   {"aggregate", "event"}));
  ZCDP_RETURN_IF_ERROR(CheckNotInFilter(path, "aggregates are"));
  const Json& fn = j["aggregate"];
  if (!fn.is_string() || !detail::AggregateOf(fn.get_ref<const std::string&>(), &op.fn) ||
      fn.get_ref<const std::string&>() != AggregateFnName(op.fn)) {
    return Error(path + ".aggregate", "expected one of count, sum, avg, min, max");
  }
  op.kind = Operand::Kind::kAggregate;
  ZCDP_ASSIGN_OR_RETURN(op.event, Event(j["event"], path + ".event", AggregateFnName(op.fn)));
  return op;
}

Result<EventQuery> Reader::Event(const Json& j, const std::string& path, std::string_view fn) {
  ZCDP_RETURN_IF_ERROR(
      CheckObject(j, path, "an event object", {"source"}, {"column", "where", "window"}));
  EventQuery ev;
  ZCDP_ASSIGN_OR_RETURN(ev.source, ReadName(j["source"], path + ".source"));
  const std::string fn_text(fn);
  if (j.contains("column")) {
    if (fn == "exists") return Error(path + ".column", "exists takes a source, not a column");
    ZCDP_ASSIGN_OR_RETURN(ev.column, ReadName(j["column"], path + ".column"));
  } else if (fn != "exists" && fn != "count") {
    return Error(path, fn_text + " needs a column: add \"column\"");
  }
  if (j.contains("where")) {
    filter_source_ = ev.source;
    Result<Expr> filter = Condition(j["where"], path + ".where");
    filter_source_.clear();
    if (!filter.ok()) return filter.status();
    ev.filter.push_back(std::move(filter).value());
  }
  if (j.contains("window")) {
    ZCDP_ASSIGN_OR_RETURN(ev.window, ReadWindow(j["window"], path + ".window"));
  }
  return ev;
}

Status Reader::CheckNotInFilter(const std::string& path, const std::string& what) const {
  if (filter_source_.empty()) return Status::Ok();
  return Error(path, what + " not allowed inside a where filter: names there are columns of " +
                         QuoteForMessage(filter_source_));
}

}  // namespace

Result<Expr> FromJson(std::string_view json) {
  if (JsonDepth(json) > kMaxJsonDepth) {
    return Status::Invalid("invalid JSON: nested deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels");
  }
  try {
    const Json j = Json::parse(json);
    ZCDP_ASSIGN_OR_RETURN(Expr expr, Reader().Condition(j, "$"));
    if (detail::NestingDepth(expr) > detail::kMaxNesting) {
      return Status::Invalid("$: conditions nest deeper than " +
                             std::to_string(detail::kMaxNesting) + " levels");
    }
    return expr;
  } catch (const Json::exception& e) {
    return Status::Invalid(std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace zcdp::expr
