#include "warehouse/postgres/postgres_types.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace zcdp::pg {
namespace {

// Type OIDs from pg_type.dat; stable across PostgreSQL versions.
struct TypeEntry {
  Oid oid;
  const char* name;
  ColumnKind kind;
};
constexpr TypeEntry kTypes[] = {
    {16, "BOOLEAN", ColumnKind::kBoolean},
    {20, "BIGINT", ColumnKind::kInteger},
    {21, "SMALLINT", ColumnKind::kInteger},
    {23, "INTEGER", ColumnKind::kInteger},
    {26, "OID", ColumnKind::kInteger},
    {700, "REAL", ColumnKind::kFloat},
    {701, "DOUBLE PRECISION", ColumnKind::kFloat},
    {1700, "NUMERIC", ColumnKind::kDecimal},
    {25, "TEXT", ColumnKind::kText},
    {1043, "VARCHAR", ColumnKind::kText},
    {1042, "CHAR", ColumnKind::kText},
    {19, "NAME", ColumnKind::kText},
    {18, "CHAR", ColumnKind::kText},
    {2950, "UUID", ColumnKind::kText},
    {114, "JSON", ColumnKind::kText},
    {3802, "JSONB", ColumnKind::kText},
    {1082, "DATE", ColumnKind::kDate},
    {1114, "TIMESTAMP", ColumnKind::kTimestamp},
    {1184, "TIMESTAMP WITH TIME ZONE", ColumnKind::kTimestampTz},
    {1083, "TIME", ColumnKind::kTime},
    {17, "BYTEA", ColumnKind::kBlob},
    {1186, "INTERVAL", ColumnKind::kOther},
};

bool Digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Parses "+HH[:MM[:SS]]" or "-HH..." at the end of a timestamp; returns the offset in seconds.
std::optional<int64_t> ParseOffset(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  int h = 0, m = 0, sec = 0;
  if (!Digits(s, 1, 2, h)) return std::nullopt;
  size_t at = 3;
  if (at < s.size() && (s[at] != ':' || !Digits(s, at + 1, 2, m))) return std::nullopt;
  if (at < s.size()) at += 3;
  if (at < s.size() && (s[at] != ':' || !Digits(s, at + 1, 2, sec))) return std::nullopt;
  if (at < s.size()) at += 3;
  if (at != s.size()) return std::nullopt;
  return sign * (h * 3600LL + m * 60LL + sec);
}

}  // namespace

ColumnInfo ColumnOf(std::string name, Oid type) {
  for (const auto& t : kTypes) {
    if (t.oid == type) return {std::move(name), t.name, t.kind};
  }
  return {std::move(name), "oid " + std::to_string(type), ColumnKind::kOther};
}

std::optional<int64_t> ParseInt(std::string_view text) {
  if (text == "t") return 1;
  if (text == "f") return 0;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) return v;
  if (auto d = ParseDate(text)) return *d;
  if (auto ts = ParseTimestamp(text)) return *ts;
  if (auto f = ParseDouble(text)) return static_cast<int64_t>(std::llround(*f));
  return std::nullopt;
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) return v;
  return std::nullopt;
}

std::optional<int32_t> ParseDate(std::string_view text) {
  int y = 0, mo = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, y) ||
      !Digits(text, 5, 2, mo) || !Digits(text, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  if (text.size() < 19 || text[10] != ' ') return std::nullopt;
  auto days = ParseDate(text.substr(0, 10));
  int h = 0, m = 0, s = 0;
  if (!days || text[13] != ':' || text[16] != ':' || !Digits(text, 11, 2, h) ||
      !Digits(text, 14, 2, m) || !Digits(text, 17, 2, s)) {
    return std::nullopt;
  }
  size_t at = 19;
  int64_t micros = 0;
  if (at < text.size() && text[at] == '.') {
    int64_t scale = 100000;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
      micros += (text[at] - '0') * scale;
      scale /= 10;
    }
  }
  auto offset = ParseOffset(text.substr(at));
  if (!offset) return std::nullopt;
  const int64_t seconds = *days * 86400LL + h * 3600LL + m * 60LL + s - *offset;
  return seconds * 1000000 + micros;
}

TextParam ToTextParam(const Value& v) {
  struct Visitor {
    TextParam operator()(std::monostate) const { return {std::nullopt, 0}; }
    TextParam operator()(bool b) const { return {b ? "true" : "false", 16}; }
    TextParam operator()(int64_t i) const { return {std::to_string(i), 20}; }
    TextParam operator()(double d) const {
      if (std::isnan(d)) return {"NaN", 701};
      if (std::isinf(d)) return {d > 0 ? "Infinity" : "-Infinity", 701};
      char buf[64];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
      return {std::string(buf, end), 701};
    }
    TextParam operator()(const std::string& s) const { return {s, 0}; }
    TextParam operator()(TimestampMicros t) const { return {FormatTimestamp(t.micros), 1114}; }
    TextParam operator()(DateDays d) const { return {FormatDate(d.days), 1082}; }
  };
  return std::visit(Visitor{}, v.storage());
}

Status AppendCopyText(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\0':
        return Status::Invalid("text with a NUL byte cannot be stored in PostgreSQL");
      default:
        out += c;
    }
  }
  return Status::Ok();
}

std::string ResultMessage(const PGresult* result) {
  if (result == nullptr) return "no result";
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string msg = primary != nullptr ? primary : PQresultErrorMessage(result);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) {
    msg += "; " + std::string(detail);
  }
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) {
    msg += "; hint: " + std::string(hint);
  }
  if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) {
    msg += " (SQLSTATE " + std::string(state) + ")";
  }
  return msg;
}

Status StatementError(PGconn* conn, const PGresult* result, std::string_view what,
                      int64_t statement_timeout_ms) {
  if (PQstatus(conn) == CONNECTION_BAD) {
    std::string why = PQerrorMessage(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::Unavailable("lost the connection to PostgreSQL during " + std::string(what) +
                               ": " + why +
                               "; the open transaction was rolled back, rerun to recover");
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const bool timed_out =
      result != nullptr &&
      std::string_view(ResultMessage(result)).find("statement timeout") != std::string_view::npos;
  if (state != nullptr && std::string_view(state) == "57014" && !timed_out) {
    return Status::Unavailable(std::string(what) +
                               " was cancelled (interrupted); its step "
                               "rolled back");
  }
  if (state != nullptr && std::string_view(state) == "57014" && statement_timeout_ms > 0) {
    return Status::Unavailable(std::string(what) + " was cancelled: it ran longer than the " +
                               std::to_string(statement_timeout_ms) + " ms statement timeout (" +
                               ResultMessage(result) + ")");
  }
  return Status::Warehouse(std::string(what) + " failed: " + ResultMessage(result));
}

}  // namespace zcdp::pg
