#include "zcdp/warehouse/warehouse.h"

#include "warehouse/duckdb/duckdb_warehouse.h"
#include "warehouse/postgres/postgres_warehouse.h"

namespace zcdp {

Result<std::unique_ptr<Warehouse>> OpenWarehouse(const WarehouseOptions& options) {
  if (options.type == "duckdb") {
    ZCDP_ASSIGN_OR_RETURN(std::shared_ptr<DuckDbDatabase> db, DuckDbDatabase::Open(options));
    return DuckDbWarehouse::Create(std::move(db));
  }
  if (options.type == "postgres") return PostgresWarehouse::Connect(options);
  return Status::Invalid("unknown warehouse type '" + options.type +
                         "'; supported: duckdb, postgres");
}

}  // namespace zcdp
