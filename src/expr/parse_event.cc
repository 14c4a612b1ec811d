#include <string>
#include <utility>

#include "expr/lexer.h"
#include "expr/parser_internal.h"
#include "expr/text.h"

namespace zcdp::expr::detail {

// fn '(' event ')'
bool Parser::ParseAggregate(Operand* out) {
  const Token& t = Peek();
  out->kind = Operand::Kind::kAggregate;
  AggregateOf(t.text, &out->fn);
  out->pos = t.pos;
  if (!Enter(t)) return false;
  Advance();
  Advance();  // '('
  if (!ParseEvent(AggregateFnName(out->fn), &out->event)) return false;
  Leave();
  return true;
}

// 'exists' '(' event ')'
bool Parser::ParseExists(Expr* out) {
  const Token& t = Peek();
  out->kind = NodeKind::kExists;
  out->pos = t.pos;
  if (!Enter(t)) return false;
  Advance();
  Advance();  // '('
  if (!ParseEvent("exists", &out->event)) return false;
  Leave();
  return true;
}

// source ('.' column)? ('where' condition)? window? ')', after "fn(".
bool Parser::ParseEvent(std::string_view fn, EventQuery* out) {
  if (!ParseName("a source name", &out->source, &out->source_pos)) return false;
  const bool exists = fn == "exists";
  const std::string fn_text(fn);
  if (Peek().kind == TokenKind::kDot) {
    if (exists) {
      return Fail({"where", "within", "between", ")"},
                  "exists takes a source, not a column: write exists(" + out->source +
                      " where <condition>)");
    }
    Advance();
    if (!ParseName("a column name", &out->column, &out->column_pos)) return false;
  } else if (fn != "count" && !exists) {
    return Fail({"."},
                fn_text + " needs a column: write " + fn_text + "(" + out->source + ".<column>)");
  }
  if (AtKeyword("where") && !ParseFilter(out)) return false;
  if ((AtKeyword("within") || AtKeyword("between")) && !ParseWindow(&out->window)) return false;
  std::vector<std::string> expected;
  if (out->window.kind == Window::Kind::kNone) {
    if (out->filter.empty()) {
      if (!exists && out->column.empty()) expected.emplace_back(".");
      expected.emplace_back("where");
    } else {
      expected.insert(expected.end(), {"and", "or"});
    }
    expected.insert(expected.end(), {"within", "between"});
  }
  expected.emplace_back(")");
  return Expect(TokenKind::kRParen, std::move(expected));
}

// 'where' condition, whose names are the source's columns.
bool Parser::ParseFilter(EventQuery* out) {
  Advance();
  filter_source_ = out->source;
  Expr filter;
  const bool ok = ParseOr(&filter);
  filter_source_.clear();
  if (!ok) return false;
  out->filter.push_back(std::move(filter));
  return true;
}

// 'within' DURATION | 'between' DURATION 'and' DURATION 'ago'
bool Parser::ParseWindow(Window* out) {
  if (AtKeyword("within")) {
    Advance();
    out->kind = Window::Kind::kWithin;
    return ParseWindowBound(&out->from);
  }
  Advance();
  out->kind = Window::Kind::kBetween;
  return ParseWindowBound(&out->from) && ExpectKeyword("and") && ParseWindowBound(&out->to) &&
         ExpectKeyword("ago");
}

bool Parser::ParseWindowBound(std::string* out) {
  if (Peek().kind == TokenKind::kDuration) {
    *out = std::string(Peek().text);
    Advance();
    return true;
  }
  return Fail(
      {"a duration such as 30d, 12h, 6mo, 2w or 1y"}, "",
      Peek().kind == TokenKind::kNumber ? "a duration needs a unit: s, m, h, d, w, mo or y" : "");
}

bool Parser::ParseLiteral(Literal* out) {
  const Token& t = Peek();
  out->pos = t.pos;
  out->text = std::string(t.text);
  switch (t.kind) {
    case TokenKind::kNumber:
      out->kind = LiteralKind::kNumber;
      break;
    case TokenKind::kString:
      out->kind = LiteralKind::kString;
      out->text = t.value;
      break;
    case TokenKind::kDate:
      out->kind = LiteralKind::kDate;
      break;
    case TokenKind::kDuration:
      out->kind = LiteralKind::kDuration;
      break;
    default: {
      if (IsKeyword(t.text, "true") || IsKeyword(t.text, "false")) {
        out->kind = LiteralKind::kBool;
        out->text = IsKeyword(t.text, "true") ? "true" : "false";
        break;
      }
      std::string hint;
      if (t.kind == TokenKind::kWord && IsKeyword(t.text, "null")) {
        hint = "write 'is null' to test for a missing value";
      } else if (t.kind == TokenKind::kWord && !IsReservedWord(t.text)) {
        hint = "strings are written in single quotes: '" + ShortText(t.text) + "'";
      }
      return Fail({"number", "string", "date", "duration", "true", "false"}, "", std::move(hint));
    }
  }
  Advance();
  return true;
}

bool Parser::ParseName(std::string_view what, std::string* name, Position* pos) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord || IsReservedWord(t.text)) return Fail({std::string(what)});
  *name = std::string(t.text);
  *pos = t.pos;
  Advance();
  return true;
}

}  // namespace zcdp::expr::detail
