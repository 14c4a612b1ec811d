#pragma once

// One demo shop per engine for an end-to-end suite (generating it is the slow part): on
// DuckDB `zcdp demo`; on PostgreSQL `zcdp generate --format postgres` into a fresh database,
// then `zcdp run`. Both hold the same data for the same size and seed.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/postgres.h"

namespace zcdp::testing {

struct DemoShop {
  std::filesystem::path dir;
  CommandResult made;  // the last command that built it; exit_code 0 when the shop is ready
  std::unique_ptr<TestDatabase> db;  // PostgreSQL only

  // Options that open the shop's warehouse (read-only on DuckDB).
  WarehouseOptions Options() const {
    if (db) return {.type = "postgres", .dsn = db->dsn()};
    return {.path = (dir / "warehouse.duckdb").string(), .read_only = true};
  }
};

// The shop for `engine` ("duckdb" or "postgres"), made on first use and kept in `shops`.
inline DemoShop& DemoShopFor(std::map<std::string, DemoShop>& shops, const std::string& engine,
                             const std::string& prefix) {
  DemoShop& shop = shops[engine];
  if (!shop.dir.empty()) return shop;
  shop.dir = std::filesystem::temp_directory_path() /
             (prefix + "_" + engine + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(shop.dir);
  const std::string d = ShellQuote(shop.dir.string());
  if (engine == "duckdb") {
    shop.made = RunZcdp("demo --dir " + d + " --profiles 2000 --seed 11");
    return shop;
  }
  shop.db = std::make_unique<TestDatabase>(prefix);
  shop.made = RunZcdp("generate --format postgres --dsn " + ShellQuote(shop.db->dsn()) + " --out " +
                      d + " --profiles 2000 --seed 11");
  if (shop.made.exit_code == 0) shop.made = RunZcdp("run -p " + d);
  return shop;
}

}  // namespace zcdp::testing
