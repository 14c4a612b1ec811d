#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::testing {

// What a warehouse holds, to prove that a command wrote nothing: for every table the row
// count and an order-independent content checksum, for every view its row count and its
// definition (not its rows, which may depend on the time of day). Schemas named
// `skip_schema` are left out ("" keeps every schema).
inline std::map<std::string, std::string> SnapshotWarehouse(Warehouse& wh,
                                                            const std::string& skip_schema = "") {
  std::map<std::string, std::string> out;
  const bool pg = wh.dialect().name() == "postgres";
  auto schemas = wh.ListSchemas();
  EXPECT_TRUE(schemas.ok());
  if (!schemas.ok()) return out;
  for (const auto& schema : *schemas) {
    if (schema == skip_schema) continue;
    auto tables = wh.ListTables(schema);
    EXPECT_TRUE(tables.ok());
    if (!tables.ok()) continue;
    for (const auto& t : *tables) {
      const std::string name = wh.dialect().QualifiedName(schema, t.name);
      std::string content;
      if (pg) {
        content = t.is_view ? "(SELECT definition FROM pg_views WHERE schemaname = $1 AND "
                              "viewname = $2)"
                            : "coalesce(CAST(sum(CAST(hashtext(CAST(t AS TEXT)) AS BIGINT)) AS "
                              "TEXT), '')";
      } else {
        content = t.is_view
                      ? "(SELECT sql FROM duckdb_views() WHERE schema_name = $1 AND view_name = $2)"
                      : "coalesce(sum(hash(t))::VARCHAR, '')";
      }
      auto r =
          wh.Query("SELECT CAST(count(*) AS VARCHAR) || ':' || " + content + " FROM " + name + " t",
                   t.is_view ? std::vector<Value>{Value::Text(schema), Value::Text(t.name)}
                             : std::vector<Value>{});
      EXPECT_TRUE(r.ok()) << name << ": " << r.status().message();
      if (r.ok()) out[name + (t.is_view ? " (view)" : "")] = r->rows[0][0].ToString();
    }
  }
  return out;
}

inline std::map<std::string, std::string> SnapshotWarehouse(const std::string& db,
                                                            const std::string& skip_schema = "") {
  auto wh = OpenWarehouse({.path = db, .read_only = true, .create_if_missing = false});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  if (!wh.ok()) return {};
  return SnapshotWarehouse(**wh, skip_schema);
}
// Copies the demo shop in `from` (its DuckDB file and project file) to `to`, and drops the
// output schema from the copy: a warehouse that zcdp has never run on.
inline void CopyShopWithoutOutput(const std::filesystem::path& from,
                                  const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  fs::remove_all(to);
  fs::create_directories(to);
  for (const char* name : {"warehouse.duckdb", "warehouse.duckdb.wal", "zcdp.yaml"}) {
    if (fs::exists(from / name)) fs::copy_file(from / name, to / name);
  }
  auto wh = OpenWarehouse({.path = (to / "warehouse.duckdb").string()});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  Status dropped = (*wh)->Execute("DROP SCHEMA IF EXISTS zcdp CASCADE");
  ASSERT_TRUE(dropped.ok()) << dropped.message();
}

}  // namespace zcdp::testing
