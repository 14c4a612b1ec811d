// Every type a query can return, written as JSON by each engine (Chunk::WriteJson, the rules
// of zcdp/warehouse/json_cell.h): exact numbers, non-finite floats, nested values, binary,
// temporal types. Each case is one SQL expression and the exact JSON text it must become.
#include "zcdp/warehouse/json_cell.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/warehouse/warehouse.h"

#include "support/postgres.h"

namespace zcdp {
namespace {

struct JsonCase {
  std::string expression;  // one SQL expression
  std::string json;        // the exact JSON text of its value
};

// The JSON text of each column of `sql`'s single row.
std::vector<std::string> CellsOf(Warehouse& wh, const std::string& sql) {
  std::vector<std::string> cells;
  auto stream = wh.Stream(sql);
  EXPECT_TRUE(stream.ok()) << sql << ": " << stream.status().message();
  if (!stream.ok()) return cells;
  while (true) {
    auto chunk = (*stream)->Next();
    EXPECT_TRUE(chunk.ok()) << chunk.status().message();
    if (!chunk.ok() || *chunk == nullptr) break;
    for (size_t r = 0; r < (*chunk)->row_count(); ++r) {
      for (size_t c = 0; c < (*chunk)->column_count(); ++c) {
        JsonCellWriter w;
        (*chunk)->WriteJson(c, r, w);
        cells.push_back(w.text());
      }
    }
  }
  return cells;
}

// Runs every case, one column each, in one query, and checks each text is also valid JSON.
void ExpectCases(Warehouse& wh, const std::vector<JsonCase>& cases) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < cases.size(); ++i) {
    sql += (i ? ", " : "") + cases[i].expression + " AS c" + std::to_string(i);
  }
  const std::vector<std::string> cells = CellsOf(wh, sql);
  ASSERT_EQ(cells.size(), cases.size()) << sql;
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(cells[i], cases[i].json) << cases[i].expression;
    EXPECT_TRUE(nlohmann::json::accept(cells[i])) << cases[i].expression << ": " << cells[i];
  }
}

std::unique_ptr<Warehouse> OpenDuckDb() {
  auto wh = OpenWarehouse({.path = ":memory:"});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return wh.ok() ? std::move(wh).value() : nullptr;
}

TEST(DuckDbJson, NumbersAreExactAndNonFiniteFloatsAreStrings) {
  auto wh = OpenDuckDb();
  ASSERT_NE(wh, nullptr);
  ExpectCases(*wh, {
                       {"NULL::INTEGER", "null"},
                       {"true", "true"},
                       {"-7::TINYINT", "-7"},
                       {"9223372036854775807::BIGINT", "9223372036854775807"},
                       {"18446744073709551615::UBIGINT", "\"18446744073709551615\""},
                       {"42::HUGEINT", "42"},
                       {"170141183460469231731687303715884105727::HUGEINT",
                        "\"170141183460469231731687303715884105727\""},
                       {"340282366920938463463374607431768211455::UHUGEINT",
                        "\"340282366920938463463374607431768211455\""},
                       {"12.50::DECIMAL(10,2)", "12.5"},
                       {"-0.05::DECIMAL(4,2)", "-0.05"},
                       {"1234.000::DECIMAL(7,3)", "1234"},
                       {"12345678901234567.89::DECIMAL(19,2)", "\"12345678901234567.89\""},
                       {"99999999999999999999999999999999999999::DECIMAL(38,0)",
                        "\"99999999999999999999999999999999999999\""},
                       {"0.1::DOUBLE", "0.1"},
                       {"0.1::REAL", "0.1"},
                       {"1e300::DOUBLE", "1e+300"},
                       {"'inf'::DOUBLE", "\"Infinity\""},
                       {"'-inf'::DOUBLE", "\"-Infinity\""},
                       {"'nan'::DOUBLE", "\"NaN\""},
                       {"'-infinity'::REAL", "\"-Infinity\""},
                   });
}

TEST(DuckDbJson, TextBinaryAndTemporalTypes) {
  auto wh = OpenDuckDb();
  ASSERT_NE(wh, nullptr);
  ExpectCases(*wh, {
                       {"'a \"q\" \\ é'", "\"a \\\"q\\\" \\\\ é\""},
                       {"'\\x00\\xFFab'::BLOB", "\"AP9hYg==\""},
                       {"''::BLOB", "\"\""},
                       {"DATE '2024-02-29'", "\"2024-02-29\""},
                       {"'infinity'::DATE", "\"infinity\""},
                       {"TIMESTAMP '2024-02-29 12:34:56.789'", "\"2024-02-29T12:34:56.789\""},
                       {"TIMESTAMPTZ '2024-02-29 12:34:56+00'", "\"2024-02-29T12:34:56Z\""},
                       {"'2024-02-29 12:34:56.123456789'::TIMESTAMP_NS",
                        "\"2024-02-29T12:34:56.123456789\""},
                       {"'2024-02-29 12:34:56'::TIMESTAMP_S", "\"2024-02-29T12:34:56\""},
                       {"'-infinity'::TIMESTAMP", "\"-infinity\""},
                       {"TIME '12:34:56.5'", "\"12:34:56.500000\""},
                       {"'12:34:56+02:30'::TIMETZ", "\"12:34:56+02:30\""},
                       {"INTERVAL '1 year 2 months 3 days 04:05:06.5'", "\"P1Y2M3DT4H5M6.5S\""},
                       {"INTERVAL '0 seconds'", "\"PT0S\""},
                       {"'123e4567-e89b-12d3-a456-426614174000'::UUID",
                        "\"123e4567-e89b-12d3-a456-426614174000\""},
                   });
}

TEST(DuckDbJson, NestedValuesAreArraysAndObjects) {
  auto wh = OpenDuckDb();
  ASSERT_NE(wh, nullptr);
  ASSERT_TRUE(wh->Execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')").ok());
  ExpectCases(*wh, {
                       {"[1, NULL, 3]", "[1,null,3]"},
                       {"[]::INTEGER[]", "[]"},
                       {"[[1.5::DECIMAL(3,1)], [], NULL]", "[[1.5],[],null]"},
                       {"['a', NULL]::VARCHAR[2]", "[\"a\",null]"},
                       {"{'id': 170141183460469231731687303715884105727::HUGEINT, 'tags': ['x'], "
                        "'at': DATE '2024-01-02', 'inner': {'f': 'inf'::DOUBLE}}",
                        "{\"id\":\"170141183460469231731687303715884105727\",\"tags\":[\"x\"],"
                        "\"at\":\"2024-01-02\",\"inner\":{\"f\":\"Infinity\"}}"},
                       {"MAP {1: 'one', 2: NULL}",
                        "[{\"key\":1,\"value\":\"one\"},{\"key\":2,\"value\":null}]"},
                       {"MAP {[1,2]: {'k': true}}", "[{\"key\":[1,2],\"value\":{\"k\":true}}]"},
                       {"'happy'::mood", "\"happy\""},
                       {"union_value(num := 2)::UNION(num INTEGER, str VARCHAR)", "{\"num\":2}"},
                       {"[INTERVAL '1 day', NULL]", "[\"P1D\",null]"},
                       {"[TIMESTAMP '2024-01-01 00:00:00']", "[\"2024-01-01T00:00:00\"]"},
                       {"['\\x01'::BLOB]", "[\"AQ==\"]"},
                   });
}

// Table and CSV output read nested values as their JSON text, not as a placeholder.
TEST(DuckDbJson, NestedValuesReadAsTheirJsonText) {
  auto wh = OpenDuckDb();
  ASSERT_NE(wh, nullptr);
  auto r = wh->Query("SELECT [1, 2] AS l, {'a': 'x'} AS s, '10:00:00+01'::TIMETZ AS t");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0][0], Value::Text("[1,2]"));
  EXPECT_EQ(r->rows[0][1], Value::Text("{\"a\":\"x\"}"));
  EXPECT_EQ(r->rows[0][2], Value::Text("10:00:00+01:00"));
}

class PostgresJson : public ::testing::Test {
 protected:
  void SetUp() override {
    ZCDP_REQUIRE_POSTGRES();
    db_ = std::make_unique<testing::TestDatabase>("pg_json");
    ASSERT_TRUE(db_->ok());
    auto wh = OpenWarehouse({.type = "postgres", .dsn = db_->dsn()});
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(wh).value();
  }
  void TearDown() override {
    wh_.reset();
    db_.reset();
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Warehouse> wh_;
};

TEST_F(PostgresJson, NumbersAreExactAndNonFiniteValuesAreStrings) {
  ExpectCases(*wh_, {
                        {"NULL::integer", "null"},
                        {"true", "true"},
                        {"-7::smallint", "-7"},
                        {"9223372036854775807::bigint", "9223372036854775807"},
                        {"12.50::numeric(10,2)", "12.5"},
                        {"1234.000::numeric", "1234"},
                        {"12345678901234567.89::numeric", "\"12345678901234567.89\""},
                        {"9223372036854775807::numeric * 4", "\"36893488147419103228\""},
                        {"'NaN'::numeric", "\"NaN\""},
                        {"'Infinity'::numeric", "\"Infinity\""},
                        {"0.1::float8", "0.1"},
                        {"0.1::float4", "0.1"},
                        {"'Infinity'::float8", "\"Infinity\""},
                        {"'-Infinity'::float4", "\"-Infinity\""},
                        {"'NaN'::float8", "\"NaN\""},
                    });
}

TEST_F(PostgresJson, TextBinaryJsonAndTemporalTypes) {
  ExpectCases(*wh_, {
                        {"'a \"q\" \\ é'::text", "\"a \\\"q\\\" \\\\ é\""},
                        {"'\\x00ff6162'::bytea", "\"AP9hYg==\""},
                        {"''::bytea", "\"\""},
                        {"'{\"a\": [1, 2.50]}'::json", "{\"a\": [1, 2.50]}"},
                        {"'{\"a\": [1, 2.50]}'::jsonb", "{\"a\": [1, 2.50]}"},
                        {"DATE '2024-02-29'", "\"2024-02-29\""},
                        {"'infinity'::date", "\"infinity\""},
                        {"TIMESTAMP '2024-02-29 12:34:56.789'", "\"2024-02-29T12:34:56.789\""},
                        {"TIMESTAMPTZ '2024-02-29 14:34:56+02'", "\"2024-02-29T12:34:56Z\""},
                        {"'-infinity'::timestamp", "\"-infinity\""},
                        {"INTERVAL '1 year 2 months 3 days 04:05:06.5'", "\"P1Y2M3DT4H5M6.5S\""},
                        {"INTERVAL '0 seconds'", "\"PT0S\""},
                        {"'123e4567-e89b-12d3-a456-426614174000'::uuid",
                         "\"123e4567-e89b-12d3-a456-426614174000\""},
                    });
}

TEST_F(PostgresJson, ArraysAreJsonArraysOfTheirElementType) {
  ExpectCases(
      *wh_, {
                {"ARRAY[1, NULL, 3]", "[1,null,3]"},
                {"'{}'::int[]", "[]"},
                {"ARRAY[[1, 2], [3, 4]]", "[[1,2],[3,4]]"},
                {"ARRAY['a b', 'q\"uote', 'back\\slash', 'NULL', NULL, '']",
                 "[\"a b\",\"q\\\"uote\",\"back\\\\slash\",\"NULL\",null,\"\"]"},
                {"ARRAY[1.50, 12345678901234567.89]::numeric[]", "[1.5,\"12345678901234567.89\"]"},
                {"ARRAY['Infinity', 0.5]::float8[]", "[\"Infinity\",0.5]"},
                {"ARRAY[true, false]", "[true,false]"},
                {"ARRAY['\\x01'::bytea]", "[\"AQ==\"]"},
                {"ARRAY['{\"k\": 1}'::jsonb, NULL]", "[{\"k\": 1},null]"},
                {"ARRAY[DATE '2024-01-02']", "[\"2024-01-02\"]"},
                {"ARRAY[TIMESTAMPTZ '2024-01-02 03:04:05+00']", "[\"2024-01-02T03:04:05Z\"]"},
                {"ARRAY[INTERVAL '1 day']", "[\"P1D\"]"},
                {"'[0:1]={7,8}'::int[]", "[7,8]"},
            });
}

}  // namespace
}  // namespace zcdp
