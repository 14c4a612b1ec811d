// The test PostgreSQL cluster that ctest starts (scripts/pg-test-cluster), checked through
// psql: the version the adapter targets, loopback only, not root, password over TCP.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/postgres.h"

namespace zcdp::testing {
namespace {

std::string QueryOne(const std::string& dsn, const std::string& sql) {
  std::string out;
  EXPECT_TRUE(Psql(dsn, sql, &out)) << sql;
  return pg_detail::Trim(out);
}

TEST(PgCluster, RunsPostgres15) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("pg_cluster");
  ASSERT_TRUE(db.ok());
  EXPECT_NE(QueryOne(db.dsn(), "SELECT version()").find("PostgreSQL 15"), std::string::npos);
  EXPECT_EQ(QueryOne(db.dsn(), "SELECT current_database()"), db.name());
}

TEST(PgCluster, ListensOnLoopbackOnly) {
  ZCDP_REQUIRE_POSTGRES();
  EXPECT_EQ(QueryOne(AdminDsn(), "SHOW listen_addresses"), "127.0.0.1");
  EXPECT_EQ(QueryOne(AdminDsn(), "SHOW unix_socket_directories"), *TestPostgresDir());
}

TEST(PgCluster, ServerDoesNotRunAsRoot) {
  ZCDP_REQUIRE_POSTGRES();
  const std::string data_dir = QueryOne(AdminDsn(), "SELECT current_setting('data_directory')");
  struct stat st {};
  ASSERT_EQ(::stat(data_dir.c_str(), &st), 0) << data_dir;
  EXPECT_NE(st.st_uid, 0u);
  // Unless the tests run as root, the server runs as the user running them.
  if (::geteuid() != 0) {
    EXPECT_EQ(st.st_uid, ::geteuid());
  }
}

TEST(PgCluster, TcpNeedsThePassword) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("pg_cluster_tcp");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(QueryOne(db.tcp_dsn(), "SELECT current_user"), "zcdp_admin");
  std::string out;
  EXPECT_FALSE(Psql(pg_detail::WithDsnValue(db.tcp_dsn(), "password", "wrong"), "SELECT 1", &out));
  EXPECT_FALSE(Psql(TcpDsn(), "SELECT 1", &out));  // no password at all
}

TEST(PgCluster, DropsTheDatabaseOnDestruction) {
  ZCDP_REQUIRE_POSTGRES();
  std::string name;
  {
    TestDatabase db("Drop Me!");
    ASSERT_TRUE(db.ok());
    name = db.name();
    EXPECT_EQ(name.rfind("drop_me__", 0), 0u) << name;
    EXPECT_TRUE(Psql(db.dsn(), "CREATE TABLE t (x int); INSERT INTO t VALUES (1);"));
  }
  EXPECT_EQ(QueryOne(AdminDsn(), "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'"),
            "0");
}

TEST(PgCluster, NamesAreSanitizedAndBounded) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db(std::string(100, 'X') + "-y");
  ASSERT_TRUE(db.ok());
  EXPECT_LE(db.name().size(), 63u);
  EXPECT_EQ(db.name().find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos)
      << db.name();
}

}  // namespace
}  // namespace zcdp::testing
