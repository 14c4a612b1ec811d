// Callers branch on what an engine can do, not on its name; results are read by column
// name, and a cell of an unexpected kind is an error, never an exception.
#include <gtest/gtest.h>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

TEST(Capabilities, DuckDbIsInProcessAndPostgresIsNot) {
  auto duck = OpenWarehouse({.type = "duckdb", .path = ":memory:"});
  ASSERT_TRUE(duck.ok()) << duck.status().message();
  EXPECT_TRUE((*duck)->capabilities().in_process);
  EXPECT_TRUE((*duck)->capabilities().multi_statement_transactions);
  EXPECT_TRUE((*duck)->dialect().capabilities().catalogs);
  EXPECT_EQ((*duck)->dialect().DefaultSchema(), "main");
  auto pg = MakeDialect("postgres");
  ASSERT_TRUE(pg.ok());
  EXPECT_FALSE((*pg)->capabilities().catalogs);
  EXPECT_TRUE((*pg)->capabilities().update_from);
  EXPECT_EQ((*pg)->DefaultSchema(), "public");
}

TEST(Capabilities, ThreePartNamesQuoteEveryPart) {
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->QualifiedName("lake", "crm", "customers"), "\"lake\".\"crm\".\"customers\"");
  EXPECT_EQ((*d)->QualifiedName("", "crm", "customers"), "\"crm\".\"customers\"");
  EXPECT_EQ((*d)->QualifiedName("a\"b", "s", "t"), "\"a\"\"b\".\"s\".\"t\"");
}

TEST(Capabilities, UnknownEngineNamesTheKnownOnes) {
  auto wh = OpenWarehouse({.type = "snowflake"});
  ASSERT_FALSE(wh.ok());
  EXPECT_EQ(wh.status().message(),
            "unknown warehouse type 'snowflake'; supported: duckdb, postgres");
  EXPECT_EQ(WarehouseTypes(), (std::vector<std::string>{"duckdb", "postgres"}));
}

TEST(QueryResultTest, CellsAreReadByColumnName) {
  auto wh = OpenWarehouse({.type = "duckdb", .path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  auto r = (*wh)->Query("SELECT 'x' AS b_type, 7 AS a, NULL::BIGINT AS n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto a = r->At(0, "a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a->AsInt("a"), 7);
  EXPECT_EQ(*r->At(0, "n")->AsInt("n", -1), -1);
  auto missing = r->At(0, "b");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "the result has no column 'b' (it has b_type, a, n)");
  // Text where an integer is expected: a Status naming what was read, not std::bad_variant.
  auto text = r->At(0, "b_type")->AsInt("identity edge node a");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "expected an integer for identity edge node a, got 'x'");
}

TEST(ExecuteAllTest, RunsAListAndNamesTheStatementThatFailed) {
  auto wh = OpenWarehouse({.type = "duckdb", .path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE(ExecuteAll(**wh, {"CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1)"}).ok());
  Status s = ExecuteAll(**wh, {"INSERT INTO t VALUES (2)", "INSERT INTO nope VALUES (3)",
                               "INSERT INTO t VALUES (4)"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("statement 2 of 3"), std::string::npos) << s.message();
  EXPECT_EQ(*QueryInt(**wh, "SELECT sum(x) FROM t"), 3);  // stopped at the failure
}

}  // namespace
}  // namespace zcdp
