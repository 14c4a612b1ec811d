#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zcdp/expr/ir.h"

// The tokens of the audience condition language, and the lexical rules the parser and the
// JSON reader share (what a name, a number, a date and a duration look like).
namespace zcdp::expr::detail {

enum class TokenKind {
  kWord,      // a name or a keyword: [A-Za-z_][A-Za-z0-9_]*
  kNumber,    // -?[0-9]+(.[0-9]+)?
  kString,    // '...' with '' for a quote; `value` holds the text without escapes
  kDate,      // YYYY-MM-DD, a valid calendar date
  kDuration,  // 30d, 6mo: a count followed by a unit ParseDuration accepts
  kOp,        // = != <> < <= > >=
  kLParen,
  kRParen,
  kComma,
  kDot,
  kEnd,
  kError,  // text that is no token; `error` says why
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // as written (a view into the condition text)
  std::string value;      // kString only: the value with '' resolved
  Position pos;
};

// Splits condition text into tokens on demand, keeping the line and column of each token
// start. After kEnd or kError it returns kEnd again. Holds a view of the text.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token Next();
  // Why the last kError token is no token. Valid after Next() returned kError.
  const SyntaxError& error() const { return error_; }

 private:
  char At(size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  size_t Span(size_t i, bool (*pred)(char)) const;
  Position PosOf(size_t offset);
  Token Make(TokenKind kind, size_t start, size_t end);
  Token Error(size_t start, size_t end, std::vector<std::string> expected, std::string reason);
  Token Operator();
  Token Numeric();
  Token Date(size_t start);
  Token String();

  std::string_view text_;
  size_t i_ = 0;
  bool done_ = false;
  size_t scanned_ = 0;  // PosOf has counted the lines of text_[0, scanned_)
  int line_ = 1;
  size_t line_start_ = 0;
  SyntaxError error_;
};

// Case-insensitive comparison of a word with a lower-case keyword.
bool IsKeyword(std::string_view word, std::string_view keyword);

// Words that can never be names: and, or, not, in, is, null, between, contains, within,
// where, ago, true, false. (count, exists, ... are keywords only before '('.)
bool IsReservedWord(std::string_view word);

// True when `word` names an aggregate (count, sum, avg, min, max, any case); sets *fn
// when given.
bool AggregateOf(std::string_view word, AggregateFn* fn);

// The NAME rule: [A-Za-z_][A-Za-z0-9_]*, and not a reserved word.
bool IsValidName(std::string_view name);

// The literal rules, applied to a literal's canonical text.
bool IsValidNumber(std::string_view text);
bool IsValidDate(std::string_view text);
bool IsValidDuration(std::string_view text);

// Conditions nest at most this deep: parentheses, `not`, and the parentheses of an event.
inline constexpr int kMaxNesting = 64;

// The nesting of Print(expr) as the parser counts it (print.cc). FromJson rejects trees
// deeper than kMaxNesting, so that every tree it accepts prints to text that parses.
int NestingDepth(const Expr& expr);

}  // namespace zcdp::expr::detail
