// The postgres warehouse block: DSN with ${ENV} references, literal passwords refused, and
// the options that open the warehouse.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"

namespace zcdp {
namespace {

std::optional<Project> ParseWarehouse(const std::string& block, Diagnostics& diags) {
  return ParseProject("name: t\nwarehouse: " + block +
                          "\nidentity: {id_types: {email: {priority: 1}}}\nsources:\n"
                          "  - {name: c, table: s.c, identifiers: {email: email}}\n",
                      "zcdp.yaml", "/tmp", diags);
}

TEST(WarehouseOptionsTest, PostgresDsnExpandsEnvironmentReferencesWhenOpened) {
  Diagnostics diags("zcdp.yaml");
  auto p = ParseWarehouse(
      "{type: postgres, dsn: 'host=${ZCDP_T_HOST} dbname=shop user=zcdp', password: "
      "'${ZCDP_T_PW}', statement_timeout: 90s, schema: crm}",
      diags);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(diags.has_errors()) << diags.ToString();
  EXPECT_EQ(p->warehouse.dsn, "host=${ZCDP_T_HOST} dbname=shop user=zcdp");  // kept unexpanded

  ::unsetenv("ZCDP_T_HOST");
  Result<WarehouseOptions> unset = WarehouseOptionsFor(p->warehouse);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("ZCDP_T_HOST is not set"), std::string::npos);

  ::setenv("ZCDP_T_HOST", "127.0.0.1", 1);
  ::setenv("ZCDP_T_PW", "s3cret", 1);
  Result<WarehouseOptions> o = WarehouseOptionsFor(p->warehouse);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->type, "postgres");
  EXPECT_EQ(o->dsn, "host=127.0.0.1 dbname=shop user=zcdp");
  EXPECT_EQ(o->password, "s3cret");
  EXPECT_EQ(o->statement_timeout_ms, 90000);
  EXPECT_EQ(o->search_path, "crm");
}

TEST(WarehouseOptionsTest, LiteralPasswordsInTheDsnAreRefusedWithoutEchoingThem) {
  for (const std::string dsn : {"host=h password=hunter2 dbname=d", "postgresql://u:hunter2@h/d"}) {
    Diagnostics diags("zcdp.yaml");
    ParseWarehouse("{type: postgres, dsn: '" + dsn + "'}", diags);
    ASSERT_TRUE(diags.has_errors()) << dsn;
    EXPECT_NE(diags.ToString().find("never stores secret values"), std::string::npos);
    EXPECT_EQ(diags.ToString().find("hunter2"), std::string::npos);
  }
  Diagnostics ok("zcdp.yaml");
  ParseWarehouse("{type: postgres, dsn: 'postgresql://u:${PW}@h/d'}", ok);
  EXPECT_FALSE(ok.has_errors()) << ok.ToString();
}

TEST(WarehouseOptionsTest, PostgresNeedsAConnection) {
  Diagnostics diags("zcdp.yaml");
  ParseWarehouse("{type: postgres}", diags);
  EXPECT_NE(diags.ToString().find("missing required key 'dsn'"), std::string::npos);

  Diagnostics parts("zcdp.yaml");
  auto p = ParseWarehouse("{type: postgres, host: 10.0.0.1, port: 5433, database: shop, user: z}",
                          parts);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(parts.has_errors()) << parts.ToString();
  Result<WarehouseOptions> o = WarehouseOptionsFor(p->warehouse);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->dsn, "host='10.0.0.1' port='5433' user='z' dbname='shop' ");
}

TEST(WarehouseOptionsTest, MalformedReferencesAndDurationsAreClearErrors) {
  EXPECT_EQ(ExpandEnvReferences("a ${lower} b", "dsn").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ExpandEnvReferences("a ${UNCLOSED", "dsn").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ExpandEnvReferences("no references", "dsn"), "no references");
  Diagnostics diags("zcdp.yaml");
  auto p = ParseWarehouse("{type: postgres, dsn: 'host=h', statement_timeout: soon}", diags);
  ASSERT_TRUE(p.has_value());
  Result<WarehouseOptions> o = WarehouseOptionsFor(p->warehouse);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("statement_timeout"), std::string::npos);
}

}  // namespace
}  // namespace zcdp
