// Duration: one meaning of each unit wherever a fixed length is needed (timeouts, statement
// timeouts, ordering the bounds of a window).
#include "zcdp/common/duration.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace zcdp {
namespace {

int64_t MillisOf(const char* text) {
  Result<Duration> d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? d->Millis() : -1;
}

TEST(DurationTest, EveryUnitHasOneFixedLength) {
  constexpr int64_t kDay = 86400 * 1000LL;
  EXPECT_EQ(MillisOf("10s"), 10 * 1000);
  EXPECT_EQ(MillisOf("45m"), 45 * 60 * 1000);
  EXPECT_EQ(MillisOf("12h"), 12 * 3600 * 1000LL);
  EXPECT_EQ(MillisOf("30d"), 30 * kDay);
  EXPECT_EQ(MillisOf("2w"), 14 * kDay);
  // A month is 30 days and a year 365, not one day (as destination timeouts once had it).
  EXPECT_EQ(MillisOf("1mo"), 30 * kDay);
  EXPECT_EQ(MillisOf("1mo"), MillisOf("30d"));
  EXPECT_EQ(MillisOf("6mo"), 180 * kDay);
  EXPECT_EQ(MillisOf("1y"), 365 * kDay);
  EXPECT_EQ(MillisOf("0d"), 0);
}

TEST(DurationTest, HugeCountsSaturate) {
  EXPECT_EQ(MillisOf("99999999d"), 99999999LL * 86400 * 1000);
  EXPECT_EQ(MillisOf("999999999y"), std::numeric_limits<int64_t>::max());
  Duration d{std::numeric_limits<int64_t>::max() / 2, Duration::Unit::kYear};
  EXPECT_EQ(d.Millis(), std::numeric_limits<int64_t>::max());
}

TEST(DurationTest, BadTextIsRefusedWithTheExpectedForms) {
  for (const char* bad : {"", "d", "30", "30x", "-1d", "1.5h", "1234567890d"}) {
    Result<Duration> d = ParseDuration(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_NE(d.status().message().find("expected"), std::string::npos) << d.status().message();
  }
}

}  // namespace
}  // namespace zcdp
