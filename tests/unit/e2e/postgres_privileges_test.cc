// End-to-end on PostgreSQL with a least-privilege role: USAGE on the source schemas, SELECT on
// the source tables, and ownership of the output schema; nothing else (not even the default
// CONNECT and TEMPORARY that PUBLIC has on a database). A full run as that role succeeds,
// reruns succeed, and every write outside the output schema is refused by the server. This
// is the recipe docs/postgres.md gives.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/postgres.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::Psql;
using testing::RunZcdp;
using testing::ShellQuote;
using testing::TestDatabase;
using testing::pg_detail::WithDsnValue;

constexpr char kPasswordVar[] = "ZCDP_RUNNER_PASSWORD";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Two source schemas (as in tests/sql/traits/traits.test and audiences/membership.test), and
// a table the role is not given.
constexpr char kSourcesSql[] = R"sql(
CREATE SCHEMA crm;
CREATE TABLE crm.customers (customer_id VARCHAR, email VARCHAR, city VARCHAR, updated_at TIMESTAMP);
INSERT INTO crm.customers VALUES
  ('c1', 'ann@x.com', 'Paris', TIMESTAMP '2026-01-01'),
  ('c1b', 'ANN@x.com', 'Lyon', TIMESTAMP '2026-03-01'),
  ('c2', 'bob@x.com', NULL, TIMESTAMP '2026-02-01'),
  ('c3', 'cyd@x.com', 'Nice', TIMESTAMP '2025-02-01');
CREATE TABLE crm.secrets (customer_id VARCHAR, note TEXT);
CREATE SCHEMA shop;
CREATE TABLE shop.orders (order_id VARCHAR, email VARCHAR, ordered_at TIMESTAMP, amount DECIMAL(10,2), status VARCHAR);
INSERT INTO shop.orders VALUES
  ('o1', 'ann@x.com', CURRENT_TIMESTAMP - INTERVAL '1 days', 100, 'completed'),
  ('o2', 'bob@x.com', CURRENT_TIMESTAMP - INTERVAL '2 days', 20, 'completed'),
  ('o3', 'cyd@x.com', CURRENT_TIMESTAMP - INTERVAL '3 days', 300, 'refunded'),
  ('o4', 'ann@x.com', CURRENT_TIMESTAMP - INTERVAL '400 days', 60, 'completed');
)sql";

// Exactly the grants docs/postgres.md recommends: nothing more.
std::string GrantsSql(const std::string& database, const std::string& role,
                      const std::string& password) {
  return "REVOKE ALL ON DATABASE " + database + " FROM PUBLIC;\n" + "CREATE ROLE " + role +
         " LOGIN PASSWORD '" + password + "';\n" + "GRANT CONNECT ON DATABASE " + database +
         " TO " + role + ";\n" + "GRANT USAGE ON SCHEMA crm, shop TO " + role + ";\n" +
         "GRANT SELECT ON crm.customers, shop.orders TO " + role + ";\n" +
         "CREATE SCHEMA zcdp AUTHORIZATION " + role + ";\n";
}

std::string ProjectYaml(const std::string& dsn, bool materialize) {
  return "name: least_privilege\nwarehouse:\n  type: postgres\n  dsn: \"" + dsn +
         "\"\n  password: ${" + kPasswordVar + "}\n  statement_timeout: 60s\n" +
         "  output_schema: zcdp\n" + R"yaml(
sources:
  - {name: customers, table: crm.customers, primary_key: customer_id, timestamp: updated_at, identifiers: {crm_id: customer_id, email: email}}
  - {name: orders, table: shop.orders, kind: events, primary_key: order_id, timestamp: ordered_at, identifiers: {email: email}}
identity:
  id_types:
    crm_id: {priority: 1, max_per_profile: 5}
    email: {priority: 2, normalize: email}
traits:
  - {name: n_orders, source: orders, aggregate: count}
  - {name: spent, source: orders, aggregate: sum(amount)}
  - {name: latest_city, source: customers, pick: most_recent, column: city}
  - {name: usual_status, source: orders, aggregate: most_frequent(status)}
audiences:
  - {name: buyers, where: "sum(orders.amount within 30d) >= 50"}
  - {name: everyone, where: "exists(orders)"}
)yaml" + (materialize ? "profiles: {materialize: true}\n" : "");
}

class PostgresPrivileges : public ::testing::Test {
 protected:
  void SetUp() override {
    ZCDP_REQUIRE_POSTGRES();
    static std::atomic<int> counter{0};
    const std::string unique = std::to_string(::getpid()) + "_" + std::to_string(counter++);
    role_ = "zcdp_runner_" + unique;
    password_ = "runner-pw-" + unique;
    db_ = std::make_unique<TestDatabase>("pg_privileges");
    ASSERT_TRUE(db_->ok());
    // A role left behind by a crashed run with the same pid.
    ASSERT_TRUE(Psql(testing::AdminDsn(), "DROP ROLE IF EXISTS " + role_));
    ASSERT_TRUE(Psql(db_->dsn(), kSourcesSql + GrantsSql(db_->name(), role_, password_)));
    role_created_ = true;
    dir_ = fs::temp_directory_path() / ("zcdp_pgpriv_" + unique);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::setenv(kPasswordVar, password_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv(kPasswordVar);
    if (!dir_.empty()) fs::remove_all(dir_);
    if (role_created_) {
      EXPECT_TRUE(Psql(db_->dsn(), "DROP OWNED BY " + role_ + " CASCADE"));
    }
    db_.reset();
    if (role_created_) {
      EXPECT_TRUE(Psql(testing::AdminDsn(), "DROP ROLE " + role_));
    }
  }

  // The role's TCP connection string, without its password.
  std::string RoleDsn() const {
    return WithDsnValue(WithDsnValue(testing::TcpDsn(), "dbname", db_->name()), "user", role_);
  }
  std::unique_ptr<Warehouse> ConnectAsRole() {
    auto wh = OpenWarehouse({.type = "postgres", .dsn = RoleDsn(), .password = password_});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    return wh.ok() ? std::move(wh).value() : nullptr;
  }
  std::string AdminText(const std::string& sql) {
    std::string out;
    EXPECT_TRUE(Psql(db_->dsn(), sql, &out)) << sql;
    return testing::pg_detail::Trim(out);
  }

  std::unique_ptr<TestDatabase> db_;
  std::string role_, password_;
  bool role_created_ = false;
  fs::path dir_;
};

TEST_F(PostgresPrivileges, FullRunsNeedOnlySelectOnSourcesAndTheOutputSchema) {
  // The CLI, which also validates the project: profiles as a view (the default).
  std::ofstream(dir_ / "zcdp.yaml") << ProjectYaml(RoleDsn(), /*materialize=*/false);
  const auto cli = RunZcdp("run -p " + ShellQuote(dir_.string()));
  ASSERT_EQ(cli.exit_code, 0) << cli.out << cli.err;
  EXPECT_TRUE(Contains(cli.out, "run 1 succeeded")) << cli.out;
  EXPECT_FALSE(Contains(cli.out + cli.err, password_));

  // A rerun through the API, switching profiles to a table: replaces what run 1 built.
  Diagnostics diags("zcdp.yaml");
  auto project =
      ParseProject(ProjectYaml(RoleDsn(), /*materialize=*/true), "zcdp.yaml", dir_.string(), diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto wh = ConnectAsRole();
  ASSERT_NE(wh, nullptr);
  for (int run = 2; run <= 3; ++run) {
    auto summary = RunPipeline(StandardPipeline(), *project, *wh);
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    std::string errors;
    for (const auto& s : summary->steps) errors += s.name + ": " + s.error + "\n";
    EXPECT_EQ(summary->status, RunStatus::kSucceeded) << errors;
    EXPECT_EQ(summary->run_id, run);
  }

  // Everything zcdp made is in its schema, owned by the role, and filled.
  EXPECT_EQ(
      AdminText("SELECT string_agg(DISTINCT pg_get_userbyid(c.relowner), ',') FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'zcdp'"),
      role_);
  EXPECT_EQ(AdminText("SELECT relkind FROM pg_class WHERE oid = 'zcdp.profiles'::regclass"), "r");
  EXPECT_EQ(AdminText("SELECT count(*) FROM zcdp.profiles"), "3");
  EXPECT_EQ(AdminText("SELECT count(*) FROM zcdp.identity_graph"), "7");
  EXPECT_EQ(AdminText("SELECT string_agg(audience || '=' || n, ',' ORDER BY audience) FROM "
                      "(SELECT audience, count(*) AS n FROM zcdp.audience_membership "
                      "GROUP BY audience) a"),
            "buyers=2,everyone=3");
  EXPECT_EQ(AdminText("SELECT string_agg(run_id || '=' || status, ',' ORDER BY run_id) "
                      "FROM zcdp.runs"),
            "1=succeeded,2=succeeded,3=succeeded");
  // Nothing was made anywhere else (pg_toast holds the storage of the role's own tables).
  EXPECT_EQ(AdminText("SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ','), '') "
                      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE pg_get_userbyid(c.relowner) = '" +
                      role_ + "' AND n.nspname NOT IN ('zcdp', 'pg_toast')"),
            "");
}

TEST_F(PostgresPrivileges, WritesOutsideTheOutputSchemaAreRefused) {
  auto wh = ConnectAsRole();
  ASSERT_NE(wh, nullptr);
  ASSERT_TRUE(wh->Query("SELECT count(*) FROM crm.customers").ok());
  ASSERT_TRUE(wh->Execute("CREATE TABLE zcdp.mine (a INT); DROP TABLE zcdp.mine").ok());
  const char* const refused[] = {
      "INSERT INTO shop.orders (order_id) VALUES ('x')",
      "UPDATE crm.customers SET city = 'Rome'",
      "DELETE FROM shop.orders",
      "CREATE TABLE shop.x (a INT)",
      "CREATE VIEW crm.v AS SELECT 1 AS a",
      "CREATE TABLE public.x (a INT)",
      "CREATE SCHEMA elsewhere",
      "CREATE TEMPORARY TABLE scratch (a INT)",
      "DROP TABLE shop.orders",
      "SELECT * FROM crm.secrets",
  };
  for (const char* sql : refused) {
    const Status s = wh->Execute(sql);
    EXPECT_FALSE(s.ok()) << sql;
    EXPECT_TRUE(Contains(s.message(), "SQLSTATE 42501")) << sql << ": " << s.message();
    EXPECT_TRUE(Contains(s.message(), "permission denied") ||
                Contains(s.message(), "must be owner"))
        << sql << ": " << s.message();
  }
  EXPECT_EQ(AdminText("SELECT count(*) FROM shop.orders"), "4");
  EXPECT_EQ(AdminText("SELECT count(*) FROM pg_tables WHERE tablename = 'x'"), "0");
}

}  // namespace
}  // namespace zcdp
