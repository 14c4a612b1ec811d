#include "zcdp/sql/dialect.h"

#include <cctype>
#include <charconv>
#include <string>

namespace zcdp {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

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

Result<FileFormat> FileFormatOfPath(std::string_view path) {
  std::string_view p = path;
  if (EndsWith(p, ".gz")) p.remove_suffix(3);
  if (EndsWith(p, ".parquet")) return FileFormat::kParquet;
  if (EndsWith(p, ".csv") || EndsWith(p, ".tsv")) return FileFormat::kCsv;
  if (EndsWith(p, ".json") || EndsWith(p, ".jsonl") || EndsWith(p, ".ndjson")) {
    return FileFormat::kJson;
  }
  return Status::NotFound("'" + std::string(path) + "' has no known file extension");
}

std::string Dialect::QualifiedName(std::string_view schema, std::string_view name) const {
  if (schema.empty()) return QuoteIdentifier(name);
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(name);
}

std::string Dialect::TimestampMinus(std::string_view expr, const Duration& d) const {
  return "(" + std::string(expr) + " - " + IntervalLiteral(d) + ")";
}

std::string Dialect::Cast(std::string_view expr, SqlType type) const {
  return "CAST(" + std::string(expr) + " AS " + TypeName(type) + ")";
}

std::string JoinStatements(const std::vector<std::string>& statements) {
  std::string out;
  for (const auto& s : statements) out += (out.empty() ? "" : ";\n") + s;
  return out;
}

}  // namespace zcdp
