#include "zcdp/common/scrub.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace zcdp {
namespace {

constexpr std::string_view kValue = "<value>";

// Bytes of a word; UTF-8 continuation bytes count, so that "café's" is an apostrophe too.
bool IsWordChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || u >= 0x80;
}

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The words after which the engines quote an identifier, not a value, in double quotes.
constexpr std::array<std::string_view, 27> kObjectWords = {
    "column",     "columns",  "relation",   "table",    "schema",  "function", "type",
    "constraint", "index",    "view",       "database", "catalog", "sequence", "role",
    "extension",  "operator", "trigger",    "alias",    "name",    "named",    "near",
    "mean",       "bindings", "identifier", "macro",    "file",    "parameter"};

// The word that ends before `at`, past spaces, lowercased; "" when a non-word byte comes first.
std::string WordBefore(std::string_view s, size_t at) {
  size_t end = at;
  while (end > 0 && s[end - 1] == ' ') --end;
  size_t begin = end;
  while (begin > 0 && IsWordChar(s[begin - 1])) --begin;
  std::string word(s.substr(begin, end - begin));
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

bool IsObjectWord(const std::string& word) {
  return std::find(kObjectWords.begin(), kObjectWords.end(), word) != kObjectWords.end();
}

// True when `text`, or each part of it between dots, is one of `names`.
bool IsName(std::string_view text, const std::set<std::string>& names) {
  if (text.empty() || names.empty()) return false;
  for (size_t start = 0;;) {
    const size_t dot = text.find('.', start);
    const std::string part(text.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (names.count(part) == 0) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// The closing quote of the text opened by the quote at `open`, or npos: a doubled quote is
// one inside it, and so is one a word goes on after (O'Brien).
size_t CloseOf(std::string_view s, size_t open) {
  const char q = s[open];
  for (size_t i = open + 1; i < s.size(); ++i) {
    if (s[i] != q) continue;
    if (i + 1 < s.size() && (s[i + 1] == q || IsWordChar(s[i + 1]))) {
      i += s[i + 1] == q ? 1 : 0;
      continue;
    }
    return i;
  }
  return std::string_view::npos;
}

// The parenthesis that closes the one at `open`, or npos.
size_t MatchingParen(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
    if (depth == 0) return i;
  }
  return std::string_view::npos;
}

// True for "(2147483647 + 1)": numbers and operators only, with a digit.
bool IsArithmetic(std::string_view group) {
  const bool chars_ok = std::all_of(group.begin(), group.end(), [](char c) {
    return IsDigit(c) || std::string_view(" .+-*/%eE").find(c) != std::string_view::npos;
  });
  return chars_ok && std::any_of(group.begin(), group.end(), IsDigit);
}

// The row after "contains", the key after ")=", and a group of numbers are values.
bool IsValueGroup(std::string_view s, size_t open, size_t close) {
  if (open >= 2 && s[open - 1] == '=' && s[open - 2] == ')') return true;
  if (WordBefore(s, open) == "contains") return true;
  return close != std::string_view::npos && IsArithmetic(s.substr(open + 1, close - open - 1));
}

// The length of the number at `at` ("-1.5e+300"), or 0.
size_t NumberLength(std::string_view s, size_t at) {
  size_t i = at;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i >= s.size() || !IsDigit(s[i])) return 0;
  while (i < s.size() &&
         (IsDigit(s[i]) || std::string_view(".eE+-").find(s[i]) != std::string_view::npos)) {
    ++i;
  }
  return i - at;
}

// True for a line of spaces and one '^': the caret under an echoed input.
bool IsCaretLine(std::string_view line) {
  const size_t caret = line.find_first_not_of(' ');
  return caret != std::string_view::npos && line[caret] == '^' &&
         line.find_first_not_of(" \r", caret + 1) == std::string_view::npos;
}

// `s` with each line an engine echoed with a caret under it replaced by <value>: DuckDB
// echoes the text strptime failed on so. The SQL an engine echoes ("LINE 1: ...") is kept.
std::string WithoutEchoedInput(std::string_view s) {
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find('\n', start), s.size());
    const std::string_view line = s.substr(start, end - start);
    const size_t next_end = end < s.size() ? std::min(s.find('\n', end + 1), s.size()) : end;
    const bool echoed = end < s.size() && IsCaretLine(s.substr(end + 1, next_end - end - 1)) &&
                        line.rfind("LINE ", 0) != 0;
    out += echoed ? kValue : line;
    if (end == s.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string ScrubLine(std::string_view s, const std::set<std::string>& names);

}  // namespace

std::string ScrubValues(std::string_view message, const std::set<std::string>& names) {
  return ScrubLine(WithoutEchoedInput(message), names);
}

namespace {

std::string ScrubLine(std::string_view s, const std::set<std::string>& names) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const bool starts_word = i == 0 || !IsWordChar(s[i - 1]);
    if ((c == '\'' || c == '"') && starts_word) {
      const size_t close = CloseOf(s, i);
      const std::string_view text =
          s.substr(i + 1, close == std::string_view::npos ? close : close - i - 1);
      const bool identifier = c == '"' && IsObjectWord(WordBefore(s, i));
      out += c;
      out += IsName(text, names) ? std::string(text)
             : identifier        ? ScrubValues(text, names)
                                 : std::string(kValue);
      if (close == std::string_view::npos) return out;
      out += c;
      i = close + 1;
      continue;
    }
    if (c == '(') {
      const size_t close = MatchingParen(s, i);
      if (IsValueGroup(s, i, close)) {
        out += "(" + std::string(kValue);
        if (close == std::string_view::npos) return out;
        out += ")";
        i = close + 1;
        continue;
      }
    }
    if (starts_word && WordBefore(s, i) == "value" && i > 0 && s[i - 1] == ' ') {
      if (const size_t n = NumberLength(s, i); n > 0) {
        out += kValue;
        i += n;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace
}  // namespace zcdp
