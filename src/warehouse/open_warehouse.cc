#include "zcdp/warehouse/warehouse.h"

#include "warehouse/duckdb/duckdb_warehouse.h"

namespace zcdp {

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseOptions& options) {
  if (options.type == "duckdb") {
    ZCDP_ASSIGN_OR_RETURN(std::shared_ptr<DuckDbDatabase> db, DuckDbDatabase::Open(options));
    return DuckDbWarehouse::Create(std::move(db));
  }
  return Status::Invalid("unknown warehouse type '" + options.type + "'; supported: duckdb");
}

}  // namespace zcdp
