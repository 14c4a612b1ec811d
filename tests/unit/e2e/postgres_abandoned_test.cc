// Runs that died on PostgreSQL: a run holds a lease (a session-level advisory lock) while it
// runs, so that the next run, maybe on another machine, records a run left `running` as
// abandoned only when no session holds its lease; a run whose lease is held is left alone.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zcdp/warehouse/warehouse.h"

#include "run/run_record.h"
#include "support/command.h"
#include "support/postgres.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;

class PostgresAbandonedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ZCDP_REQUIRE_POSTGRES();
    db_ = std::make_unique<testing::TestDatabase>("abandoned");
    ASSERT_TRUE(db_->ok());
    ASSERT_TRUE(testing::Psql(db_->dsn(), R"sql(
CREATE SCHEMA crm;
CREATE TABLE crm.customers (customer_id TEXT, email TEXT);
INSERT INTO crm.customers VALUES ('c1', 'a@x.com'), ('c2', 'b@x.com'), ('c3', 'c@x.com');
CREATE VIEW crm.slow AS SELECT c.*, pg_sleep(1)::text AS pause FROM crm.customers c;
)sql"));
    dir_ = fs::temp_directory_path() / ("zcdp_abandoned_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    WriteProject("crm.customers");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void WriteProject(const std::string& table) {
    std::ofstream(dir_ / "zcdp.yaml")
        << "name: abandoned\nwarehouse: {type: postgres, dsn: '" << db_->dsn() << "'}\n"
        << "identity: {id_types: {email: {priority: 1}, crm_id: {priority: 2}}}\n"
        << "sources:\n  - {name: customers, table: " << table
        << ", primary_key: customer_id, identifiers: {email: email, crm_id: customer_id}}\n";
  }

  testing::CommandResult Run() {
    return testing::RunZcdp("run -p " + testing::ShellQuote(dir_.string()));
  }

  std::string Text(const std::string& sql) {
    std::string out;
    EXPECT_TRUE(testing::Psql(db_->dsn(), sql, &out)) << sql;
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  fs::path dir_;
};

TEST_F(PostgresAbandonedTest, ARunWhoseLeaseIsHeldIsLeftAloneAndOneWithoutIsAbandoned) {
  const testing::CommandResult first = Run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Run 2 is recorded as running, its first step committed; a session (its process, maybe
  // on another machine) holds its lease.
  ASSERT_TRUE(testing::Psql(db_->dsn(),
                            "INSERT INTO zcdp.runs (run_id, started_at, status) VALUES "
                            "(2, now(), 'running'); INSERT INTO zcdp.run_steps (run_id, step, "
                            "position, status) VALUES (2, 'sources', 0, 'succeeded');"));
  auto holder = OpenWarehouse({.type = "postgres", .dsn = db_->dsn()});
  ASSERT_TRUE(holder.ok()) << holder.status().message();
  auto held = (*holder)->TryLease(RunLeaseSpace("zcdp"), 2);
  ASSERT_TRUE(held.ok() && *held) << held.status().message();

  const testing::CommandResult alive = Run();
  ASSERT_EQ(alive.exit_code, 0) << alive.err;
  EXPECT_EQ(Text("SELECT run_id, status FROM zcdp.runs ORDER BY run_id"),
            "1|succeeded\n2|running\n3|succeeded\n");

  holder->reset();  // the process holding it dies: its session ends, and the lease with it
  const testing::CommandResult next = Run();
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("run 2 was still recorded as running"), std::string::npos) << next.err;
  EXPECT_EQ(Text("SELECT run_id, status FROM zcdp.runs ORDER BY run_id"),
            "1|succeeded\n2|abandoned\n3|succeeded\n4|succeeded\n");
  const std::string note = Text("SELECT note FROM zcdp.runs WHERE run_id = 2");
  EXPECT_NE(note.find("steps committed: sources;"), std::string::npos) << note;
}

TEST_F(PostgresAbandonedTest, AKilledRunIsRecordedAsAbandonedByTheNextRun) {
  WriteProject("crm.slow");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    (void)!std::freopen("/dev/null", "w", stdout);
    (void)!std::freopen("/dev/null", "w", stderr);
    ::execl(ZCDP_BINARY, ZCDP_BINARY, "run", "-p", dir_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string sleeping =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
      "application_name = 'zcdp' AND state = 'active' AND wait_event = 'PgSleep'";
  std::string active;
  for (int i = 0; i < 600 && active != "1\n"; ++i) {
    ::usleep(100'000);
    active = Text(sleeping);
  }
  ASSERT_EQ(active, "1\n") << "the slow read never started";
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(Text("SELECT run_id, status FROM zcdp.runs"), "1|running\n");
  // The server ends the dead client's session once its statement returns (pg_sleep, at
  // most a few seconds): until then the lease is held and the run looks alive.
  std::string sessions;
  for (int i = 0; i < 300 && sessions != "0\n"; ++i) {
    ::usleep(100'000);
    sessions = Text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
        "application_name = 'zcdp'");
  }
  ASSERT_EQ(sessions, "0\n");
  const std::string committed = Text(
      "SELECT coalesce(string_agg(step, ', ' ORDER BY position), 'none') FROM zcdp.run_steps "
      "WHERE run_id = 1 AND status = 'succeeded'");

  WriteProject("crm.customers");
  const testing::CommandResult rerun = Run();
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(Text("SELECT run_id, status FROM zcdp.runs ORDER BY run_id"),
            "1|abandoned\n2|succeeded\n");
  const std::string note = Text("SELECT note FROM zcdp.runs WHERE run_id = 1");
  EXPECT_NE(note.find("steps committed: " + committed.substr(0, committed.size() - 1) + ";"),
            std::string::npos)
      << note;
}

}  // namespace
}  // namespace zcdp
