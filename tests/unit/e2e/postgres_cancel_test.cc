// Ctrl-C during `zcdp run` on PostgreSQL cancels the running statement on the server: the step
// fails and rolls back, the run is recorded as failed, and the next run succeeds.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
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

  const fs::path err = dir / "err.txt";
  const std::string cmd = "timeout -s INT 2 " + std::string(ZCDP_BINARY) + " run -p " +
                          testing::ShellQuote(dir.string()) + " >/dev/null 2>" +
                          testing::ShellQuote(err.string());
  const int status = std::system(cmd.c_str());
  const std::string stderr_text = testing::ReadFile(err);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 124) << status;  // timeout sent SIGINT
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
  EXPECT_EQ(out, "failed\n0\n");  // recorded, and no statement left running on the server

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
