// The postgres format: the same rows as the DuckDB format, loaded all at once or not at all.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "zcdp/generate/generator.h"
#include "zcdp/model/project.h"
#include "zcdp/model/validate.h"
#include "zcdp/warehouse/warehouse.h"

#include "generate/rows.h"
#include "support/postgres.h"
#include "unit/generate/generate_test_util.h"

namespace zcdp::testing {
namespace {

constexpr int32_t kAsOf = 20454;  // 2026-01-01

GeneratorOptions PostgresOptions(const std::string& dsn, const std::string& out_dir,
                                 int64_t profiles = 400) {
  GeneratorOptions o;
  o.format = GeneratorFormat::kPostgres;
  o.dsn = dsn;
  o.out_dir = out_dir;
  o.profiles = profiles;
  o.seed = 11;
  o.as_of_days = kAsOf;
  o.threads = 2;
  o.batch_persons = 150;  // several batches per thread, so threads interleave
  return o;
}

std::unique_ptr<Warehouse> OpenPostgres(const std::string& dsn) {
  Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse({.type = "postgres", .dsn = dsn});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return wh.ok() ? std::move(wh).value() : nullptr;
}

int64_t RowCount(Warehouse& wh, const std::string& table) {
  Result<int64_t> n = QueryInt(wh, "SELECT count(*) FROM " + table);
  EXPECT_TRUE(n.ok()) << table << ": " << n.status().message();
  return n.ok() ? *n : -1;
}

// A cell as text; decimals (doubles on both engines) to a fixed precision.
std::string CellText(const Value& v) {
  if (const auto* d = std::get_if<double>(&v.storage())) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.6f", *d);
    return buf;
  }
  return v.is_null() ? "<null>" : v.ToString();
}

// Every row of `table`, one line each, sorted here so that no engine collation matters.
std::vector<std::string> SortedRows(Warehouse& wh, const std::string& table) {
  Result<QueryResult> r = wh.Query("SELECT * FROM " + table);
  EXPECT_TRUE(r.ok()) << table << ": " << r.status().message();
  std::vector<std::string> rows;
  if (!r.ok()) return rows;
  for (const auto& row : r->rows) {
    std::string line;
    for (const Value& v : row) line += CellText(v) + "\x1f";
    rows.push_back(std::move(line));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

bool SchemaExists(Warehouse& wh, const std::string& schema) {
  Result<int64_t> n =
      QueryInt(wh, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", {Value::Text(schema)});
  return n.ok() && *n > 0;
}

TEST(PostgresOutputTest, LoadsTheSameRowsAsTheDuckDbFormat) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("gen_same_rows");
  ASSERT_TRUE(db.ok());
  TempDir pg_dir, duck_dir;
  const GeneratorOptions pg = PostgresOptions(db.dsn(), pg_dir.path());
  GeneratorOptions duck = pg;
  duck.format = GeneratorFormat::kDuckDb;
  duck.dsn.clear();
  duck.out_dir = duck_dir.path();
  duck.threads = 1;  // a different split of the work must not change the data
  const GeneratorStats pg_stats = GenerateOrFail(pg);
  const GeneratorStats duck_stats = GenerateOrFail(duck);
  EXPECT_EQ(pg_stats.rows, duck_stats.rows);

  auto pg_wh = OpenPostgres(db.dsn());
  auto duck_wh = OpenDb(duck_dir.Sub("warehouse.duckdb"), /*read_only=*/true);
  ASSERT_NE(pg_wh, nullptr);
  ASSERT_NE(duck_wh, nullptr);
  for (const synth::TableDef& d : synth::Tables()) {
    const std::string table = synth::QualifiedTableName(d.table);
    EXPECT_GT(pg_stats.rows.at(table), 0) << table;
    EXPECT_EQ(RowCount(*pg_wh, table), pg_stats.rows.at(table)) << table;
    EXPECT_EQ(SortedRows(*pg_wh, table), SortedRows(*duck_wh, table)) << table;
  }
  EXPECT_FALSE(SchemaExists(*pg_wh, "zcdp_generate_staging"));
  EXPECT_EQ(ReadFile(pg_dir.Sub("truth/persons.csv")), ReadFile(duck_dir.Sub("truth/persons.csv")));
  EXPECT_NE(ReadFile(pg_dir.Sub("truth/stats.json")).find("\"format\": \"postgres\""),
            std::string::npos);
}

TEST(PostgresOutputTest, RefusesTablesThatExistAndChangesNothing) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("gen_refuse");
  ASSERT_TRUE(db.ok());
  TempDir first, second;
  const GeneratorStats stats = GenerateOrFail(PostgresOptions(db.dsn(), first.path(), 200));
  Result<GeneratorStats> again = Generate(PostgresOptions(db.dsn(), second.path(), 300));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("crm.customers"), std::string::npos)
      << again.status().message();
  EXPECT_NE(again.status().message().find("--replace"), std::string::npos);
  auto wh = OpenPostgres(db.dsn());
  ASSERT_NE(wh, nullptr);
  EXPECT_EQ(RowCount(*wh, "crm.customers"), stats.rows.at("crm.customers"));
  EXPECT_FALSE(std::filesystem::exists(second.Sub("truth/stats.json")));
}

TEST(PostgresOutputTest, ReplaceSwapsTheTablesEvenUnderDependentViews) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("gen_replace");
  ASSERT_TRUE(db.ok());
  TempDir first, second;
  GenerateOrFail(PostgresOptions(db.dsn(), first.path(), 200));
  auto wh = OpenPostgres(db.dsn());
  ASSERT_NE(wh, nullptr);
  // What `zcdp run` leaves behind: views reading the source tables.
  ASSERT_TRUE(wh->Execute("CREATE SCHEMA zcdp; CREATE VIEW zcdp.source_orders AS "
                          "SELECT * FROM shop.orders; CREATE TABLE crm.keep_me (x int)")
                  .ok());
  GeneratorOptions replace = PostgresOptions(db.dsn(), second.path(), 300);
  replace.replace = true;
  const GeneratorStats stats = GenerateOrFail(replace);
  EXPECT_EQ(stats.persons, 300);
  for (const auto& [table, rows] : stats.rows) EXPECT_EQ(RowCount(*wh, table), rows) << table;
  EXPECT_EQ(RowCount(*wh, "crm.keep_me"), 0);  // other tables of the schemas are kept
  Result<std::vector<TableInfo>> views = wh->ListTables("zcdp");
  ASSERT_TRUE(views.ok());
  EXPECT_TRUE(views->empty());  // dropped with the table they read; `zcdp run` recreates them
}

// A role that may create schemas in one database, dropped after the database.
class LimitedRole {
 public:
  LimitedRole() : name_("zcdp_gen_role_" + std::to_string(::getpid())) {
    ok_ = Psql(AdminDsn(), "DROP ROLE IF EXISTS " + name_ + "; CREATE ROLE " + name_ + " LOGIN;");
  }
  ~LimitedRole() {
    if (ok_) Psql(AdminDsn(), "DROP ROLE IF EXISTS " + name_ + ";");
  }
  LimitedRole(const LimitedRole&) = delete;
  LimitedRole& operator=(const LimitedRole&) = delete;
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool ok_ = false;
};

TEST(PostgresOutputTest, AFailedInstallLeavesTheDatabaseAsItWas) {
  ZCDP_REQUIRE_POSTGRES();
  LimitedRole role;  // declared first: dropped after the database that names it
  ASSERT_TRUE(role.ok());
  TestDatabase db("gen_failed_install");
  ASSERT_TRUE(db.ok());
  // The role can stage and create crm, web and marketing, but not put a table into shop.
  ASSERT_TRUE(Psql(db.dsn(), "GRANT CREATE ON DATABASE " + db.name() + " TO " + role.name() +
                                 "; CREATE SCHEMA shop;"));
  TempDir out;
  const GeneratorOptions o =
      PostgresOptions(pg_detail::WithDsnValue(db.dsn(), "user", role.name()), out.path(), 200);
  Result<GeneratorStats> stats = Generate(o);
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.status().message().find("schema shop"), std::string::npos)
      << stats.status().message();
  auto wh = OpenPostgres(db.dsn());
  ASSERT_NE(wh, nullptr);
  for (const char* schema : {"crm", "web", "marketing", "zcdp_generate_staging"}) {
    EXPECT_FALSE(SchemaExists(*wh, schema)) << schema;
  }
  Result<std::vector<TableInfo>> shop = wh->ListTables("shop");
  ASSERT_TRUE(shop.ok());
  EXPECT_TRUE(shop->empty());
  EXPECT_FALSE(std::filesystem::exists(out.Sub("truth/stats.json")));
}

TEST(PostgresOutputTest, ProjectFileKeepsTheDsnAsWrittenAndValidates) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("gen_project");
  ASSERT_TRUE(db.ok());
  TempDir out;
  ::setenv("ZCDP_GEN_TEST_DB", db.name().c_str(), 1);
  GeneratorOptions o = PostgresOptions(db.dsn(), out.path(), 150);
  o.project_dsn = pg_detail::WithDsnValue(db.dsn(), "dbname", "${ZCDP_GEN_TEST_DB}");
  GenerateOrFail(o);
  const std::string yaml = DemoProjectYaml(o);
  EXPECT_NE(yaml.find("warehouse: {type: postgres, dsn: \"" + o.project_dsn + "\""),
            std::string::npos)
      << yaml;
  Diagnostics diags(out.Sub("zcdp.yaml"));
  std::optional<Project> project = ParseProject(yaml, out.Sub("zcdp.yaml"), out.path(), diags);
  ASSERT_TRUE(project.has_value()) << diags.ToString();
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  EXPECT_EQ(project->warehouse.dsn, o.project_dsn);
  Result<WarehouseOptions> options = WarehouseOptionsFor(project->warehouse);
  ASSERT_TRUE(options.ok()) << options.status().message();
  Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse(*options);
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  ValidateAgainstWarehouse(*project, **wh, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.ToString();
}

TEST(PostgresOutputTest, TheDsnIsQuotedForYaml) {
  GeneratorOptions o;
  o.format = GeneratorFormat::kPostgres;
  o.dsn = "resolved";
  o.project_dsn = "host=h dbname='a \"b\" \\\\c' password=${PW}";
  const std::string yaml = DemoProjectYaml(o);
  Diagnostics diags("zcdp.yaml");
  std::optional<Project> project = ParseProject(yaml, "zcdp.yaml", "/tmp", diags);
  ASSERT_TRUE(project.has_value()) << diags.ToString();
  EXPECT_FALSE(diags.has_errors()) << diags.ToString() << "\n" << yaml;
  EXPECT_EQ(project->warehouse.type, "postgres");
  EXPECT_EQ(project->warehouse.dsn, o.project_dsn);
  EXPECT_EQ(yaml.find("resolved"), std::string::npos);
}

TEST(PostgresOutputTest, NeedsAConnectionString) {
  TempDir out;
  GeneratorOptions o;
  o.format = GeneratorFormat::kPostgres;
  o.out_dir = out.path();
  Result<GeneratorStats> stats = Generate(o);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(stats.status().message().find("--dsn"), std::string::npos);
  o.format = GeneratorFormat::kDuckDb;
  o.replace = true;
  EXPECT_FALSE(Generate(o).ok());
}

}  // namespace
}  // namespace zcdp::testing
