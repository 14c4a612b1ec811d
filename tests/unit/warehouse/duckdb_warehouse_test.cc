#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Warehouse> Memory() {
  auto wh = OpenWarehouse({.type = "duckdb", .path = ":memory:"});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return std::move(wh).value();
}

TEST(DuckDbWarehouse, ExecutesAndQueriesWithBoundParameters) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE t (id BIGINT, name VARCHAR, ts TIMESTAMP, d DATE, "
                          "x DOUBLE, b BOOLEAN, m DECIMAL(12,2))")
                  .ok());
  ASSERT_TRUE(wh->Execute("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, 12.34)",
                          {Value::Int(7), Value::Text("O'Brien; DROP TABLE t"),
                           Value::Timestamp(1'700'000'000'000'000), Value::Date(19000),
                           Value::Double(2.5), Value::Bool(true)})
                  .ok());
  auto r = wh->Query("SELECT * FROM t WHERE name = $1", {Value::Text("O'Brien; DROP TABLE t")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rows.size(), 1u);
  const auto& row = r->rows[0];
  EXPECT_EQ(row[0], Value::Int(7));
  EXPECT_EQ(row[1], Value::Text("O'Brien; DROP TABLE t"));
  EXPECT_EQ(row[2], Value::Timestamp(1'700'000'000'000'000));
  EXPECT_EQ(row[2].ToString(), "2023-11-14 22:13:20");
  EXPECT_EQ(row[3].ToString(), "2022-01-08");
  EXPECT_EQ(row[4], Value::Double(2.5));
  EXPECT_EQ(row[5], Value::Bool(true));
  EXPECT_DOUBLE_EQ(std::get<double>(row[6].storage()), 12.34);
  EXPECT_EQ(r->columns[2].kind, ColumnKind::kTimestamp);
  EXPECT_EQ(r->columns[6].type_name, "DECIMAL(12,2)");
}

TEST(DuckDbWarehouse, WrongParameterCountIsAnError) {
  auto wh = Memory();
  auto r = wh->Query("SELECT $1 + $2", {Value::Int(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expects 2 parameters"), std::string::npos);
}

TEST(DuckDbWarehouse, StreamsLargeResultsInChunks) {
  auto wh = Memory();
  auto stream = wh->Stream("SELECT i, 'v' || i AS s FROM range(100000) t(i)");
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  int64_t rows = 0, sum = 0, chunks = 0;
  while (true) {
    auto chunk = (*stream)->Next();
    ASSERT_TRUE(chunk.ok());
    if (*chunk == nullptr) break;
    ++chunks;
    for (size_t r = 0; r < (*chunk)->row_count(); ++r) {
      sum += (*chunk)->GetInt(0, r);
      EXPECT_EQ((*chunk)->GetText(1, r), "v" + std::to_string((*chunk)->GetInt(0, r)));
    }
    rows += static_cast<int64_t>((*chunk)->row_count());
  }
  EXPECT_EQ(rows, 100000);
  EXPECT_EQ(sum, 100000LL * 99999 / 2);
  EXPECT_GT(chunks, 1);
}

TEST(DuckDbWarehouse, AppenderBulkInserts) {
  auto wh = Memory();
  ASSERT_TRUE(
      wh->Execute("CREATE SCHEMA s; CREATE TABLE s.t (a BIGINT, b VARCHAR, c TIMESTAMP)").ok());
  auto app = wh->CreateAppender("s", "t");
  ASSERT_TRUE(app.ok()) << app.status().message();
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE((*app)->AppendInt(i).ok());
    ASSERT_TRUE(i % 2 ? (*app)->AppendNull().ok() : (*app)->AppendText("x").ok());
    ASSERT_TRUE((*app)->AppendTimestamp(i * 1000000LL).ok());
    ASSERT_TRUE((*app)->EndRow().ok());
  }
  ASSERT_TRUE((*app)->Close().ok());
  auto r = wh->Query("SELECT count(*), count(b), max(c) FROM s.t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], Value::Int(5000));
  EXPECT_EQ(r->rows[0][1], Value::Int(2500));
  EXPECT_EQ(r->rows[0][2], Value::Timestamp(4999 * 1000000LL));
}

TEST(DuckDbWarehouse, AppenderToMissingTableFails) {
  auto wh = Memory();
  auto app = wh->CreateAppender("main", "nope");
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.status().message().find("main.nope"), std::string::npos);
}

TEST(DuckDbWarehouse, TransactionsRollBackUnlessCommitted) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE t (a INT)").ok());
  {
    Transaction tx(*wh);
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(wh->Execute("INSERT INTO t VALUES (1)").ok());
  }  // rolled back
  {
    Transaction tx(*wh);
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(wh->Execute("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto r = wh->Query("SELECT list(a) :: VARCHAR FROM t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0].ToString(), "[2]");
}

TEST(DuckDbWarehouse, IntrospectsSchemasTablesAndColumns) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE SCHEMA crm; CREATE TABLE crm.customers (id VARCHAR, "
                          "created_at TIMESTAMPTZ, n INTEGER); CREATE VIEW crm.v AS SELECT 1 x")
                  .ok());
  auto schemas = wh->ListSchemas();
  ASSERT_TRUE(schemas.ok());
  EXPECT_NE(std::find(schemas->begin(), schemas->end(), "crm"), schemas->end());
  auto tables = wh->ListTables("crm");
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "customers");
  EXPECT_FALSE((*tables)[0].is_view);
  EXPECT_TRUE((*tables)[1].is_view);
  auto cols = wh->DescribeTable("crm", "customers");
  ASSERT_TRUE(cols.ok());
  ASSERT_EQ(cols->size(), 3u);
  EXPECT_EQ((*cols)[1].kind, ColumnKind::kTimestampTz);
  EXPECT_EQ((*cols)[2].kind, ColumnKind::kInteger);
  auto missing = wh->DescribeTable("crm", "nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("zcdp_wh_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FileTest, ReadsParquetAndCsvInPlaceThroughViews) {
  auto wh = Memory();
  const std::string pq = (dir_ / "part-*.parquet").string();
  for (int part = 0; part < 2; ++part) {
    const std::string out = (dir_ / ("part-" + std::to_string(part) + ".parquet")).string();
    ASSERT_TRUE(wh->Execute("COPY (SELECT i AS id FROM range(" + std::to_string(part * 10) + ", " +
                            std::to_string(part * 10 + 10) + ") t(i)) TO " +
                            wh->dialect().QuoteString(out) + " (FORMAT parquet)")
                    .ok());
  }
  auto rel = wh->dialect().FileRelation(FileFormat::kParquet, pq);
  ASSERT_TRUE(rel.ok());
  ASSERT_TRUE(wh->Execute("CREATE VIEW lake AS SELECT * FROM " + *rel).ok());
  auto r = wh->Query("SELECT count(*), sum(id) FROM lake");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rows[0][0], Value::Int(20));
  EXPECT_EQ(r->rows[0][1].ToString(), "190");
  auto cols = wh->DescribeQuery("SELECT * FROM " + *rel);
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ((*cols)[0].name, "id");
}

TEST_F(FileTest, ReadOnlyRefusesWritesAndMissingFiles) {
  const std::string path = (dir_ / "w.duckdb").string();
  {
    auto wh = OpenWarehouse({.path = path});
    ASSERT_TRUE(wh.ok());
    ASSERT_TRUE((*wh)->Execute("CREATE TABLE t (a INT)").ok());
  }
  auto ro = OpenWarehouse({.path = path, .read_only = true});
  ASSERT_TRUE(ro.ok()) << ro.status().message();
  EXPECT_FALSE((*ro)->Execute("INSERT INTO t VALUES (1)").ok());
  EXPECT_TRUE((*ro)->Query("SELECT count(*) FROM t").ok());
  auto missing = OpenWarehouse({.path = (dir_ / "nope.duckdb").string(), .read_only = true});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_ / "nope.duckdb"));
}

TEST_F(FileTest, NotADatabaseIsAClearError) {
  const std::string path = (dir_ / "junk.duckdb").string();
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("this is not a database, just text that is long enough to have a header", f);
  std::fclose(f);
  auto wh = OpenWarehouse({.path = path});
  ASSERT_FALSE(wh.ok());
  EXPECT_NE(wh.status().message().find("junk.duckdb"), std::string::npos);
}

TEST(DuckDbWarehouse, SecondConnectionSharesTheDatabase) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE t (a INT)").ok());
  auto other = wh->OpenAnother();
  ASSERT_TRUE(other.ok());
  std::thread writer([&] { EXPECT_TRUE((*other)->Execute("INSERT INTO t VALUES (5)").ok()); });
  writer.join();
  auto r = wh->Query("SELECT sum(a) FROM t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0].ToString(), "5");
}

}  // namespace
}  // namespace zcdp

namespace zcdp {
namespace {

TEST(DuckDbWarehouse, NestedTransactionsJoinTheOuterOne) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->Execute("CREATE TABLE t (a INT)").ok());
  {
    Transaction outer(**wh);
    ASSERT_TRUE(outer.Begin().ok());
    {
      Transaction inner(**wh);
      ASSERT_TRUE(inner.Begin().ok());
      ASSERT_TRUE((*wh)->Execute("INSERT INTO t VALUES (1)").ok());
      ASSERT_TRUE(inner.Commit().ok());  // joined: the outer transaction decides
    }
    EXPECT_TRUE((*wh)->InTransaction());
  }  // outer rolls back, taking the inner insert with it
  EXPECT_FALSE((*wh)->InTransaction());
  auto r = (*wh)->Query("SELECT count(*) FROM t");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rows[0][0], Value::Int(0));
}

}  // namespace
}  // namespace zcdp
