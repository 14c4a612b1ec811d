// End-to-end on both engines: after the demo pipeline (with a warehouse share added), every
// table and view in the output schema is in the registry of the output schema
// (zcdp/step/output_tables.h), with the registry's columns, and no scratch table is left.
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "zcdp/step/output_tables.h"
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
