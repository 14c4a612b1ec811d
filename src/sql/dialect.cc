#include "zcdp/sql/dialect.h"

#include <cctype>
#include <charconv>
#include <string>

#include "zcdp/common/clock.h"

namespace zcdp {

std::string Dialect::QualifiedName(std::string_view catalog, std::string_view schema,
                                   std::string_view name) const {
  if (catalog.empty()) return QualifiedName(schema, name);
  return QuoteIdentifier(catalog) + "." + QualifiedName(schema, name);
}

std::string Dialect::QualifiedName(std::string_view schema, std::string_view name) const {
  if (schema.empty()) return QuoteIdentifier(name);
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(name);
}

std::string Dialect::TimestampMinus(std::string_view expr, const Duration& d) const {
  return "(" + std::string(expr) + " - " + IntervalLiteral(d) + ")";
}

std::string Dialect::TimestampLiteral(int64_t micros) const {
  return Cast(QuoteString(FormatUtcMicros(micros)), SqlType::kTimestamp);
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
