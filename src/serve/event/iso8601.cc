#include <cctype>

#include "zcdp/serve/event.h"

namespace zcdp::serve {
namespace {

// Reads exactly `n` digits at `at` into `out`; false otherwise.
bool Digits(std::string_view s, size_t& at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[at + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  at += n;
  return true;
}

// Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool ValidDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// The fraction after the seconds' '.', as microseconds (digits beyond 6 are dropped).
bool Fraction(std::string_view s, size_t& at, int64_t& micros) {
  size_t digits = 0;
  micros = 0;
  while (at < s.size() && std::isdigit(static_cast<unsigned char>(s[at]))) {
    if (digits < 6) micros = micros * 10 + (s[at] - '0');
    ++digits;
    ++at;
  }
  for (size_t i = digits; i < 6; ++i) micros *= 10;
  return digits > 0 && digits <= 9;
}

// "Z", "+HH:MM", "+HHMM" or "+HH" (or '-'): the offset in seconds east of UTC.
bool Offset(std::string_view s, size_t& at, int64_t& seconds) {
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
    seconds = 0;
    return true;
  }
  if (at >= s.size() || (s[at] != '+' && s[at] != '-')) return false;
  const int sign = s[at++] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  if (!Digits(s, at, 2, hh)) return false;
  if (at < s.size() && s[at] == ':') ++at;
  if (at < s.size() && !Digits(s, at, 2, mm)) return false;
  if (hh > 23 || mm > 59) return false;
  seconds = static_cast<int64_t>(sign) * (int64_t{hh} * 3600 + int64_t{mm} * 60);
  return true;
}

}  // namespace

std::optional<int64_t> ParseIso8601(std::string_view s) {
  size_t at = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!Digits(s, at, 4, y) || at >= s.size() || s[at++] != '-' || !Digits(s, at, 2, mo) ||
      at >= s.size() || s[at++] != '-' || !Digits(s, at, 2, d) || !ValidDate(y, mo, d)) {
    return std::nullopt;
  }
  int64_t micros = 0, offset = 0;
  if (at < s.size()) {
    if (s[at] != 'T' && s[at] != 't' && s[at] != ' ') return std::nullopt;
    ++at;
    if (!Digits(s, at, 2, h) || at >= s.size() || s[at++] != ':' || !Digits(s, at, 2, mi)) {
      return std::nullopt;
    }
    if (at < s.size() && s[at] == ':') {
      ++at;
      if (!Digits(s, at, 2, sec)) return std::nullopt;
      if (at < s.size() && s[at] == '.' && !Fraction(s, ++at, micros)) return std::nullopt;
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (at < s.size() && !Offset(s, at, offset)) return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  const int64_t seconds =
      DaysFromCivil(y, mo, d) * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + sec - offset;
  return seconds * 1000000 + micros;
}

}  // namespace zcdp::serve
