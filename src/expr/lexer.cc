#include "expr/lexer.h"

#include <algorithm>
#include <array>
#include <utility>

#include "zcdp/sql/dialect.h"

#include "expr/text.h"

namespace zcdp::expr::detail {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c); }

constexpr const char* kDurationExample = "a duration such as 30d, 12h, 6mo, 2w or 1y";

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

size_t Lexer::Span(size_t i, bool (*pred)(char)) const {
  while (i < text_.size() && pred(text_[i])) ++i;
  return i;
}

// Positions only move forward, so counting lines incrementally keeps lexing linear.
Position Lexer::PosOf(size_t offset) {
  for (; scanned_ < offset; ++scanned_) {
    if (text_[scanned_] == '\n') {
      ++line_;
      line_start_ = scanned_ + 1;
    }
  }
  return {static_cast<int>(offset), line_, static_cast<int>(offset - line_start_) + 1};
}

Token Lexer::Make(TokenKind kind, size_t start, size_t end) {
  Token t;
  t.kind = kind;
  t.text = text_.substr(start, end - start);
  t.pos = PosOf(start);
  i_ = end;
  return t;
}

Token Lexer::Error(size_t start, size_t end, std::vector<std::string> expected,
                   std::string reason) {
  Token t = Make(TokenKind::kError, start, end);
  done_ = true;
  error_.pos = t.pos;
  error_.found = start < text_.size() ? ShortText(t.text) : "end of input";
  error_.expected = std::move(expected);
  error_.reason = std::move(reason);
  return t;
}

Token Lexer::Next() {
  while (i_ < text_.size() &&
         (text_[i_] == ' ' || text_[i_] == '\t' || text_[i_] == '\n' || text_[i_] == '\r')) {
    ++i_;
  }
  if (done_ || i_ >= text_.size()) {
    done_ = true;
    return Make(TokenKind::kEnd, i_, i_);
  }
  const char c = text_[i_];
  if (IsAlpha(c)) return Make(TokenKind::kWord, i_, Span(i_, IsWordChar));
  if (IsDigit(c) || (c == '-' && IsDigit(At(i_ + 1)))) return Numeric();
  if (c == '\'') return String();
  switch (c) {
    case '(':
      return Make(TokenKind::kLParen, i_, i_ + 1);
    case ')':
      return Make(TokenKind::kRParen, i_, i_ + 1);
    case ',':
      return Make(TokenKind::kComma, i_, i_ + 1);
    case '.':
      return Make(TokenKind::kDot, i_, i_ + 1);
    default:
      return Operator();
  }
}

Token Lexer::Operator() {
  const char c = text_[i_];
  const char d = At(i_ + 1);
  if (c == '=') return Make(TokenKind::kOp, i_, i_ + 1);
  if ((c == '!' && d == '=') || (c == '<' && (d == '>' || d == '='))) {
    return Make(TokenKind::kOp, i_, i_ + 2);
  }
  if (c == '>' && d == '=') return Make(TokenKind::kOp, i_, i_ + 2);
  if (c == '<' || c == '>') return Make(TokenKind::kOp, i_, i_ + 1);
  const size_t len = c == '!' ? 1 : std::max<size_t>(1, Utf8SequenceLength(text_, i_));
  std::string reason = "unexpected character " + QuoteForMessage(text_.substr(i_, len));
  if (c == '"') reason += ": strings are written in single quotes";
  return Error(i_, i_ + len, {}, std::move(reason));
}

// Numbers, dates and durations all start with digits; the characters after them decide.
Token Lexer::Numeric() {
  const size_t start = i_;
  const bool negative = text_[start] == '-';
  size_t j = Span(negative ? start + 1 : start, IsDigit);
  if (At(j) == '-') return Date(start);
  bool fraction = false;
  if (At(j) == '.' && IsDigit(At(j + 1))) {
    fraction = true;
    j = Span(j + 1, IsDigit);
  }
  if (!IsWordChar(At(j)) && At(j) != '.') return Make(TokenKind::kNumber, start, j);
  const size_t end = Span(j, [](char ch) { return IsWordChar(ch) || ch == '.'; });
  const std::string_view word = text_.substr(start, end - start);
  if (negative || fraction || !IsValidDuration(word)) {
    if (negative || fraction || At(j) == '.') return Error(start, end, {"a number"}, "");
    return Error(start, end, {kDurationExample}, "");
  }
  return Make(TokenKind::kDuration, start, end);
}

Token Lexer::Date(size_t start) {
  const size_t end = Span(start, [](char ch) { return IsWordChar(ch) || ch == '-'; });
  if (!IsValidDate(text_.substr(start, end - start))) {
    return Error(start, end, {"a valid date (YYYY-MM-DD)"}, "");
  }
  return Make(TokenKind::kDate, start, end);
}

Token Lexer::String() {
  const size_t start = i_;
  std::string value;
  size_t j = start + 1;
  while (true) {
    const size_t stop = text_.find_first_of(std::string_view("'\0", 2), j);
    const size_t chunk_end = stop == std::string_view::npos ? text_.size() : stop;
    const size_t bad = FirstInvalidUtf8(text_.substr(j, chunk_end - j));
    if (bad != std::string_view::npos) {
      return Error(j + bad, j + bad + 1, {}, "invalid UTF-8 inside a string");
    }
    value.append(text_.substr(j, chunk_end - j));
    if (stop == std::string_view::npos) {
      return Error(start, text_.size(), {"'"}, "unterminated string: it has no closing quote");
    }
    if (text_[stop] == '\0') return Error(stop, stop + 1, {}, "a string may not hold a NUL byte");
    if (At(stop + 1) != '\'') {
      Token t = Make(TokenKind::kString, start, stop + 1);
      t.value = std::move(value);
      return t;
    }
    value += '\'';
    j = stop + 2;
  }
}

bool IsKeyword(std::string_view word, std::string_view keyword) {
  if (word.size() != keyword.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i] >= 'A' && word[i] <= 'Z' ? static_cast<char>(word[i] + 32) : word[i];
    if (c != keyword[i]) return false;
  }
  return true;
}

bool IsReservedWord(std::string_view word) {
  static constexpr std::array<std::string_view, 13> kReserved = {
      "and",      "or",     "not",   "in",  "is",   "null",  "between",
      "contains", "within", "where", "ago", "true", "false",
  };
  for (std::string_view k : kReserved) {
    if (IsKeyword(word, k)) return true;
  }
  return false;
}

bool AggregateOf(std::string_view word, AggregateFn* fn) {
  static constexpr std::array<std::pair<std::string_view, AggregateFn>, 5> kFns = {{
      {"count", AggregateFn::kCount},
      {"sum", AggregateFn::kSum},
      {"avg", AggregateFn::kAvg},
      {"min", AggregateFn::kMin},
      {"max", AggregateFn::kMax},
  }};
  for (const auto& [name, f] : kFns) {
    if (!IsKeyword(word, name)) continue;
    if (fn != nullptr) *fn = f;
    return true;
  }
  return false;
}

bool IsValidName(std::string_view name) {
  if (name.empty() || !IsAlpha(name[0])) return false;
  for (char c : name) {
    if (!IsWordChar(c)) return false;
  }
  return !IsReservedWord(name);
}

bool IsValidNumber(std::string_view text) {
  size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  const size_t int_start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == int_start) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  const size_t frac_start = ++i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i > frac_start && i == text.size();
}

bool IsValidDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(text[i])) return false;
  }
  auto num = [&](size_t from, size_t len) {
    int v = 0;
    for (size_t i = from; i < from + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (year < 1 || month < 1 || month > 12) return false;
  return day >= 1 && day <= DaysInMonth(year, month);
}

bool IsValidDuration(std::string_view text) { return ParseDuration(text).ok(); }

}  // namespace zcdp::expr::detail
