// The errors DuckDB and PostgreSQL raise on a row's value quote that value; ScrubValues
// (what zcdp stores of them) must leave none of it and keep what the error was. Each case
// first checks that the engine's message does quote the value, so that the test proves
// something, and would notice an engine that changed how it words the error.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/common/scrub.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/postgres.h"

namespace zcdp {
namespace {

constexpr char kText[] = "Zq7jane.doe@example.com";  // a customer's value in column v
constexpr char kNumber[] = "98765432123";            // one in column n

struct Case {
  const char* sql;
  const char* value;  // what the engine quotes
  const char* kept;   // what the scrubbed message still says
};

void CheckCases(Warehouse& wh, const std::vector<Case>& cases) {
  ASSERT_TRUE(wh.Execute("CREATE TABLE t (v VARCHAR, n BIGINT); CREATE TABLE k (v VARCHAR "
                         "PRIMARY KEY); CREATE TABLE c (v VARCHAR CHECK (length(v) < 5));")
                  .ok());
  ASSERT_TRUE(wh.Execute(std::string("INSERT INTO t VALUES ('") + kText + "', " + kNumber +
                         "); INSERT INTO k VALUES ('" + kText + "');")
                  .ok());
  for (const Case& c : cases) {
    const Status s = wh.Execute(c.sql);
    ASSERT_FALSE(s.ok()) << c.sql;
    ASSERT_NE(s.message().find(c.value), std::string::npos)
        << c.sql << ": the engine no longer quotes the value: " << s.message();
    const std::string scrubbed = ScrubValues(s.message(), {"t", "k", "c", "v", "n"});
    EXPECT_EQ(scrubbed.find(c.value), std::string::npos) << s.message() << "\n-> " << scrubbed;
    EXPECT_NE(scrubbed.find(c.kept), std::string::npos) << s.message() << "\n-> " << scrubbed;
  }
}

TEST(EngineMessageScrub, DuckDbErrorsOnARowKeepNoneOfItsValues) {
  auto wh = OpenWarehouse({.type = "duckdb", .path = ":memory:"});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  CheckCases(**wh, {
                       {"SELECT CAST(v AS INTEGER) FROM t", kText, "to INT32"},
                       {"SELECT CAST(v AS DECIMAL(10, 2)) FROM t", kText, "DECIMAL"},
                       {"SELECT CAST(v AS BOOLEAN) FROM t", kText, "BOOL"},
                       {"SELECT CAST(v AS DATE) FROM t", kText, "date"},
                       {"SELECT CAST(v AS TIMESTAMP) FROM t", kText, "timestamp"},
                       {"SELECT CAST(v AS UUID) FROM t", kText, "UUID"},
                       {"SELECT strptime(v, '%Y-%m-%d') FROM t", kText, "format"},
                       {"SELECT CAST(n AS INTEGER) FROM t", kNumber, "INT32"},
                       {"SELECT n * n FROM t", kNumber, "Overflow"},
                       {"INSERT INTO k SELECT v FROM t", kText, "Duplicate key"},
                   });
}

TEST(EngineMessageScrub, PostgresErrorsOnARowKeepNoneOfItsValues) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("scrub");
  ASSERT_TRUE(db.ok());
  auto wh = OpenWarehouse({.type = "postgres", .dsn = db.dsn()});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  CheckCases(**wh,
             {
                 {"SELECT CAST(v AS INTEGER) FROM t", kText, "type integer"},
                 {"SELECT CAST(v AS NUMERIC) FROM t", kText, "numeric"},
                 {"SELECT CAST(v AS BOOLEAN) FROM t", kText, "boolean"},
                 {"SELECT CAST(v AS DATE) FROM t", kText, "date"},
                 {"SELECT CAST(v AS TIMESTAMP) FROM t", kText, "timestamp"},
                 {"SELECT CAST(v AS UUID) FROM t", kText, "uuid"},
                 // The token of the value the JSON parser stopped at.
                 {"SELECT CAST(v AS JSONB) FROM t", "Zq7jane", "json"},
                 {"SELECT CAST(CAST(n AS TEXT) || '9' AS INTEGER) FROM t", kNumber, "out of range"},
                 {"INSERT INTO k SELECT v FROM t", kText, "already exists"},
                 {"INSERT INTO c SELECT v FROM t", kText, "check constraint"},
             });
}

}  // namespace
}  // namespace zcdp
