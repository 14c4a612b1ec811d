// UTC instants as text and back, whatever the process's time zone.
#include "zcdp/common/clock.h"

#include <cstdlib>
#include <ctime>

#include <gtest/gtest.h>

namespace zcdp {
namespace {

constexpr int64_t kAsOf = 1'796'158'800'000'000;  // 2026-12-01 21:00:00 UTC

TEST(UtcTimestamps, FormatIsUtcWithMicroseconds) {
  EXPECT_EQ(FormatUtcMicros(0), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(FormatUtcMicros(kAsOf), "2026-12-01 21:00:00.000000");
  EXPECT_EQ(FormatUtcMicros(kAsOf + 1'234'567), "2026-12-01 21:00:01.234567");
  EXPECT_EQ(FormatUtcMicros(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatUtcMicros(951'782'400'000'000), "2000-02-29 00:00:00.000000");
}

TEST(UtcTimestamps, ParseAcceptsDatesAndTimesAndRoundTrips) {
  EXPECT_EQ(*ParseUtcTimestamp("2026-12-01T21:00:00Z"), kAsOf);
  EXPECT_EQ(*ParseUtcTimestamp("2026-12-01 21:00"), kAsOf);
  EXPECT_EQ(*ParseUtcTimestamp("2026-12-01"), kAsOf - 21 * int64_t{3'600'000'000});
  EXPECT_EQ(*ParseUtcTimestamp("2026-12-01T21:00:01.5"), kAsOf + 1'500'000);
  EXPECT_EQ(*ParseUtcTimestamp(FormatUtcMicros(kAsOf + 42)), kAsOf + 42);
  EXPECT_EQ(*ParseUtcTimestamp("1969-12-31 23:59:59.999999"), -1);
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2026-12-01T25:00", "2026-12-01+02:00",
                          "2026-12-01T21:00:00.1234567", "yesterday", "2026-12-01T21"}) {
    EXPECT_FALSE(ParseUtcTimestamp(bad).ok()) << bad;
  }
}

TEST(UtcTimestamps, DoNotDependOnTheProcessTimeZone) {
  const char* before = std::getenv("TZ");
  const std::string saved = before == nullptr ? "" : before;
  ::setenv("TZ", "Pacific/Kiritimati", 1);
  ::tzset();
  EXPECT_EQ(FormatUtcMicros(kAsOf), "2026-12-01 21:00:00.000000");
  EXPECT_EQ(*ParseUtcTimestamp("2026-12-01T21:00:00Z"), kAsOf);
  if (before == nullptr) {
    ::unsetenv("TZ");
  } else {
    ::setenv("TZ", saved.c_str(), 1);
  }
  ::tzset();
}

TEST(FixedClock, AlwaysReadsItsInstant) {
  const FixedClock clock(kAsOf);
  EXPECT_EQ(clock.NowMicros(), kAsOf);
  EXPECT_EQ(clock.NowMicros(), kAsOf);
}

}  // namespace
}  // namespace zcdp
