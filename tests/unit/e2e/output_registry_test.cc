// End-to-end on both engines: after the demo pipeline (with a warehouse share added), every
// table and view in the output schema is in the registry of the output schema
// (zcdp/step/output_tables.h), with the registry's columns, and no scratch table is left.
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "zcdp/step/output_tables.h"
#include "zcdp/step/ownership.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunZcdp;
using testing::ShellQuote;

constexpr const char* kShareSchema = "partner_share";

std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}

// A fresh directory, removed with the object.
class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("zcdp-registry") {}
};

// Adds a warehouse_share destination to the generated project, so that the run also
// creates a share view in a schema of its own.
void AddShare(const std::string& project_dir) {
  const std::string path = project_dir + "/zcdp.yaml";
  std::string yaml = ReadFile(path);
  const std::string marker = "destinations:\n";
  const size_t at = yaml.find(marker);
  ASSERT_NE(at, std::string::npos) << yaml;
  yaml.insert(
      at + marker.size(),
      "  - {name: partner_view, type: warehouse_share, schema: " + std::string(kShareSchema) +
          ", audience: big_spenders, purpose: email_marketing, fields: [country]}\n");
  std::ofstream(path) << yaml;
}

bool SameKind(SqlType type, ColumnKind kind) {
  switch (type) {
    case SqlType::kBoolean:
      return kind == ColumnKind::kBoolean;
    case SqlType::kBigInt:
      return kind == ColumnKind::kInteger;
    case SqlType::kDouble:
      return kind == ColumnKind::kFloat;
    case SqlType::kText:
      return kind == ColumnKind::kText;
    case SqlType::kDate:
      return kind == ColumnKind::kDate;
    case SqlType::kTimestamp:
      return kind == ColumnKind::kTimestamp || kind == ColumnKind::kTimestampTz;
    case SqlType::kJson:
      return true;  // engines spell JSON their own way
  }
  return false;
}

// The real columns of `info` have the registry's names in order (all of them for fixed
// columns, a prefix otherwise), and the registry's kinds where the registry creates it.
void ExpectRegistryColumns(Warehouse& wh, const TableInfo& info, const OutputTable& entry) {
  SCOPED_TRACE(info.schema + "." + info.name);
  Result<std::vector<ColumnInfo>> real = wh.DescribeTable(info.schema, info.name);
  ASSERT_TRUE(real.ok()) << real.status().message();
  if (entry.fixed_columns) {
    ASSERT_EQ(real->size(), entry.columns.size());
  } else {
    ASSERT_GE(real->size(), entry.columns.size());
  }
  for (size_t i = 0; i < entry.columns.size(); ++i) {
    EXPECT_EQ((*real)[i].name, entry.columns[i].name) << "column " << i;
    if (entry.created_from_registry) {
      EXPECT_TRUE(SameKind(entry.columns[i].type, (*real)[i].kind))
          << entry.columns[i].name << " is " << (*real)[i].type_name;
    }
  }
}

// Every object of the output schema is a registry entry of its kind, and none is scratch.
void ExpectOnlyRegisteredObjects(Warehouse& wh, const std::string& schema) {
  Result<std::vector<TableInfo>> tables = wh.ListTables(schema);
  ASSERT_TRUE(tables.ok()) << tables.status().message();
  EXPECT_GT(tables->size(), 20u);
  for (const TableInfo& t : *tables) {
    const OutputTable* entry = FindOutputTable(t.name);
    if (entry == nullptr) {
      ADD_FAILURE() << schema << "." << t.name << " is not in the output schema's registry "
                    << "(src/step/output_tables.cc)";
      continue;
    }
    EXPECT_NE(entry->kind, OutputKind::kScratch) << t.name << " is scratch but outlived its step";
    EXPECT_EQ(t.is_view, entry->kind == OutputKind::kView) << t.name;
    EXPECT_TRUE(IsOwned(t)) << t.name << " lacks zcdp's marker: '" << t.comment << "'";
    ExpectRegistryColumns(wh, t, *entry);
  }
}

// The share's schema holds only the share view.
void ExpectShareView(Warehouse& wh) {
  Result<std::vector<TableInfo>> shared = wh.ListTables(kShareSchema);
  ASSERT_TRUE(shared.ok()) << shared.status().message();
  ASSERT_EQ(shared->size(), 1u);
  EXPECT_EQ(shared->at(0).name, "partner_view");
  EXPECT_TRUE(shared->at(0).is_view);
  EXPECT_TRUE(IsOwned(shared->at(0)));
  const OutputTable* share = nullptr;
  for (const auto& t : OutputTables()) {
    if (t.in_destination_schema) share = &t;
  }
  ASSERT_NE(share, nullptr);
  ExpectRegistryColumns(wh, shared->at(0), *share);
}

// Runs the pipeline twice: the second run takes the incremental paths.
void RunTwice(const std::string& project_dir) {
  for (int i = 0; i < 2; ++i) {
    auto run = RunZcdp("run -p " + ShellQuote(project_dir));
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  }
}

TEST(OutputRegistry, DuckDbRunCreatesOnlyRegisteredObjects) {
  TempDir dir;
  const std::string shop = dir.Sub("shop");
  auto gen = RunZcdp("generate --out " + ShellQuote(shop) + " --profiles 400 --seed 11 --as-of " +
                     TodayUtc());
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  AddShare(shop);
  RunTwice(shop);
  Result<std::unique_ptr<Warehouse>> wh =
      OpenWarehouse({.path = shop + "/warehouse.duckdb", .read_only = true});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  ExpectOnlyRegisteredObjects(**wh, "zcdp");
  ExpectShareView(**wh);
}

// A user's table in the output schema, and a user's view where a share would go: validate
// refuses both, naming them, and run writes nothing; the user's rows are intact.
void ExpectUserObjectsUntouched(const std::string& shop,
                                const std::function<std::unique_ptr<Warehouse>()>& open) {
  {
    std::unique_ptr<Warehouse> wh = open();
    for (const char* sql : {"CREATE SCHEMA IF NOT EXISTS app",
                            "CREATE TABLE app.profiles AS SELECT 7 AS id, 'mine' AS note",
                            "CREATE SCHEMA IF NOT EXISTS partner_share",
                            "CREATE VIEW partner_share.partner_view AS SELECT 'mine' AS note"}) {
      ASSERT_TRUE(wh->Execute(sql).ok()) << sql;
    }
  }
  const std::string path = shop + "/zcdp.yaml";
  std::string yaml = ReadFile(path);
  const size_t at = yaml.find("output_schema: zcdp");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, std::string("output_schema: zcdp").size(), "output_schema: app");
  std::ofstream(path) << yaml;
  auto validate = RunZcdp("validate -p " + ShellQuote(shop));
  EXPECT_NE(validate.exit_code, 0);
  EXPECT_NE(validate.err.find("'app.profiles', which zcdp did not create"), std::string::npos)
      << validate.err;
  EXPECT_NE(validate.err.find("'partner_share.partner_view' exists and zcdp did not create it"),
            std::string::npos)
      << validate.err;
  auto run = RunZcdp("run -p " + ShellQuote(shop));
  EXPECT_NE(run.exit_code, 0) << run.out;
  std::unique_ptr<Warehouse> wh = open();
  for (const char* q :
       {"SELECT note FROM app.profiles", "SELECT note FROM partner_share.partner_view"}) {
    auto rows = wh->Query(q);
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    ASSERT_EQ(rows->rows.size(), 1u) << q;
    EXPECT_EQ(rows->rows[0][0], Value::Text("mine")) << q;
  }
  auto app = wh->ListTables("app");
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->size(), 1u) << "zcdp created nothing beside the user's table";
}

TEST(OutputRegistry, DuckDbNeverTouchesTheUsersObjects) {
  TempDir dir;
  const std::string shop = dir.Sub("shop");
  auto gen = RunZcdp("generate --out " + ShellQuote(shop) + " --profiles 100 --seed 3");
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  AddShare(shop);
  ExpectUserObjectsUntouched(shop, [&] {
    auto wh = OpenWarehouse({.path = shop + "/warehouse.duckdb"});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    return std::move(*wh);
  });
}

TEST(OutputRegistry, PostgresNeverTouchesTheUsersObjects) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("user_objects");
  ASSERT_TRUE(db.ok());
  TempDir dir;
  const std::string shop = dir.Sub("shop");
  auto gen = RunZcdp("generate --format postgres --dsn " + ShellQuote(db.dsn()) + " --out " +
                     ShellQuote(shop) + " --profiles 100 --seed 3");
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  AddShare(shop);
  ExpectUserObjectsUntouched(shop, [&] {
    auto wh = OpenWarehouse({.type = "postgres", .dsn = db.dsn()});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    return std::move(*wh);
  });
}

TEST(OutputRegistry, PostgresRunCreatesOnlyRegisteredObjects) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("output_registry");
  ASSERT_TRUE(db.ok());
  TempDir dir;
  const std::string shop = dir.Sub("shop");
  auto gen = RunZcdp("generate --format postgres --dsn " + ShellQuote(db.dsn()) + " --out " +
                     ShellQuote(shop) + " --profiles 400 --seed 11 --as-of " + TodayUtc());
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  AddShare(shop);
  RunTwice(shop);
  Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse({.type = "postgres", .dsn = db.dsn()});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  ExpectOnlyRegisteredObjects(**wh, "zcdp");
  ExpectShareView(**wh);
}

}  // namespace
}  // namespace zcdp
