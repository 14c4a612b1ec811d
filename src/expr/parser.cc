#include <algorithm>
#include <string>
#include <utility>

#include "zcdp/common/suggest.h"

#include "expr/lexer.h"
#include "expr/parser_internal.h"
#include "expr/text.h"

namespace zcdp::expr {
namespace detail {
namespace {

// Longer texts are refused up front: positions are int offsets.
constexpr size_t kMaxTextSize = size_t{64} << 20;

const std::vector<std::string>& PredicateExpected() {
  static const std::vector<std::string> kExpected = {
      "a comparison operator (=, !=, <, <=, >, >=)", "between", "in", "not in", "is", "contains"};
  return kExpected;
}

CompareOp OpOf(std::string_view op) {
  if (op == "!=" || op == "<>") return CompareOp::kNe;
  if (op == "<") return CompareOp::kLt;
  if (op == "<=") return CompareOp::kLe;
  if (op == ">") return CompareOp::kGt;
  if (op == ">=") return CompareOp::kGe;
  return CompareOp::kEq;
}

// "did you mean 'within'?" when `word` looks like a misspelt keyword among `expected`.
std::string KeywordHint(std::string_view word, const std::vector<std::string>& expected) {
  std::vector<std::string> keywords;
  for (const auto& e : expected) {
    if (e.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos) {
      keywords.push_back(e);
    }
  }
  const std::string best = ClosestMatch(word, keywords);
  if (best.empty() || IsKeyword(word, best)) return "";
  return "did you mean '" + best + "'?";
}

void AppendFlattened(Expr* node, Expr child) {
  if (child.kind != node->kind) {
    node->children.push_back(std::move(child));
    return;
  }
  for (auto& grandchild : child.children) node->children.push_back(std::move(grandchild));
}

}  // namespace

Parser::Parser(std::string_view text) : text_(text), lexer_(text) {}

bool Parser::ParseAll(Expr* out) {
  if (!ParseOr(out)) return false;
  if (Peek().kind != TokenKind::kEnd) return Fail({"and", "or", "end of input"});
  return true;
}

bool Parser::ParseOr(Expr* out) { return ParseChain(NodeKind::kOr, "or", &Parser::ParseAnd, out); }

bool Parser::ParseAnd(Expr* out) {
  return ParseChain(NodeKind::kAnd, "and", &Parser::ParseNot, out);
}

// sub ('keyword' sub)*, flattened into one node of `kind` when there are several.
bool Parser::ParseChain(NodeKind kind, std::string_view keyword, bool (Parser::*sub)(Expr*),
                        Expr* out) {
  Expr first;
  if (!(this->*sub)(&first)) return false;
  if (!AtKeyword(keyword)) {
    *out = std::move(first);
    return true;
  }
  Expr node;
  node.kind = kind;
  node.pos = first.pos;
  AppendFlattened(&node, std::move(first));
  while (AtKeyword(keyword)) {
    Advance();
    Expr next;
    if (!(this->*sub)(&next)) return false;
    AppendFlattened(&node, std::move(next));
  }
  *out = std::move(node);
  return true;
}

bool Parser::ParseNot(Expr* out) {
  if (!AtKeyword("not")) return ParsePrimary(out);
  const Token& t = Peek();
  if (!Enter(t)) return false;
  Advance();
  Expr child;
  if (!ParseNot(&child)) return false;
  Leave();
  out->kind = NodeKind::kNot;
  out->pos = t.pos;
  out->children.push_back(std::move(child));
  return true;
}

bool Parser::ParsePrimary(Expr* out) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kLParen) return ParseGroup(out);
  if (t.kind == TokenKind::kWord && Peek(1).kind == TokenKind::kLParen) {
    if (!CheckNotInFilter(t)) return false;
    if (IsKeyword(t.text, "exists")) return ParseExists(out);
    if (IsKeyword(t.text, "in_audience")) return ParseInAudience(out);
  }
  if (t.kind == TokenKind::kWord && !IsReservedWord(t.text)) return ParseComparison(out);
  return Fail({"a condition"});
}

bool Parser::ParseGroup(Expr* out) {
  if (!Enter(Peek())) return false;
  Advance();
  if (!ParseOr(out)) return false;
  if (!Expect(TokenKind::kRParen, {"and", "or", ")"})) return false;
  Leave();
  return true;
}

bool Parser::ParseInAudience(Expr* out) {
  out->kind = NodeKind::kInAudience;
  out->pos = Peek().pos;
  Advance();
  Advance();  // '('
  Position unused;
  if (!ParseName("an audience name", &out->audience, &unused)) return false;
  return Expect(TokenKind::kRParen, {")"});
}

// operand predicate
bool Parser::ParseComparison(Expr* out) {
  const Token& t = Peek();
  if (Peek(1).kind == TokenKind::kLParen && AggregateOf(t.text, nullptr)) {
    if (!ParseAggregate(&out->operand)) return false;
  } else {
    out->operand.kind = Operand::Kind::kName;
    out->operand.name = std::string(t.text);
    out->operand.pos = t.pos;
    Advance();
    if (Peek().kind == TokenKind::kLParen) {
      static const std::vector<std::string> kFunctions = {"exists", "in_audience", "count", "sum",
                                                          "avg",    "min",         "max"};
      const std::string best = ClosestMatch(t.text, kFunctions);
      return FailAt(t, PredicateExpected(),
                    QuoteForMessage(t.text) +
                        " is not a function: expected exists, in_audience, count, sum, avg, "
                        "min or max",
                    best.empty() ? "" : "did you mean '" + best + "'?");
    }
  }
  out->pos = out->operand.pos;
  return ParsePredicate(out);
}

bool Parser::ParsePredicate(Expr* out) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kOp) {
    out->kind = NodeKind::kCompare;
    out->op = OpOf(t.text);
    Advance();
    out->literals.emplace_back();
    return ParseLiteral(&out->literals.back());
  }
  if (AtKeyword("between")) {
    out->kind = NodeKind::kBetween;
    Advance();
    out->literals.resize(2);
    return ParseLiteral(&out->literals[0]) && ExpectKeyword("and") &&
           ParseLiteral(&out->literals[1]);
  }
  if (AtKeyword("not")) {
    out->negated = true;
    Advance();
    if (!ExpectKeyword("in")) return false;
    return ParseList(out);
  }
  if (AtKeyword("in")) {
    Advance();
    return ParseList(out);
  }
  if (AtKeyword("is")) {
    out->kind = NodeKind::kIsNull;
    Advance();
    if (AtKeyword("not")) {
      out->negated = true;
      Advance();
      return ExpectKeyword("null");
    }
    if (!AtKeyword("null")) return Fail({"null", "not"});
    Advance();
    return true;
  }
  if (AtKeyword("contains")) {
    out->kind = NodeKind::kContains;
    Advance();
    out->literals.emplace_back();
    return ParseLiteral(&out->literals.back());
  }
  return Fail(PredicateExpected());
}

// '(' literal (',' literal)* ')', after `in` or `not in`.
bool Parser::ParseList(Expr* out) {
  out->kind = NodeKind::kIn;
  if (!Expect(TokenKind::kLParen, {"("})) return false;
  while (true) {
    out->literals.emplace_back();
    if (!ParseLiteral(&out->literals.back())) return false;
    if (Peek().kind != TokenKind::kComma) break;
    Advance();
  }
  return Expect(TokenKind::kRParen, {",", ")"});
}

bool Parser::CheckNotInFilter(const Token& t) {
  if (filter_source_.empty()) return true;
  if (!IsKeyword(t.text, "exists") && !IsKeyword(t.text, "in_audience") &&
      !AggregateOf(t.text, nullptr)) {
    return true;
  }
  return FailAt(t, {"a column name"},
                "aggregates, exists and in_audience are not allowed inside a where filter: "
                "names there are columns of " +
                    QuoteForMessage(filter_source_));
}

// --- Tokens -------------------------------------------------------------------------------

const Token& Parser::Peek(size_t ahead) {
  // Tokens are read on demand, so an error deep in a long text costs nothing until reached.
  // The lexer returns kEnd forever after kEnd or kError, so this always ends.
  while (tokens_.size() <= next_ + ahead) tokens_.push_back(lexer_.Next());
  return tokens_[next_ + ahead];
}

bool Parser::AtKeyword(std::string_view keyword) {
  return Peek().kind == TokenKind::kWord && IsKeyword(Peek().text, keyword);
}

void Parser::Advance() {
  if (Peek().kind != TokenKind::kEnd && Peek().kind != TokenKind::kError) ++next_;
}

bool Parser::Expect(TokenKind kind, std::vector<std::string> expected) {
  if (Peek().kind != kind) return Fail(std::move(expected));
  Advance();
  return true;
}

bool Parser::ExpectKeyword(std::string_view keyword) {
  if (!AtKeyword(keyword)) return Fail({std::string(keyword)});
  Advance();
  return true;
}

bool Parser::Enter(const Token& t) {
  if (++depth_ <= kMaxNesting) return true;
  return FailAt(t, {}, "conditions nest deeper than " + std::to_string(kMaxNesting) + " levels");
}

bool Parser::Fail(std::vector<std::string> expected, std::string reason, std::string hint) {
  return FailAt(Peek(), std::move(expected), std::move(reason), std::move(hint));
}

bool Parser::FailAt(const Token& t, std::vector<std::string> expected, std::string reason,
                    std::string hint) {
  if (t.kind == TokenKind::kError) {
    error_ = lexer_.error();  // the text there is no token at all: say that first
  } else {
    error_.pos = t.pos;
    error_.found = t.kind == TokenKind::kEnd ? "end of input" : ShortText(t.text);
    if (hint.empty() && t.kind == TokenKind::kWord) hint = KeywordHint(t.text, expected);
    error_.expected = std::move(expected);
    error_.reason = std::move(reason);
    error_.hint = std::move(hint);
  }
  error_.multiline = text_.find('\n') != std::string_view::npos;
  return false;
}

}  // namespace detail

std::string SyntaxError::Message() const {
  std::string out = multiline ? "line " + std::to_string(pos.line) + ", " : "";
  out += "column " + std::to_string(pos.column) + ": ";
  if (!reason.empty()) {
    out += reason;
  } else {
    out += "expected ";
    if (expected.size() > 1) out += "one of ";
    for (size_t i = 0; i < expected.size(); ++i) {
      if (i > 0) out += i + 1 == expected.size() ? " or " : ", ";
      out += expected[i];
    }
    out += ", got " + (found == "end of input" ? found : detail::QuoteForMessage(found));
  }
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

Result<Expr> ParseCondition(std::string_view text, SyntaxError* error) {
  SyntaxError failure;
  Expr expr;
  if (text.size() > detail::kMaxTextSize) {
    failure.found = detail::ShortText(text);
    failure.reason = "a condition may be at most 64 MiB long";
  } else {
    detail::Parser parser(text);
    if (parser.ParseAll(&expr)) return expr;
    failure = parser.error();
  }
  if (error != nullptr) *error = failure;
  return Status::Invalid(failure.Message());
}

}  // namespace zcdp::expr
