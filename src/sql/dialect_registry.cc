#include <functional>
#include <map>

#include "zcdp/sql/dialect.h"

#include "sql/duckdb/duckdb_dialect.h"
#include "sql/postgres/postgres_dialect.h"

namespace zcdp {
namespace {

using Factory = std::function<std::unique_ptr<Dialect>()>;

// One line per engine: adding a dialect touches its own folder and this table.
const std::map<std::string, Factory, std::less<>>& Registry() {
  static const auto* registry = new std::map<std::string, Factory, std::less<>>{
      {"duckdb", [] { return std::make_unique<DuckDbDialect>(); }},
      {"postgres", [] { return std::make_unique<PostgresDialect>(); }},
  };
  return *registry;
}

}  // namespace

Result<std::unique_ptr<Dialect>> MakeDialect(std::string_view name) {
  const auto it = Registry().find(name);
  if (it == Registry().end()) {
    std::string known;
    for (const auto& n : DialectNames()) known += (known.empty() ? "" : ", ") + n;
    return Status::NotFound("unknown SQL dialect '" + std::string(name) + "'; known: " + known);
  }
  return it->second();
}

std::vector<std::string> DialectNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

}  // namespace zcdp
