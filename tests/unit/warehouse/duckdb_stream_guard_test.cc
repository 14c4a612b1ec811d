// DuckDB ends a connection's open streaming result as soon as the connection runs anything
// else, and the stream's next read then looks like the end of the result (issue 14, item 1:
// an appender's flush at 204,800 rows cut a stream short). The adapter refuses such work
// while a stream is open, and a stream ended anyway fails on its next read: rows are never
// lost in silence.
#include <gtest/gtest.h>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

std::unique_ptr<Warehouse> Memory() {
  auto wh = OpenWarehouse({.type = "duckdb", .path = ":memory:"});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return std::move(wh).value();
}

// Reads the rest of `stream`; returns the rows read, or -1 on an error (kept in *error).
int64_t Drain(QueryStream& stream, Status* error) {
  int64_t rows = 0;
  while (true) {
    auto chunk = stream.Next();
    if (!chunk.ok()) {
      *error = chunk.status();
      return -1;
    }
    if (*chunk == nullptr) return rows;
    rows += static_cast<int64_t>((*chunk)->row_count());
  }
}

bool Mentions(const Status& s, std::string_view text) {
  return s.message().find(text) != std::string::npos;
}

constexpr int64_t kRows = 300'000;  // past one appender flush (204,800 rows)

// The call pattern of the bug: append one row per streamed row on the same connection.
TEST(DuckDbStreamGuard, AppendingWhileStreamingIsRefusedNotTruncated) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE src AS SELECT i FROM range(" + std::to_string(kRows) +
                          ") t(i); CREATE TABLE dst (i BIGINT)")
                  .ok());
  auto app = wh->CreateAppender("main", "dst");
  ASSERT_TRUE(app.ok());
  auto stream = wh->Stream("SELECT i FROM src");
  ASSERT_TRUE(stream.ok());
  int64_t read = 0;
  Status failed = Status::Ok();
  while (failed.ok()) {
    auto chunk = (*stream)->Next();
    if (!chunk.ok()) {
      failed = chunk.status();
      break;
    }
    if (*chunk == nullptr) break;
    for (size_t r = 0; r < (*chunk)->row_count() && failed.ok(); ++r, ++read) {
      failed = (*app)->AppendInt((*chunk)->GetInt(0, r));
      if (failed.ok()) failed = (*app)->EndRow();
    }
  }
  // Either every row arrives or the caller hears about it; before the fix the loop ended
  // quietly after 204,800 + one chunk of rows.
  ASSERT_FALSE(failed.ok()) << "read " << read << " of " << kRows << " rows without an error";
  EXPECT_TRUE(Mentions(failed, "stream is open")) << failed.message();
}

TEST(DuckDbStreamGuard, StatementsQueriesAndAppendersWaitForTheStreamToEnd) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE t (i BIGINT)").ok());
  auto stream = wh->Stream("SELECT i FROM range(10000) r(i)");
  ASSERT_TRUE(stream.ok());
  auto first = (*stream)->Next();
  ASSERT_TRUE(first.ok() && *first != nullptr);
  const int64_t first_rows = static_cast<int64_t>((*first)->row_count());

  const Status exec = wh->Execute("INSERT INTO t VALUES (1)");
  EXPECT_EQ(exec.code(), StatusCode::kInternal);
  EXPECT_TRUE(Mentions(exec, "stream is open")) << exec.message();
  EXPECT_FALSE(wh->Execute("INSERT INTO t VALUES ($1)", {Value::Int(1)}).ok());
  EXPECT_FALSE(wh->Query("SELECT 1").ok());
  EXPECT_FALSE(wh->Stream("SELECT 1").ok());
  EXPECT_FALSE(wh->CreateAppender("main", "t").ok());
  EXPECT_FALSE(wh->Begin().ok());

  // Nothing ran, so the stream still has every row.
  Status error = Status::Ok();
  EXPECT_EQ(Drain(**stream, &error) + first_rows, 10000) << error.message();
  // Read to its end, the stream no longer holds the connection.
  EXPECT_TRUE(wh->Execute("INSERT INTO t VALUES (1)").ok());
  auto n = QueryInt(*wh, "SELECT count(*) FROM t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
}

TEST(DuckDbStreamGuard, DestroyingTheStreamFreesTheConnection) {
  auto wh = Memory();
  {
    auto stream = wh->Stream("SELECT i FROM range(10000) r(i)");
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Next().ok());
    EXPECT_FALSE(wh->Query("SELECT 1").ok());
  }
  EXPECT_TRUE(wh->Query("SELECT 1").ok());
}

TEST(DuckDbStreamGuard, AppenderOpenedBeforeTheStreamMayNotFlushDuringIt) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE t (i BIGINT)").ok());
  auto app = wh->CreateAppender("main", "t");
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE((*app)->AppendInt(1).ok());
  ASSERT_TRUE((*app)->EndRow().ok());
  auto stream = wh->Stream("SELECT i FROM range(5000) r(i)");
  ASSERT_TRUE(stream.ok());
  EXPECT_FALSE((*app)->Flush().ok());
  EXPECT_FALSE((*app)->Close().ok());
  Status error = Status::Ok();
  EXPECT_EQ(Drain(**stream, &error), 5000) << error.message();
  EXPECT_TRUE((*app)->Close().ok());
  auto n = QueryInt(*wh, "SELECT count(*) FROM t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
}

// A rollback (a Transaction's destructor on an error path) cannot be refused: it ends the
// stream, and the stream says so instead of reporting a short result.
TEST(DuckDbStreamGuard, AStreamEndedByARollbackFailsOnItsNextRead) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Begin().ok());
  auto stream = wh->Stream("SELECT i FROM range(100000) r(i)");
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Next().ok());
  EXPECT_TRUE(wh->Rollback().ok());
  Status error = Status::Ok();
  EXPECT_EQ(Drain(**stream, &error), -1);
  EXPECT_TRUE(Mentions(error, "ended by other work")) << error.message();
  EXPECT_TRUE(wh->Query("SELECT 1").ok());
}

// Another connection (OpenAnother) is the way to write while reading.
TEST(DuckDbStreamGuard, ASecondConnectionWritesWhileTheFirstStreams) {
  auto wh = Memory();
  ASSERT_TRUE(wh->Execute("CREATE TABLE src AS SELECT i FROM range(" + std::to_string(kRows) +
                          ") t(i); CREATE TABLE dst (i BIGINT)")
                  .ok());
  auto writer = wh->OpenAnother();
  ASSERT_TRUE(writer.ok());
  auto app = (*writer)->CreateAppender("main", "dst");
  ASSERT_TRUE(app.ok());
  auto stream = wh->Stream("SELECT i FROM src");
  ASSERT_TRUE(stream.ok());
  int64_t read = 0;
  while (true) {
    auto chunk = (*stream)->Next();
    ASSERT_TRUE(chunk.ok()) << chunk.status().message();
    if (*chunk == nullptr) break;
    for (size_t r = 0; r < (*chunk)->row_count(); ++r, ++read) {
      ASSERT_TRUE((*app)->AppendInt((*chunk)->GetInt(0, r)).ok());
      ASSERT_TRUE((*app)->EndRow().ok());
    }
  }
  ASSERT_TRUE((*app)->Close().ok());
  EXPECT_EQ(read, kRows);
  auto n = QueryInt(*wh, "SELECT count(*) FROM dst");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, kRows);
}

}  // namespace
}  // namespace zcdp
