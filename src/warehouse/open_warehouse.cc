#include <functional>
#include <map>

#include "zcdp/warehouse/warehouse.h"

#include "warehouse/duckdb/duckdb_warehouse.h"
#include "warehouse/postgres/postgres_warehouse.h"

namespace zcdp {
namespace {

using Factory = std::function<Result<std::unique_ptr<Warehouse>>(const WarehouseOptions&)>;

Result<std::unique_ptr<Warehouse>> OpenDuckDb(const WarehouseOptions& options) {
  ZCDP_ASSIGN_OR_RETURN(std::shared_ptr<DuckDbDatabase> db, DuckDbDatabase::Open(options));
  return DuckDbWarehouse::Create(std::move(db));
}

// One line per engine, like the dialects' registry: adding an engine touches its own folder
// under warehouse/ and sql/, this table and the dialect table.
const std::map<std::string, Factory, std::less<>>& Registry() {
  static const auto* registry = new std::map<std::string, Factory, std::less<>>{
      {"duckdb", OpenDuckDb},
      {"postgres", [](const WarehouseOptions& o) { return PostgresWarehouse::Connect(o); }},
  };
  return *registry;
}

}  // namespace

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseOptions& options) {
  const auto it = Registry().find(options.type);
  if (it == Registry().end()) {
    std::string known;
    for (const auto& n : WarehouseTypes()) known += (known.empty() ? "" : ", ") + n;
    return Status::Invalid("unknown warehouse type '" + options.type + "'; supported: " + known);
  }
  return it->second(options);
}

std::vector<std::string> WarehouseTypes() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

}  // namespace zcdp
