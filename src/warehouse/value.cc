#include "zcdp/warehouse/value.h"

#include <cinttypes>
#include <cstdio>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's civil-from-days algorithm.
Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int32_t DaysFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

std::string FormatDate(int32_t days) {
  const Civil c = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  const int64_t days = FloorDiv(micros, 86400LL * 1000000);
  const int64_t rest = micros - days * 86400LL * 1000000;
  const int64_t secs = rest / 1000000;
  const int64_t frac = rest % 1000000;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s %02" PRId64 ":%02" PRId64 ":%02" PRId64,
                FormatDate(static_cast<int32_t>(days)).c_str(), secs / 3600, secs / 60 % 60,
                secs % 60);
  std::string out = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06" PRId64, frac);
    out += buf;
    while (out.back() == '0') out.pop_back();
  }
  return out;
}

Result<int64_t> Value::AsInt(std::string_view what, int64_t if_null) const {
  if (is_null()) return if_null;
  if (const auto* i = std::get_if<int64_t>(&v_)) return *i;
  return Status::Invalid("expected an integer for " + std::string(what) + ", got '" + ToString() +
                         "'");
}

std::string Value::ToString() const {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.15g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(TimestampMicros t) const { return FormatTimestamp(t.micros); }
    std::string operator()(DateDays d) const { return FormatDate(d.days); }
  };
  return std::visit(Visitor{}, v_);
}

std::string_view ColumnKindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kBoolean:
      return "boolean";
    case ColumnKind::kInteger:
      return "integer";
    case ColumnKind::kFloat:
      return "float";
    case ColumnKind::kDecimal:
      return "decimal";
    case ColumnKind::kText:
      return "text";
    case ColumnKind::kDate:
      return "date";
    case ColumnKind::kTimestamp:
      return "timestamp";
    case ColumnKind::kTimestampTz:
      return "timestamp with time zone";
    case ColumnKind::kTime:
      return "time";
    case ColumnKind::kBlob:
      return "blob";
    case ColumnKind::kOther:
      break;
  }
  return "other";
}

Status Appender::Append(const Value& v) {
  struct Visitor {
    Appender& a;
    Status operator()(std::monostate) const { return a.AppendNull(); }
    Status operator()(bool b) const { return a.AppendBool(b); }
    Status operator()(int64_t i) const { return a.AppendInt(i); }
    Status operator()(double d) const { return a.AppendDouble(d); }
    Status operator()(const std::string& s) const { return a.AppendText(s); }
    Status operator()(TimestampMicros t) const { return a.AppendTimestamp(t.micros); }
    Status operator()(DateDays d) const { return a.AppendDate(d.days); }
  };
  return std::visit(Visitor{*this}, v.storage());
}

}  // namespace zcdp
