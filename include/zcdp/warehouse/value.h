#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "zcdp/common/status.h"

namespace zcdp {

// The broad type of a warehouse column, as zcdp reasons about it. Engines map their own
// type names onto these; `type_name` in ColumnInfo keeps the engine's spelling.
enum class ColumnKind {
  kBoolean,
  kInteger,
  kFloat,
  kDecimal,
  kText,
  kDate,
  kTimestamp,    // without time zone
  kTimestampTz,  // with time zone
  kTime,
  kBlob,
  kOther,
};

// True for the kinds a source's `timestamp:` column may have.
inline bool IsTimeKind(ColumnKind k) {
  return k == ColumnKind::kDate || k == ColumnKind::kTimestamp || k == ColumnKind::kTimestampTz;
}
inline bool IsNumericKind(ColumnKind k) {
  return k == ColumnKind::kInteger || k == ColumnKind::kFloat || k == ColumnKind::kDecimal;
}
std::string_view ColumnKindName(ColumnKind kind);

// A point in time, microseconds since the Unix epoch (UTC).
struct TimestampMicros {
  int64_t micros = 0;
  bool operator==(const TimestampMicros&) const = default;
};

// A calendar date, days since 1970-01-01.
struct DateDays {
  int32_t days = 0;
  bool operator==(const DateDays&) const = default;
};

// One scalar travelling between zcdp and a warehouse: a bound parameter or a fetched cell.
// Value-semantic; copying copies text.
class Value {
 public:
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, std::string, TimestampMicros, DateDays>;

  Value() = default;
  static Value Null() { return {}; }
  static Value Bool(bool v) { return Value(Storage(v)); }
  static Value Int(int64_t v) { return Value(Storage(v)); }
  static Value Double(double v) { return Value(Storage(v)); }
  static Value Text(std::string v) { return Value(Storage(std::move(v))); }
  static Value Timestamp(int64_t micros) { return Value(Storage(TimestampMicros{micros})); }
  static Value Date(int32_t days) { return Value(Storage(DateDays{days})); }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  const Storage& storage() const { return v_; }

  // The integer held. NULL reads as `if_null`; any other kind is InvalidArgument naming
  // `what` (a column, a count) and what was found, instead of throwing.
  Result<int64_t> AsInt(std::string_view what, int64_t if_null = 0) const;

  // Readable rendering for tables and CSV: NULL as "", timestamps as ISO-8601 UTC.
  std::string ToString() const;

  bool operator==(const Value&) const = default;

 private:
  explicit Value(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

// "2026-11-01 12:34:56.789" (UTC) for a timestamp; "2026-11-01" for a date.
std::string FormatTimestamp(int64_t micros);
std::string FormatDate(int32_t days);
// Days since epoch for a civil date. REQUIRES: a valid month (1-12) and day.
int32_t DaysFromCivil(int year, unsigned month, unsigned day);

}  // namespace zcdp
