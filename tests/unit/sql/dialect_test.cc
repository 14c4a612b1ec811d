#include "zcdp/sql/dialect.h"

#include <gtest/gtest.h>

#include "zcdp/warehouse/warehouse.h"

#include "support/golden.h"

namespace zcdp {
namespace {

// Identifiers and values an attacker or an unlucky CSV header might supply.
const std::vector<std::string> kHostile = {
    "plain",
    "with space",
    "a\"b",
    "'; DROP TABLE t; --",
    "\"; DROP TABLE t; --",
    "back\\slash",
    "ünïcødé 名前 🙂",
    "line\nbreak",
    "$1",
    "semi;colon",
    std::string("nul\0byte", 8),
};

TEST(DuckDbDialect, QuotesHostileIdentifiersSoTheEngineSeesThemVerbatim) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  const Dialect& d = (*wh)->dialect();
  ASSERT_TRUE((*wh)->Execute(d.CreateSchemaIfNotExists("s")).ok());
  for (const auto& name : kHostile) {
    const std::string table = d.QualifiedName("s", name);
    ASSERT_TRUE(
        (*wh)->Execute("CREATE TABLE " + table + " (" + d.QuoteIdentifier(name) + " VARCHAR)").ok())
        << name;
    ASSERT_TRUE(
        (*wh)->Execute("INSERT INTO " + table + " VALUES (" + d.QuoteString(name) + ")").ok());
    auto r = (*wh)->Query("SELECT " + d.QuoteIdentifier(name) + " FROM " + table);
    ASSERT_TRUE(r.ok()) << r.status().message();
    std::string expected = name;
    std::erase(expected, '\0');  // NUL never reaches the engine
    EXPECT_EQ(r->rows.at(0).at(0), Value::Text(expected));
    EXPECT_EQ(r->columns.at(0).name, expected);
  }
  auto tables = (*wh)->ListTables("s");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->size(), kHostile.size());  // no injected DROP ran
}

TEST(DuckDbDialect, QuotingDoublesEmbeddedQuotes) {
  auto d = MakeDialect("duckdb");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ((*d)->QuoteString("it's"), "'it''s'");
  EXPECT_EQ((*d)->QualifiedName("zcdp", "runs"), "\"zcdp\".\"runs\"");
  EXPECT_EQ((*d)->Placeholder(2), "$2");
}

TEST(DuckDbDialect, Sha256MatchesTheStandardDigest) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  auto r = (*wh)->Query("SELECT " + (*wh)->dialect().Sha256Hex("'abc'"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0].ToString(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DuckDbDialect, Md5MatchesTheStandardDigest) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  auto r = (*wh)->Query("SELECT " + (*wh)->dialect().Md5Hex("'abc'"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0].ToString(), "900150983cd24fb0d6963f7d28e17f72");
}

// Rows are numbered 1..n in the requested order, also when the engine builds the table with
// several threads from unordered input (the sync's pages depend on it).
TEST(DuckDbDialect, NumberedScratchTablesNumberRowsInOrder) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  const Dialect& d = (*wh)->dialect();
  ASSERT_TRUE((*wh)->Execute("SET threads = 4").ok());
  for (const auto& s : d.CreateNumberedScratchTableAs(
           "main", "pages", "SELECT 'k' || hash(i) AS k FROM range(300000) t(i)", "k")) {
    ASSERT_TRUE((*wh)->Execute(s).ok()) << s;
  }
  auto r = (*wh)->Query(
      "SELECT count(*), min(n), max(n), count(DISTINCT n), "
      "count(*) FILTER (WHERE previous >= k) FROM (SELECT k, n, lag(k) OVER (ORDER BY n) AS "
      "previous FROM (SELECT k, " +
      d.ScratchRowNumber() + " AS n FROM " + d.ScratchTable("main", "pages") + ") x) y");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows[0][0].ToString(), "300000");
  EXPECT_EQ(r->rows[0][1].ToString(), "1");
  EXPECT_EQ(r->rows[0][2].ToString(), "300000");
  EXPECT_EQ(r->rows[0][3].ToString(), "300000");
  EXPECT_EQ(r->rows[0][4].ToString(), "0");  // no row out of order
}

TEST(DuckDbDialect, UpsertReplacesRowsWithTheSameKey) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  const Dialect& d = (*wh)->dialect();
  ASSERT_TRUE((*wh)
                  ->Execute(d.CreateTableIfNotExists(
                      "main", "kv", {{"k", SqlType::kText, true}, {"v", SqlType::kBigInt}}, {"k"}))
                  .ok());
  for (const auto& sql : d.Upsert("main", "kv", {"k", "v"}, {"k"}, "SELECT 'a', 1")) {
    ASSERT_TRUE((*wh)->Execute(sql).ok()) << sql;
  }
  for (const auto& sql : d.Upsert("main", "kv", {"k", "v"}, {"k"}, "SELECT 'a', 2")) {
    ASSERT_TRUE((*wh)->Execute(sql).ok()) << sql;
  }
  auto r = (*wh)->Query("SELECT count(*), max(v) FROM kv");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], Value::Int(1));
  EXPECT_EQ(r->rows[0][1], Value::Int(2));
}

TEST(Durations, ParseAndReject) {
  auto d = ParseDuration("180d");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->count, 180);
  EXPECT_EQ(d->unit, Duration::Unit::kDay);
  EXPECT_EQ(ParseDuration("6mo")->unit, Duration::Unit::kMonth);
  for (const char* bad : {"", "d", "30", "30x", "-3d", "3.5d", "9999999999d", "30 d"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(FileFormats, KnownExtensions) {
  EXPECT_EQ(*FileFormatOfPath("lake/orders/*.parquet"), FileFormat::kParquet);
  EXPECT_EQ(*FileFormatOfPath("x.CSV.gz"), FileFormat::kCsv);
  EXPECT_EQ(*FileFormatOfPath("x.jsonl"), FileFormat::kJson);
  EXPECT_FALSE(FileFormatOfPath("crm.customers").ok());
}

// Every construct the dialect emits, rendered once, compared with the golden file.
std::string RenderConstructs(const Dialect& d) {
  std::string out;
  auto add = [&out](const std::string& title, const std::string& sql) {
    out += "-- " + title + "\n" + sql + ";\n\n";
  };
  add("quote identifier", "SELECT " + d.QuoteIdentifier("we\"ird name"));
  add("quote string", "SELECT " + d.QuoteString("O'Brien"));
  add("interval 30d",
      "SELECT " + d.TimestampMinus(d.CurrentTimestamp(), {30, Duration::Unit::kDay}));
  add("timestamp literal", "SELECT " + d.TimestampLiteral(1'796'158'800'123'456));
  add("interval 6mo", "SELECT " + d.IntervalLiteral({6, Duration::Unit::kMonth}));
  add("sha256", "SELECT " + d.Sha256Hex("lower(trim(email))"));
  add("md5", "SELECT " + d.Md5Hex("a || '|' || b"));
  add("hash to bigint", "SELECT " + d.HashToBigint("id_type || ':' || value"));
  add("regex", "SELECT " + d.RegexMatches("value", "^(test|noreply)@"));
  add("cast", "SELECT " + d.Cast("x", SqlType::kTimestamp));
  add("create schema", d.CreateSchemaIfNotExists("zcdp"));
  add("create or replace view", d.CreateOrReplaceView("zcdp", "v", "SELECT 1 AS one"));
  for (const auto& s : d.CreateOrReplaceTableAs("zcdp", "t", "SELECT 1 AS one")) {
    add("create or replace table", s);
  }
  for (const auto& s : d.CreateScratchTableAs("zcdp", "scratch", "SELECT 1 AS one")) {
    add("create scratch table", s);
  }
  for (const auto& s : d.CreateNumberedScratchTableAs("zcdp", "pages", "SELECT k FROM t", "k")) {
    add("create numbered scratch table", s);
  }
  for (const auto& s : d.RefreshStatistics("zcdp", "t")) add("refresh statistics", s);
  add("comment on a view", d.CommentOn(true, "zcdp", "v", "it's zcdp's"));
  add("comment on a table", d.CommentOn(false, "zcdp", "t", "zcdp"));
  add("scratch row number", "SELECT k FROM " + d.ScratchTable("zcdp", "pages") + " WHERE " +
                                d.ScratchRowNumber() + " <= 10");
  add("create table", d.CreateTableIfNotExists("zcdp", "runs",
                                               {{"run_id", SqlType::kBigInt, true},
                                                {"started_at", SqlType::kTimestamp},
                                                {"status", SqlType::kText},
                                                {"ok", SqlType::kBoolean},
                                                {"ratio", SqlType::kDouble},
                                                {"day", SqlType::kDate},
                                                {"steps", SqlType::kJson}},
                                               {"run_id"}));
  for (const auto& s : d.Upsert("zcdp", "kv", {"k", "v"}, {"k"}, "SELECT k, v FROM staged")) {
    add("upsert", s);
  }
  add("limit", "SELECT 1" + d.Limit(10));
  auto parquet = d.FileRelation(FileFormat::kParquet, "/lake/orders/*.parquet");
  add("parquet relation",
      "SELECT * FROM " + (parquet.ok() ? *parquet : parquet.status().message()));
  auto csv = d.FileRelation(FileFormat::kCsv, "/lake/o'rders.csv");
  add("csv relation", "SELECT * FROM " + (csv.ok() ? *csv : csv.status().message()));
  CsvReadOptions options;
  options.header = false;
  options.delimiter = ";";
  options.quote = "'";
  options.escape = "\\";
  options.null_text = "N/A";
  options.skip = 2;
  options.date_format = "%d/%m/%Y";
  options.timestamp_format = "%d/%m/%Y %H:%M";
  options.columns = {{"order_id", "VARCHAR"}, {"it's", "DECIMAL(10,2)"}};
  auto read = d.FileRelation(FileFormat::kCsv, "/lake/orders.csv", options);
  add("csv relation with read options",
      "SELECT * FROM " + (read.ok() ? *read : read.status().message()));
  return out;
}

TEST(DialectGolden, EveryDialectMatchesItsGoldenFile) {
  for (const auto& name : DialectNames()) {
    auto d = MakeDialect(name);
    ASSERT_TRUE(d.ok());
    testing::ExpectGolden(name + "/dialect_constructs.sql", RenderConstructs(**d));
  }
}

TEST(DialectGolden, UnknownDialectNamesTheKnownOnes) {
  auto d = MakeDialect("snowflake");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("duckdb"), std::string::npos);
}

}  // namespace
}  // namespace zcdp
