#include "expr/json_values.h"

#include <algorithm>
#include <array>
#include <utility>

#include "zcdp/common/suggest.h"

#include "expr/lexer.h"
#include "expr/text.h"

namespace zcdp::expr::detail {

std::string KindOf(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

Status Error(const std::string& path, const std::string& message) {
  return Status::Invalid(path + ": " + message);
}

Status CheckObject(const Json& j, const std::string& path, const std::string& what,
                   const std::vector<std::string>& required,
                   const std::vector<std::string>& optional) {
  if (!j.is_object()) return Error(path, "expected " + what + ", got " + KindOf(j));
  std::vector<std::string> allowed = required;
  allowed.insert(allowed.end(), optional.begin(), optional.end());
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    return Error(path, "unknown key " + QuoteForMessage(key) + DidYouMean(key, allowed) +
                           "; expected " + JoinNames(allowed));
  }
  for (const auto& key : required) {
    if (!j.contains(key)) return Error(path, "missing key " + QuoteForMessage(key));
  }
  return Status::Ok();
}

Result<std::string> ReadName(const Json& j, const std::string& path) {
  if (j.is_string() && IsValidName(j.get_ref<const std::string&>())) {
    return j.get<std::string>();
  }
  return Error(path,
               "expected a name (letters, digits and '_', starting with a letter or '_', "
               "not a keyword), got " +
                   (j.is_string() ? QuoteForMessage(j.get_ref<const std::string&>()) : KindOf(j)));
}

Result<std::string> ReadDuration(const Json& j, const std::string& path) {
  if (j.is_string() && IsValidDuration(j.get_ref<const std::string&>())) {
    return j.get<std::string>();
  }
  return Error(path,
               "expected a duration such as \"30d\", \"12h\", \"6mo\", \"2w\" or \"1y\", got " +
                   (j.is_string() ? QuoteForMessage(j.get_ref<const std::string&>()) : KindOf(j)));
}

Result<Literal> ReadLiteral(const Json& j, const std::string& path) {
  ZCDP_RETURN_IF_ERROR(CheckObject(j, path, "a literal such as {\"number\": \"3\"}", {},
                                   {"number", "string", "date", "duration", "bool"}));
  if (j.size() != 1) {
    return Error(path, "expected exactly one of number, string, date, duration or bool");
  }
  const std::string& key = j.begin().key();
  const Json& value = j.begin().value();
  const std::string at = path + "." + key;
  Literal lit;
  if (key == "bool") {
    if (!value.is_boolean()) return Error(at, "expected true or false, got " + KindOf(value));
    lit.kind = LiteralKind::kBool;
    lit.text = value.get<bool>() ? "true" : "false";
    return lit;
  }
  if (!value.is_string()) return Error(at, "expected a string, got " + KindOf(value));
  lit.text = value.get<std::string>();
  if (key == "number") {
    lit.kind = LiteralKind::kNumber;
    if (!IsValidNumber(lit.text)) {
      return Error(at,
                   "expected a number such as \"3\" or \"-1.5\", got " + QuoteForMessage(lit.text));
    }
  } else if (key == "date") {
    lit.kind = LiteralKind::kDate;
    if (!IsValidDate(lit.text)) {
      return Error(at, "expected a valid date as YYYY-MM-DD, got " + QuoteForMessage(lit.text));
    }
  } else if (key == "duration") {
    lit.kind = LiteralKind::kDuration;
    ZCDP_ASSIGN_OR_RETURN(lit.text, ReadDuration(value, at));
  } else {
    lit.kind = LiteralKind::kString;
    if (lit.text.find('\0') != std::string::npos) {
      return Error(at, "a string may not hold a NUL byte");
    }
  }
  return lit;
}

Result<Window> ReadWindow(const Json& j, const std::string& path) {
  ZCDP_RETURN_IF_ERROR(CheckObject(j, path, "a window", {}, {"within", "between"}));
  if (j.size() != 1) return Error(path, "expected exactly one of within or between");
  Window w;
  if (j.contains("within")) {
    w.kind = Window::Kind::kWithin;
    ZCDP_ASSIGN_OR_RETURN(w.from, ReadDuration(j["within"], path + ".within"));
    return w;
  }
  const Json& bounds = j["between"];
  if (!bounds.is_array() || bounds.size() != 2) {
    return Error(path + ".between", "expected a list of two durations [older, newer]");
  }
  w.kind = Window::Kind::kBetween;
  ZCDP_ASSIGN_OR_RETURN(w.from, ReadDuration(bounds[0], path + ".between[0]"));
  ZCDP_ASSIGN_OR_RETURN(w.to, ReadDuration(bounds[1], path + ".between[1]"));
  return w;
}

Result<CompareOp> ReadOp(const Json& j, const std::string& path) {
  static constexpr std::array<std::pair<const char*, CompareOp>, 7> kOps = {{
      {"=", CompareOp::kEq},
      {"!=", CompareOp::kNe},
      {"<>", CompareOp::kNe},
      {"<", CompareOp::kLt},
      {"<=", CompareOp::kLe},
      {">", CompareOp::kGt},
      {">=", CompareOp::kGe},
  }};
  for (const auto& [name, op] : kOps) {
    if (j == name) return op;
  }
  return Error(path, "expected one of =, !=, <, <=, >, >=");
}

Result<std::vector<Literal>> ReadLiterals(const Json& j, const std::string& path) {
  if (!j.is_array() || j.empty()) return Error(path, "expected a non-empty list of literals");
  std::vector<Literal> out;
  for (size_t i = 0; i < j.size(); ++i) {
    ZCDP_ASSIGN_OR_RETURN(Literal lit, ReadLiteral(j[i], path + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(lit));
  }
  return out;
}

}  // namespace zcdp::expr::detail
