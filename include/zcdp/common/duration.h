#pragma once

#include <cstdint>
#include <string_view>

#include "zcdp/common/status.h"

namespace zcdp {

// A length of time as written in a project file or a condition ("30d", "6mo"). `count` may
// be zero, never negative. SQL windows keep the unit (a month is a calendar month there);
// where a fixed length is needed (timeouts, ordering two bounds) Millis() gives it.
struct Duration {
  enum class Unit { kSecond, kMinute, kHour, kDay, kWeek, kMonth, kYear };
  int64_t count = 0;
  Unit unit = Unit::kDay;

  // The fixed length in milliseconds: a month is 30 days and a year 365 days, the one
  // meaning zcdp gives them outside SQL intervals. Saturates instead of overflowing.
  int64_t Millis() const;
};

// Parses "30d", "12h", "6mo", "2w", "1y", "45m", "10s". Returns InvalidArgument otherwise.
Result<Duration> ParseDuration(std::string_view text);

}  // namespace zcdp
