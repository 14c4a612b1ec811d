#include "zcdp/common/clock.h"

#include <cstdio>

namespace zcdp {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Floor division, so that instants before the epoch land in the right day.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Reads exactly `n` digits at `pos` into *out.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

Status BadTimestamp(std::string_view text) {
  return Status::Invalid("expected a UTC timestamp (2026-12-01, 2026-12-01T21:00:00Z), got '" +
                         std::string(text) + "'");
}

}  // namespace

std::string FormatUtcMicros(int64_t micros) {
  using namespace std::chrono;
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  const int64_t in_day = micros - days * kMicrosPerDay;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  const int64_t secs = in_day / kMicrosPerSecond;
  char buf[96];  // room for any int64 fields, so GCC's truncation check holds
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u %02lld:%02lld:%02lld.%06lld",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                static_cast<long long>(in_day % kMicrosPerSecond));
  return buf;
}

Result<int64_t> ParseUtcTimestamp(std::string_view text) {
  using namespace std::chrono;
  std::string_view s = text;
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return BadTimestamp(text);
  }
  int64_t frac = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, &h) || s.size() < 16 || s[13] != ':' ||
        !Digits(s, 14, 2, &mi)) {
      return BadTimestamp(text);
    }
    size_t pos = 16;
    if (s.size() > pos) {
      if (s[pos] != ':' || !Digits(s, pos + 1, 2, &sec)) return BadTimestamp(text);
      pos += 3;
      if (s.size() > pos) {
        if (s[pos] != '.' || s.size() == pos + 1 || s.size() > pos + 7) return BadTimestamp(text);
        int digit = 0;
        int64_t scale = 100'000;
        for (size_t i = pos + 1; i < s.size(); ++i, scale /= 10) {
          if (!Digits(s, i, 1, &digit)) return BadTimestamp(text);
          frac += digit * scale;
        }
      }
    }
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return BadTimestamp(text);
  const int64_t days = sys_days{ymd}.time_since_epoch().count();
  return days * kMicrosPerDay + ((h * 60 + mi) * 60 + sec) * kMicrosPerSecond + frac;
}

}  // namespace zcdp
