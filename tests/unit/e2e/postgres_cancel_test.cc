// Ctrl-C during `zcdp run` on PostgreSQL cancels the running statement on the server: the step
// rolls back, the run is recorded as interrupted, zcdp exits 130, and the next run succeeds.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/command.h"
#include "support/postgres.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;

TEST(PostgresCancelTest, InterruptCancelsTheStatementAndTheNextRunRecovers) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("cancel");
  ASSERT_TRUE(db.ok());
  // A source whose every row takes a second to read.
  ASSERT_TRUE(testing::Psql(db.dsn(), R"sql(
CREATE SCHEMA crm;
CREATE TABLE crm.customers (customer_id TEXT, email TEXT);
INSERT INTO crm.customers VALUES ('c1', 'a@x.com'), ('c2', 'b@x.com'), ('c3', 'c@x.com');
CREATE VIEW crm.slow AS SELECT c.*, pg_sleep(1)::text AS pause FROM crm.customers c;
)sql"));
  const fs::path dir = fs::temp_directory_path() / ("zcdp_cancel_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto write_project = [&](const std::string& table) {
    std::ofstream(dir / "zcdp.yaml")
        << "name: cancel\nwarehouse: {type: postgres, dsn: '" << db.dsn() << "'}\n"
        << "identity: {id_types: {email: {priority: 1}, crm_id: {priority: 2}}}\n"
        << "sources:\n  - {name: customers, table: " << table
        << ", primary_key: customer_id, identifiers: {email: email, crm_id: customer_id}}\n";
  };
  write_project("crm.slow");

  // Start the run, wait until the slow read is running on the server, then interrupt it the
  // way `timeout -s INT` does: the process, then its process group (two deliveries of one
  // interrupt, which must not count as a second Ctrl-C).
  const fs::path err = dir / "err.txt";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setpgid(0, 0);
    (void)!std::freopen("/dev/null", "w", stdout);
    (void)!std::freopen(err.c_str(), "w", stderr);
    ::execl(ZCDP_BINARY, ZCDP_BINARY, "run", "-p", dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string active;
  for (int i = 0; i < 600 && active != "1\n"; ++i) {
    ::usleep(100'000);
    ASSERT_TRUE(testing::Psql(db.dsn(),
                              "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "current_database() AND application_name = 'zcdp' AND state = "
                              "'active' AND wait_event = 'PgSleep'",
                              &active));
  }
  EXPECT_EQ(active, "1\n") << "the slow read never started";
  ::kill(pid, SIGINT);
  ::usleep(50'000);  // late enough to be delivered on its own, as it can be on a loaded machine
  ::kill(-pid, SIGINT);
  int status = 0;
  for (int i = 0; i < 600 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) ::usleep(100'000);
  if (::waitpid(pid, &status, WNOHANG) == 0) {  // still running after a minute: a hang
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    ADD_FAILURE() << "zcdp run did not stop after SIGINT";
  }
  const std::string stderr_text = testing::ReadFile(err);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << status << "\n" << stderr_text;
  EXPECT_NE(stderr_text.find("interrupted: cancelling the running statement"), std::string::npos)
      << stderr_text;
  EXPECT_NE(stderr_text.find("was cancelled (interrupted)"), std::string::npos) << stderr_text;

  std::string out;
  ASSERT_TRUE(
      testing::Psql(db.dsn(),
                    "SELECT status FROM zcdp.runs ORDER BY run_id DESC LIMIT 1; "
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND application_name = 'zcdp';",
                    &out));
  EXPECT_EQ(out, "interrupted\n0\n");  // recorded, and no statement left running on the server

  write_project("crm.customers");
  const testing::CommandResult rerun =
      testing::RunZcdp("run -p " + testing::ShellQuote(dir.string()));
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  ASSERT_TRUE(
      testing::Psql(db.dsn(), "SELECT count(DISTINCT profile_id) FROM zcdp.identity_graph", &out));
  EXPECT_EQ(out, "3\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zcdp
