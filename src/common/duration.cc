#include "zcdp/common/duration.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <utility>

namespace zcdp {

int64_t Duration::Millis() const {
  static constexpr int64_t kDay = 86400;
  static constexpr int64_t kSeconds[] = {1, 60, 3600, kDay, 7 * kDay, 30 * kDay, 365 * kDay};
  const int64_t unit_ms = kSeconds[static_cast<int>(unit)] * 1000;
  if (count > std::numeric_limits<int64_t>::max() / unit_ms) {
    return std::numeric_limits<int64_t>::max();
  }
  return count * unit_ms;
}

Result<Duration> ParseDuration(std::string_view text) {
  static constexpr std::pair<std::string_view, Duration::Unit> kUnits[] = {
      {"mo", Duration::Unit::kMonth}, {"s", Duration::Unit::kSecond},
      {"m", Duration::Unit::kMinute}, {"h", Duration::Unit::kHour},
      {"d", Duration::Unit::kDay},    {"w", Duration::Unit::kWeek},
      {"y", Duration::Unit::kYear},
  };
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string_view unit = text.substr(digits);
  Duration d;
  const auto parsed = std::from_chars(text.data(), text.data() + digits, d.count);
  if (digits == 0 || digits > 9 || parsed.ec != std::errc()) {
    return Status::Invalid("expected a duration such as 30d, 12h, 6mo, 2w or 1y, got '" +
                           std::string(text) + "'");
  }
  for (const auto& [suffix, u] : kUnits) {
    if (unit == suffix) {
      d.unit = u;
      return d;
    }
  }
  return Status::Invalid("unknown duration unit in '" + std::string(text) +
                         "': expected s, m, h, d, w, mo or y");
}

}  // namespace zcdp
