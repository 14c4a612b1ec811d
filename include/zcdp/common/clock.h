#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "zcdp/common/status.h"

namespace zcdp {

// Wall-clock time source, injected so that tests control time. Implementations are
// thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // A process-wide instance.
  static const SystemClock& Instance() {
    static const SystemClock clock;
    return clock;
  }
};

// A clock that always reads the same instant: reproducible runs and tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t micros) : micros_(micros) {}
  int64_t NowMicros() const override { return micros_; }

 private:
  int64_t micros_;
};

// `micros` since the epoch as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, whatever the process's
// time zone.
std::string FormatUtcMicros(int64_t micros);

// Parses a UTC instant: "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS[.f]]"
// and an optional 'Z'. InvalidArgument otherwise (other zone offsets are refused).
Result<int64_t> ParseUtcTimestamp(std::string_view text);

}  // namespace zcdp
