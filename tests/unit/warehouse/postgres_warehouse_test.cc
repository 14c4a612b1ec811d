// The PostgreSQL adapter against the test cluster (tests/support/postgres.h): statements,
// bound parameters of every kind, cursors, COPY, transactions and the catalogs, mirroring
// duckdb_warehouse_test.cc; then what the user sees when the connection or the server fails.
#include "warehouse/postgres/postgres_warehouse.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/postgres.h"

namespace zcdp {
namespace {

using testing::TestDatabase;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A connection to `db` as the superuser, over the unix socket.
std::unique_ptr<Warehouse> Open(const TestDatabase& db, int64_t statement_timeout_ms = 0) {
  auto wh = OpenWarehouse(
      {.type = "postgres", .dsn = db.dsn(), .statement_timeout_ms = statement_timeout_ms});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return wh.ok() ? std::move(wh).value() : nullptr;
}

// Ends every zcdp connection to `db` from the superuser's own connection, waiting until the
// backends are gone; returns how many it ended.
int TerminateZcdpBackends(const TestDatabase& db) {
  std::string out;
  EXPECT_TRUE(
      testing::Psql(testing::AdminDsn(),
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) "
                    "FROM pg_stat_activity WHERE application_name = 'zcdp' AND datname = '" +
                        db.name() + "'",
                    &out));
  return std::atoi(out.c_str());
}

class PostgresWarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ZCDP_REQUIRE_POSTGRES();
    db_ = std::make_unique<TestDatabase>("pg_wh");
    ASSERT_TRUE(db_->ok());
    wh_ = Open(*db_);
    ASSERT_NE(wh_, nullptr);
  }
  void TearDown() override {
    wh_.reset();  // disconnect before the database is dropped
    db_.reset();
  }

  // The single row of a query that must succeed.
  std::vector<Value> Row(const std::string& sql, const std::vector<Value>& params = {}) {
    auto r = wh_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().message();
    if (!r.ok() || r->rows.size() != 1) {
      ADD_FAILURE() << sql << " did not return one row";
      return {};
    }
    return r->rows[0];
  }
  int64_t Count(const std::string& sql) {
    auto n = QueryInt(*wh_, sql);
    EXPECT_TRUE(n.ok()) << sql << ": " << n.status().message();
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Warehouse> wh_;
};

// Texts that need quoting or escaping in SQL literals and in COPY's text format.
const std::vector<std::string>& AwkwardTexts() {
  static const std::vector<std::string> texts = {
      "O'Brien; DROP TABLE t; --",
      "back\\slash \\N \\t \\\\",
      "tab\there",
      "line\nbreak\r\nand CR",
      "unicode: é ß 中文 🎉",
      "",
      "\\N",
      "\"double\" 'single' $1 $$dollar$$",
  };
  return texts;
}

TEST_F(PostgresWarehouseTest, ExecutesSeveralStatementsAtOnce) {
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA s; CREATE TABLE s.t (a BIGINT); "
                           "INSERT INTO s.t VALUES (1), (2), (3)")
                  .ok());
  EXPECT_EQ(Count("SELECT sum(a)::bigint FROM s.t"), 6);
  EXPECT_EQ(wh_->dialect().name(), "postgres");
}

TEST_F(PostgresWarehouseTest, EveryParameterKindRoundTrips) {
  const std::vector<Value> params = {
      Value::Null(),
      Value::Bool(true),
      Value::Bool(false),
      Value::Int(std::numeric_limits<int64_t>::max()),
      Value::Int(std::numeric_limits<int64_t>::min()),
      Value::Double(0.1),
      Value::Double(-1.5e300),
      Value::Timestamp(1'700'000'000'123'456),  // 2023-11-14 22:13:20.123456
      Value::Timestamp(-1),                     // 1969-12-31 23:59:59.999999
      Value::Date(19000),
      Value::Date(-1),
  };
  std::string sql = "SELECT ";
  for (size_t i = 1; i <= params.size(); ++i) sql += (i > 1 ? ", $" : "$") + std::to_string(i);
  const auto row = Row(sql, params);
  ASSERT_EQ(row.size(), params.size());
  for (size_t i = 0; i < params.size(); ++i) EXPECT_EQ(row[i], params[i]) << "parameter " << i + 1;
  EXPECT_EQ(row[7].ToString(), "2023-11-14 22:13:20.123456");
  EXPECT_EQ(row[9].ToString(), "2022-01-08");
}

TEST_F(PostgresWarehouseTest, AwkwardTextParametersRoundTripAndMatch) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t (id BIGINT, s TEXT)").ok());
  const auto& texts = AwkwardTexts();
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES ($1, $2)",
                             {Value::Int(static_cast<int64_t>(i)), Value::Text(texts[i])})
                    .ok());
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(Row("SELECT $1", {Value::Text(texts[i])})[0], Value::Text(texts[i]));
    // Bound as a parameter, the text matches itself and nothing else.
    const auto row = Row("SELECT count(*), min(id) FROM t WHERE s = $1", {Value::Text(texts[i])});
    EXPECT_EQ(row, (std::vector<Value>{Value::Int(1), Value::Int(static_cast<int64_t>(i))}));
  }
  EXPECT_EQ(Row("SELECT length($1)", {Value::Text("é🎉")})[0], Value::Int(2));
}

TEST_F(PostgresWarehouseTest, StoredValuesOfEveryKindReadBack) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t (i BIGINT, n NUMERIC(12,2), x DOUBLE PRECISION, "
                           "b BOOLEAN, s TEXT, d DATE, ts TIMESTAMP, tz TIMESTAMPTZ)")
                  .ok());
  ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES ($1, 12.34, $2, $3, $4, $5, $6, $6), "
                           "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                           {Value::Int(7), Value::Double(2.5), Value::Bool(true), Value::Text("x"),
                            Value::Date(19000), Value::Timestamp(1'700'000'000'000'000)})
                  .ok());
  auto r = wh_->Query("SELECT * FROM t ORDER BY i NULLS LAST");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0], (std::vector<Value>{Value::Int(7), Value::Double(12.34), Value::Double(2.5),
                                            Value::Bool(true), Value::Text("x"), Value::Date(19000),
                                            Value::Timestamp(1'700'000'000'000'000),
                                            Value::Timestamp(1'700'000'000'000'000)}));
  for (const Value& v : r->rows[1]) EXPECT_TRUE(v.is_null());
}

TEST_F(PostgresWarehouseTest, WrongParameterCountIsAnError) {
  auto r = wh_->Query("SELECT $1::int + $2::int", {Value::Int(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.status().message(), "parameters")) << r.status().message();
  // The connection is still usable.
  EXPECT_EQ(Count("SELECT 41 + 1"), 42);
}

TEST_F(PostgresWarehouseTest, SqlErrorsCarryTheServersMessageAndSqlstate) {
  const Status s = wh_->Execute("SELECT * FROM no_such_table");
  EXPECT_EQ(s.code(), StatusCode::kWarehouseError);
  EXPECT_TRUE(Contains(s.message(), "no_such_table")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "SQLSTATE 42P01")) << s.message();
}

// Reads a whole stream; checks that every chunk is bounded and that column 0 counts 1, 2, ...
struct StreamTotals {
  int64_t rows = 0;
  int64_t chunks = 0;
  size_t largest_chunk = 0;
};
StreamTotals ReadAll(QueryStream& stream) {
  StreamTotals t;
  while (true) {
    auto chunk = stream.Next();
    EXPECT_TRUE(chunk.ok()) << chunk.status().message();
    if (!chunk.ok() || *chunk == nullptr) break;
    const Chunk& c = **chunk;
    ++t.chunks;
    t.largest_chunk = std::max(t.largest_chunk, c.row_count());
    for (size_t r = 0; r < c.row_count(); ++r) {
      if (c.GetInt(0, r) != t.rows + 1) {
        ADD_FAILURE() << "row " << t.rows << " holds " << c.GetInt(0, r);
        return t;
      }
      if (c.GetText(1, r) != "v" + std::to_string(t.rows + 1)) {
        ADD_FAILURE() << "row " << t.rows << " text " << c.GetText(1, r);
        return t;
      }
      ++t.rows;
    }
  }
  return t;
}

constexpr char kThirtyThousand[] =
    "SELECT i, 'v' || i AS s, i * 0.5 AS half FROM generate_series(1, 30000) AS g(i) ORDER BY i";

TEST_F(PostgresWarehouseTest, StreamsLargeResultsInBoundedChunksOutsideATransaction) {
  auto stream = wh_->Stream(kThirtyThousand);
  ASSERT_TRUE(stream.ok()) << stream.status().message();
  ASSERT_EQ((*stream)->columns().size(), 3u);
  EXPECT_EQ((*stream)->columns()[0].kind, ColumnKind::kInteger);
  EXPECT_EQ((*stream)->columns()[1].kind, ColumnKind::kText);
  EXPECT_EQ((*stream)->columns()[2].kind, ColumnKind::kDecimal);
  // The connection stays usable while a stream is open.
  EXPECT_EQ(Count("SELECT 7"), 7);
  const StreamTotals t = ReadAll(**stream);
  EXPECT_EQ(t.rows, 30000);
  EXPECT_GE(t.chunks, 3);
  EXPECT_LE(t.largest_chunk, 10000u);  // the adapter's FETCH size
  auto again = (*stream)->Next();      // exhausted streams stay exhausted
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, nullptr);
  stream->reset();
  EXPECT_EQ(Count("SELECT count(*) FROM pg_cursors WHERE name LIKE 'zcdp%'"),
            0);  // closed with the stream
}

TEST_F(PostgresWarehouseTest, StreamsInsideATransactionAndSeesItsWrites) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t AS SELECT i, 'v' || i AS s FROM "
                           "generate_series(1, 26000) AS g(i)")
                  .ok());
  ASSERT_TRUE(wh_->Begin().ok());
  ASSERT_TRUE(wh_->Execute("INSERT INTO t SELECT i, 'v' || i FROM generate_series(26001, 27000) "
                           "AS g(i)")
                  .ok());
  {
    auto stream = wh_->Stream("SELECT i, s FROM t WHERE i > $1 ORDER BY i", {Value::Int(0)});
    ASSERT_TRUE(stream.ok()) << stream.status().message();
    const StreamTotals t = ReadAll(**stream);
    EXPECT_EQ(t.rows, 27000);
    EXPECT_GE(t.chunks, 3);
    EXPECT_LE(t.largest_chunk, 10000u);
  }
  {
    // Abandoned half-way: closing it must not disturb the transaction.
    auto stream = wh_->Stream(kThirtyThousand);
    ASSERT_TRUE(stream.ok());
    auto first = (*stream)->Next();
    ASSERT_TRUE(first.ok() && *first != nullptr);
  }
  ASSERT_TRUE(wh_->Commit().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 27000);
}

TEST_F(PostgresWarehouseTest, StreamOfABadQueryFailsCleanly) {
  auto stream = wh_->Stream("SELECT nope FROM generate_series(1, 3) AS g(i)");
  ASSERT_FALSE(stream.ok());
  EXPECT_TRUE(Contains(stream.status().message(), "nope")) << stream.status().message();
  EXPECT_EQ(Count("SELECT 1"), 1);
}

TEST_F(PostgresWarehouseTest, DescribesColumnsOfTablesAndQueries) {
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA crm; CREATE TABLE crm.kinds (a BIGINT, b INTEGER, "
                           "c NUMERIC(10,2), d DOUBLE PRECISION, e TEXT, f VARCHAR(20), g DATE, "
                           "h TIMESTAMP, i TIMESTAMPTZ, j BOOLEAN)")
                  .ok());
  const std::vector<std::pair<std::string, ColumnKind>> expected = {
      {"BIGINT", ColumnKind::kInteger},
      {"INTEGER", ColumnKind::kInteger},
      {"NUMERIC", ColumnKind::kDecimal},
      {"DOUBLE PRECISION", ColumnKind::kFloat},
      {"TEXT", ColumnKind::kText},
      {"VARCHAR", ColumnKind::kText},
      {"DATE", ColumnKind::kDate},
      {"TIMESTAMP", ColumnKind::kTimestamp},
      {"TIMESTAMP WITH TIME ZONE", ColumnKind::kTimestampTz},
      {"BOOLEAN", ColumnKind::kBoolean},
  };
  auto table = wh_->DescribeTable("crm", "kinds");
  ASSERT_TRUE(table.ok()) << table.status().message();
  auto query = wh_->DescribeQuery("SELECT * FROM crm.kinds");
  ASSERT_TRUE(query.ok()) << query.status().message();
  for (const auto* cols : {&*table, &*query}) {
    ASSERT_EQ(cols->size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ((*cols)[i].name, std::string(1, static_cast<char>('a' + i)));
      EXPECT_EQ((*cols)[i].type_name, expected[i].first);
      EXPECT_EQ((*cols)[i].kind, expected[i].second) << expected[i].first;
    }
  }
  // Describing does not run the query.
  auto slow = wh_->DescribeQuery("SELECT pg_sleep(30) IS NULL AS slept, 1 / 0 AS boom");
  ASSERT_TRUE(slow.ok()) << slow.status().message();
  EXPECT_EQ((*slow)[0].kind, ColumnKind::kBoolean);
  EXPECT_EQ((*slow)[1].kind, ColumnKind::kInteger);
  auto bad = wh_->DescribeQuery("SELECT nope FROM crm.kinds");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.status().message(), "nope")) << bad.status().message();
}

TEST_F(PostgresWarehouseTest, ListsSchemasAndTables) {
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA crm; CREATE TABLE crm.customers (id TEXT); "
                           "CREATE VIEW crm.v AS SELECT 1 AS x; "
                           "CREATE MATERIALIZED VIEW crm.mv AS SELECT 1 AS x; "
                           "CREATE SEQUENCE crm.seq; CREATE INDEX ON crm.customers (id)")
                  .ok());
  auto schemas = wh_->ListSchemas();
  ASSERT_TRUE(schemas.ok()) << schemas.status().message();
  EXPECT_NE(std::find(schemas->begin(), schemas->end(), "crm"), schemas->end());
  EXPECT_NE(std::find(schemas->begin(), schemas->end(), "public"), schemas->end());
  for (const auto& s : *schemas) {
    EXPECT_NE(s.rfind("pg_", 0), 0u) << s;
    EXPECT_NE(s, "information_schema");
  }
  auto tables = wh_->ListTables("crm");
  ASSERT_TRUE(tables.ok()) << tables.status().message();
  ASSERT_EQ(tables->size(), 3u);  // no sequence, no index
  EXPECT_EQ((*tables)[0].name, "customers");
  EXPECT_FALSE((*tables)[0].is_view);
  EXPECT_EQ((*tables)[1].name, "mv");
  EXPECT_TRUE((*tables)[1].is_view);
  EXPECT_EQ((*tables)[2].name, "v");
  EXPECT_TRUE((*tables)[2].is_view);
  EXPECT_EQ((*tables)[0].schema, "crm");
  auto none = wh_->ListTables("no_such_schema");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(PostgresWarehouseTest, DescribingAMissingTableIsNotFound) {
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA crm").ok());
  auto missing = wh_->DescribeTable("crm", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(missing.status().message(), "\"crm\".\"nope\""))
      << missing.status().message();
  EXPECT_EQ(wh_->DescribeTable("nope", "nope").status().code(), StatusCode::kNotFound);
  auto app = wh_->CreateAppender("crm", "nope");
  ASSERT_FALSE(app.ok());
  EXPECT_TRUE(Contains(app.status().message(), "\"crm\".\"nope\"")) << app.status().message();
}

TEST_F(PostgresWarehouseTest, AppenderCopiesEveryKindIncludingNullsAndEscapes) {
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA s; CREATE TABLE s.t (id BIGINT, b BOOLEAN, "
                           "x DOUBLE PRECISION, s TEXT, ts TIMESTAMP, d DATE)")
                  .ok());
  auto app = wh_->CreateAppender("s", "t");
  ASSERT_TRUE(app.ok()) << app.status().message();
  Appender& a = **app;
  const auto& texts = AwkwardTexts();
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE(a.AppendInt(static_cast<int64_t>(i)).ok());
    ASSERT_TRUE(a.AppendBool(i % 2 == 0).ok());
    ASSERT_TRUE(a.AppendDouble(0.1 * static_cast<double>(i)).ok());
    ASSERT_TRUE(a.AppendText(texts[i]).ok());
    ASSERT_TRUE(a.AppendTimestamp(1'700'000'000'123'456 + static_cast<int64_t>(i)).ok());
    ASSERT_TRUE(a.AppendDate(19000 + static_cast<int32_t>(i)).ok());
    ASSERT_TRUE(a.EndRow().ok());
  }
  // A row of NULLs, through the generic Append.
  for (int c = 0; c < 6; ++c) ASSERT_TRUE(a.Append(Value::Null()).ok());
  ASSERT_TRUE(a.EndRow().ok());
  // Doubles COPY cannot spell as plain digits.
  for (double x : {std::numeric_limits<double>::infinity(), -1e-300}) {
    ASSERT_TRUE(a.Append(Value::Int(100)).ok());
    ASSERT_TRUE(a.AppendNull().ok());
    ASSERT_TRUE(a.AppendDouble(x).ok());
    for (int c = 0; c < 3; ++c) ASSERT_TRUE(a.AppendNull().ok());
    ASSERT_TRUE(a.EndRow().ok());
  }
  ASSERT_TRUE(a.Close().ok());
  ASSERT_TRUE(a.Close().ok());  // closing twice is harmless

  EXPECT_EQ(Count("SELECT count(*) FROM s.t"), static_cast<int64_t>(texts.size()) + 3);
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto row = Row("SELECT * FROM s.t WHERE id = $1", {Value::Int(static_cast<int64_t>(i))});
    EXPECT_EQ(
        row, (std::vector<Value>{Value::Int(static_cast<int64_t>(i)), Value::Bool(i % 2 == 0),
                                 Value::Double(0.1 * static_cast<double>(i)), Value::Text(texts[i]),
                                 Value::Timestamp(1'700'000'000'123'456 + static_cast<int64_t>(i)),
                                 Value::Date(19000 + static_cast<int32_t>(i))}))
        << "row " << i;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM s.t WHERE id IS NULL AND b IS NULL AND x IS NULL AND "
                  "s IS NULL AND ts IS NULL AND d IS NULL"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM s.t WHERE x = 'Infinity'::float8"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM s.t WHERE x = -1e-300::float8"), 1);
}

TEST_F(PostgresWarehouseTest, AppenderHandlesManyRowsAcrossFlushes) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE public.big (id BIGINT, pad TEXT)").ok());
  auto app = wh_->CreateAppender("public", "big");
  ASSERT_TRUE(app.ok()) << app.status().message();
  const std::string pad(200, 'p');  // 60000 rows of ~200 bytes: more than one 8 MiB COPY
  for (int i = 1; i <= 60000; ++i) {
    ASSERT_TRUE((*app)->AppendInt(i).ok());
    ASSERT_TRUE((*app)->AppendText(pad).ok());
    ASSERT_TRUE((*app)->EndRow().ok());
  }
  ASSERT_TRUE((*app)->Close().ok());
  EXPECT_EQ(
      Row("SELECT count(*), sum(id), min(length(pad)) FROM public.big"),
      (std::vector<Value>{Value::Int(60000), Value::Double(60000.0 * 60001 / 2), Value::Int(200)}));
}

TEST_F(PostgresWarehouseTest, AppenderRefusesRowsOfTheWrongArity) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE public.t (a BIGINT, b TEXT)").ok());
  auto app = wh_->CreateAppender("public", "t");
  ASSERT_TRUE(app.ok());
  Appender& a = **app;
  ASSERT_TRUE(a.AppendInt(1).ok());
  ASSERT_TRUE(a.AppendText("x").ok());
  const Status extra = a.AppendText("one too many");
  EXPECT_EQ(extra.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(extra.message(), "too many values")) << extra.message();
  EXPECT_TRUE(Contains(extra.message(), "2 columns")) << extra.message();
  ASSERT_TRUE(a.EndRow().ok());  // the row itself was complete

  ASSERT_TRUE(a.AppendInt(2).ok());
  const Status short_row = a.EndRow();
  EXPECT_EQ(short_row.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(short_row.message(), "has 1 values")) << short_row.message();
  EXPECT_TRUE(Contains(short_row.message(), "\"public\".\"t\"")) << short_row.message();
  EXPECT_FALSE(a.Close().ok());  // closed in the middle of a row
}

TEST_F(PostgresWarehouseTest, AppenderReportsValuesTheColumnRejects) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE public.t (a BIGINT)").ok());
  auto app = wh_->CreateAppender("public", "t");
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE((*app)->AppendText("not a number").ok());
  ASSERT_TRUE((*app)->EndRow().ok());
  const Status s = (*app)->Close();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "COPY into \"public\".\"t\"")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "bigint")) << s.message();
  EXPECT_EQ(Count("SELECT count(*) FROM public.t"), 0);
  // A NUL byte cannot be stored, and says so before anything is sent.
  auto again = wh_->CreateAppender("public", "t");
  ASSERT_TRUE(again.ok());
  const Status nul = (*again)->AppendText(std::string("a\0b", 3));
  EXPECT_EQ(nul.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(nul.message(), "NUL")) << nul.message();
}

TEST_F(PostgresWarehouseTest, AppendedRowsRollBackWithTheTransaction) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE public.t (a BIGINT)").ok());
  {
    Transaction tx(*wh_);
    ASSERT_TRUE(tx.Begin().ok());
    auto app = wh_->CreateAppender("public", "t");
    ASSERT_TRUE(app.ok());
    ASSERT_TRUE((*app)->AppendInt(1).ok());
    ASSERT_TRUE((*app)->EndRow().ok());
    ASSERT_TRUE((*app)->Close().ok());
    EXPECT_EQ(Count("SELECT count(*) FROM public.t"), 1);
  }  // rolled back
  EXPECT_FALSE(wh_->InTransaction());
  EXPECT_EQ(Count("SELECT count(*) FROM public.t"), 0);
}

TEST_F(PostgresWarehouseTest, TransactionsCommitOrRollBack) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t (a INT)").ok());
  EXPECT_FALSE(wh_->InTransaction());
  ASSERT_TRUE(wh_->Begin().ok());
  EXPECT_TRUE(wh_->InTransaction());
  EXPECT_EQ(wh_->Begin().code(), StatusCode::kInvalidArgument);  // no nesting
  ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(wh_->Rollback().ok());
  EXPECT_FALSE(wh_->InTransaction());
  ASSERT_TRUE(wh_->Begin().ok());
  ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES (2)").ok());
  // Another connection does not see uncommitted rows.
  auto other = wh_->OpenAnother();
  ASSERT_TRUE(other.ok()) << other.status().message();
  EXPECT_EQ(*QueryInt(**other, "SELECT count(*) FROM t"), 0);
  ASSERT_TRUE(wh_->Commit().ok());
  EXPECT_FALSE(wh_->InTransaction());
  EXPECT_EQ(*QueryText(**other, "SELECT string_agg(a::text, ',') FROM t"), "2");
  EXPECT_EQ(wh_->Commit().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wh_->Rollback().code(), StatusCode::kInvalidArgument);
}

TEST_F(PostgresWarehouseTest, CommitAfterAFailedStatementIsAnError) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t (a INT PRIMARY KEY)").ok());
  ASSERT_TRUE(wh_->Begin().ok());
  ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES (1)").ok());
  EXPECT_FALSE(wh_->Execute("INSERT INTO t VALUES (1)").ok());  // duplicate key
  const Status in_aborted = wh_->Execute("INSERT INTO t VALUES (2)");
  EXPECT_FALSE(in_aborted.ok());
  EXPECT_TRUE(Contains(in_aborted.message(), "aborted")) << in_aborted.message();
  const Status commit = wh_->Commit();
  ASSERT_FALSE(commit.ok()) << "COMMIT of a failed transaction must not report success";
  EXPECT_TRUE(Contains(commit.message(), "rolled")) << commit.message();
  EXPECT_FALSE(wh_->InTransaction());
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 0);
  // The connection is usable again.
  ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES (3)").ok());
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 1);
}

TEST_F(PostgresWarehouseTest, NestedTransactionsJoinTheOuterOne) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t (a INT)").ok());
  {
    Transaction outer(*wh_);
    ASSERT_TRUE(outer.Begin().ok());
    {
      Transaction inner(*wh_);
      ASSERT_TRUE(inner.Begin().ok());
      ASSERT_TRUE(wh_->Execute("INSERT INTO t VALUES (1)").ok());
      ASSERT_TRUE(inner.Commit().ok());
    }
    EXPECT_TRUE(wh_->InTransaction());
  }
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 0);
}

TEST_F(PostgresWarehouseTest, SessionsRunInUtcWhateverTheServerSays) {
  ASSERT_TRUE(testing::Psql(
      testing::AdminDsn(), "ALTER DATABASE " + db_->name() + " SET TimeZone = 'America/New_York'"));
  auto wh = Open(*db_);
  ASSERT_NE(wh, nullptr);
  EXPECT_EQ(*QueryText(*wh, "SHOW TimeZone"), "UTC");
  EXPECT_EQ(Row("SELECT TIMESTAMPTZ '2026-01-01 00:00:00+00'")[0],
            Value::Timestamp(1'767'225'600'000'000));
}

TEST_F(PostgresWarehouseTest, ReadOnlySessionsRefuseWrites) {
  ASSERT_TRUE(wh_->Execute("CREATE TABLE t (a INT)").ok());
  auto ro = OpenWarehouse({.type = "postgres", .read_only = true, .dsn = db_->dsn()});
  ASSERT_TRUE(ro.ok()) << ro.status().message();
  const Status s = (*ro)->Execute("INSERT INTO t VALUES (1)");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "read-only")) << s.message();
  EXPECT_TRUE((*ro)->Query("SELECT count(*) FROM t").ok());
}

// Tables that zcdp fills in bulk are analysed as they are built, so the next query is planned
// from their real size (autovacuum would come minutes later; guesses flipped hash joins into
// nested loops at 1e6 profiles). Also after a replace that refills a table a view depends on.
TEST_F(PostgresWarehouseTest, BulkBuiltTablesHaveStatisticsAtOnce) {
  const Dialect& d = wh_->dialect();
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA s").ok());
  const std::string rows = "SELECT g AS k, g % 7 AS v FROM generate_series(1, 5000) g";
  auto build = [&](const std::vector<std::string>& statements) {
    for (const auto& sql : statements) ASSERT_TRUE(wh_->Execute(sql).ok()) << sql;
  };
  auto analysed = [&](const std::string& table) {
    return Count("SELECT count(*) FROM pg_stats WHERE schemaname = 's' AND tablename = '" + table +
                 "'") == 2 &&
           Count("SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = 's." + table +
                 "'::regclass") == 5000;
  };
  build(d.CreateOrReplaceTableAs("s", "built", rows));
  EXPECT_TRUE(analysed("built"));
  ASSERT_TRUE(wh_->Execute("CREATE VIEW s.on_built AS SELECT k FROM s.built").ok());
  ASSERT_TRUE(wh_->Execute("TRUNCATE s.built").ok());
  ASSERT_TRUE(wh_->Execute("ANALYZE s.built").ok());
  build(d.CreateOrReplaceTableAs("s", "built", rows));  // refilled in place (a view reads it)
  EXPECT_TRUE(analysed("built"));
  build(d.CreateScratchTableAs("s", "scratch", rows));
  EXPECT_TRUE(analysed("scratch"));
  ASSERT_TRUE(wh_->Execute("CREATE TABLE s.inserted (k INT, v INT)").ok());
  ASSERT_TRUE(wh_->Execute("INSERT INTO s.inserted " + rows).ok());
  EXPECT_FALSE(analysed("inserted"));
  build(d.RefreshStatistics("s", "inserted"));
  EXPECT_TRUE(analysed("inserted"));
}

// ----- Failures: each ends with a message that says what happened and what to do. -----

// A TCP port on 127.0.0.1 that nothing listens on: bound to port 0, then closed.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(PostgresWarehouseFailures, WrongPasswordSaysAuthenticationAndHidesThePassword) {
  ZCDP_REQUIRE_POSTGRES();
  const std::string secret = "Not-The-Password-4711";
  auto wh = OpenWarehouse({.type = "postgres", .dsn = testing::TcpDsn(), .password = secret});
  ASSERT_FALSE(wh.ok());
  const std::string m = wh.status().message();
  EXPECT_TRUE(Contains(m, "authentication failed")) << m;
  EXPECT_TRUE(Contains(m, "zcdp_admin")) << m;
  EXPECT_TRUE(Contains(m, "check the user, password and database")) << m;
  EXPECT_FALSE(Contains(m, secret)) << m;
  // The right password in the same shape works.
  auto ok = OpenWarehouse(
      {.type = "postgres", .dsn = testing::TcpDsn(), .password = testing::Password()});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_FALSE(Contains(wh.status().message(), testing::Password()));
}

TEST(PostgresWarehouseFailures, PasswordInTheDsnIsNeverEchoed) {
  ZCDP_REQUIRE_POSTGRES();
  const std::string secret = "AlsoWrong-8812";
  auto wh = OpenWarehouse({.type = "postgres", .dsn = testing::TcpDsn() + " password=" + secret});
  ASSERT_FALSE(wh.ok());
  EXPECT_TRUE(Contains(wh.status().message(), "authentication")) << wh.status().message();
  EXPECT_FALSE(Contains(wh.status().message(), secret)) << wh.status().message();
}

TEST(PostgresWarehouseFailures, UnreachableServerAsksWhetherItIsRunning) {
  const int port = ClosedPort();
  auto wh = OpenWarehouse(
      {.type = "postgres",
       .dsn = "host=127.0.0.1 port=" + std::to_string(port) + " dbname=shop user=zcdp",
       .password = "secret-never-shown"});
  ASSERT_FALSE(wh.ok());
  const std::string m = wh.status().message();
  EXPECT_EQ(wh.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(m, "cannot connect to PostgreSQL")) << m;
  EXPECT_TRUE(Contains(m, "zcdp@127.0.0.1:" + std::to_string(port) + "/shop")) << m;
  EXPECT_TRUE(Contains(m, "is the server running")) << m;
  EXPECT_FALSE(Contains(m, "secret-never-shown")) << m;
}

TEST(PostgresWarehouseFailures, MissingDsnOrDatabaseIsExplained) {
  auto empty = OpenWarehouse({.type = "postgres"});
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(Contains(empty.status().message(), "warehouse.dsn")) << empty.status().message();
  ZCDP_REQUIRE_POSTGRES();
  auto no_db = OpenWarehouse(
      {.type = "postgres",
       .dsn = testing::pg_detail::WithDsnValue(testing::AdminDsn(), "dbname", "no_such_db_zcdp")});
  ASSERT_FALSE(no_db.ok());
  EXPECT_TRUE(Contains(no_db.status().message(), "no_such_db_zcdp")) << no_db.status().message();
  EXPECT_TRUE(Contains(no_db.status().message(), "does not exist")) << no_db.status().message();
}

TEST(PostgresWarehouseFailures, StatementTimeoutNamesTheLimit) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("pg_timeout");
  ASSERT_TRUE(db.ok());
  auto wh = Open(db, /*statement_timeout_ms=*/200);
  ASSERT_NE(wh, nullptr);
  for (const bool streamed : {false, true}) {
    const Status s = streamed ? wh->Stream("SELECT pg_sleep(2)").status()
                              : wh->Query("SELECT pg_sleep(2)").status();
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "ran longer than the 200 ms statement timeout"))
        << s.message();
    EXPECT_TRUE(Contains(s.message(), "57014")) << s.message();
  }
  const Status exec = wh->Execute("SELECT pg_sleep(2)");
  EXPECT_TRUE(Contains(exec.message(), "200 ms statement timeout")) << exec.message();
  // Statements within the limit still run on the same connection.
  EXPECT_EQ(*QueryInt(*wh, "SELECT 1 FROM pg_sleep(0.01)"), 1);
}

TEST(PostgresWarehouseFailures, CancelStopsTheRunningStatementFromAnotherThread) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("pg_cancel");
  ASSERT_TRUE(db.ok());
  auto wh = Open(db);
  ASSERT_NE(wh, nullptr);
  auto* pg = dynamic_cast<PostgresWarehouse*>(wh.get());
  ASSERT_NE(pg, nullptr);
  const auto start = std::chrono::steady_clock::now();
  std::thread canceller([pg] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(pg->Cancel().ok());
  });
  const Status s = wh->Execute("SELECT pg_sleep(20)");
  canceller.join();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "cancelled")) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(*QueryInt(*wh, "SELECT 5"), 5);
}

TEST_F(PostgresWarehouseTest, LostConnectionIsExplainedAndRollsBackTheOpenTransaction) {
  ASSERT_TRUE(wh_->Execute("CREATE SCHEMA zcdp").ok());
  ASSERT_TRUE(wh_->Begin().ok());
  ASSERT_TRUE(wh_->Execute("CREATE TABLE zcdp.half_done (a INT)").ok());
  ASSERT_EQ(TerminateZcdpBackends(*db_), 1);
  const Status s = wh_->Execute("INSERT INTO zcdp.half_done VALUES (1)");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(s.message(), "lost the connection to PostgreSQL")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "rerun")) << s.message();
  EXPECT_FALSE(wh_->Commit().ok());
  EXPECT_FALSE(wh_->InTransaction());
  // Every later call fails the same way rather than crashing.
  EXPECT_TRUE(Contains(wh_->Execute("SELECT 1").message(), "lost the connection"));
  EXPECT_FALSE(wh_->Query("SELECT 1").ok());
  EXPECT_FALSE(wh_->Stream("SELECT 1").ok());
  EXPECT_FALSE(wh_->DescribeTable("zcdp", "runs").ok());

  auto fresh = Open(*db_);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->DescribeTable("zcdp", "half_done").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace zcdp
