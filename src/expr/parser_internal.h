#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/expr/ir.h"

#include "expr/lexer.h"

// The recursive-descent parser behind ParseCondition. Conditions are in parser.cc, events,
// windows and literals in parse_event.cc.
namespace zcdp::expr::detail {

// Parses one condition text. Each rule returns false with error() set on failure; the
// parse stops at the first error.
class Parser {
 public:
  explicit Parser(std::string_view text);

  // Parses the whole text into *out.
  bool ParseAll(Expr* out);
  const SyntaxError& error() const { return error_; }

 private:
  // Conditions (parser.cc).
  bool ParseOr(Expr* out);
  bool ParseAnd(Expr* out);
  bool ParseChain(NodeKind kind, std::string_view keyword, bool (Parser::*sub)(Expr*), Expr* out);
  bool ParseNot(Expr* out);
  bool ParsePrimary(Expr* out);
  bool ParseGroup(Expr* out);
  bool ParseInAudience(Expr* out);
  bool ParseComparison(Expr* out);
  bool ParsePredicate(Expr* out);
  bool ParseList(Expr* out);

  // Events, windows and literals (parse_event.cc).
  bool ParseAggregate(Operand* out);
  bool ParseExists(Expr* out);
  bool ParseEvent(std::string_view fn, EventQuery* out);
  bool ParseFilter(EventQuery* out);
  bool ParseWindow(Window* out);
  bool ParseWindowBound(std::string* out);
  bool ParseLiteral(Literal* out);
  bool ParseName(std::string_view what, std::string* name, Position* pos);
  // Fails when `t` starts an aggregate, exists or in_audience inside a where filter.
  bool CheckNotInFilter(const Token& t);

  // Tokens.
  const Token& Peek(size_t ahead = 0);
  bool AtKeyword(std::string_view keyword);
  void Advance();
  bool Expect(TokenKind kind, std::vector<std::string> expected);
  bool ExpectKeyword(std::string_view keyword);
  // One more level of nesting at `t`; fails past kMaxNesting.
  bool Enter(const Token& t);
  void Leave() { --depth_; }

  // Records the error at the next token (or at `t`) and returns false.
  bool Fail(std::vector<std::string> expected, std::string reason = "", std::string hint = "");
  bool FailAt(const Token& t, std::vector<std::string> expected, std::string reason = "",
              std::string hint = "");

  std::string_view text_;
  Lexer lexer_;
  // Every token read so far; a deque, so that references to tokens stay valid.
  std::deque<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
  std::string filter_source_;  // the event's source while its where filter is parsed
  SyntaxError error_;
};

}  // namespace zcdp::expr::detail
