// End-to-end on PostgreSQL: what a run does when something goes wrong. Every failure ends with
// a message saying what happened (and, for the CLI, a non-zero exit code, never a crash); a
// step that fails leaves the output of the last successful run in place; the next run
// recovers. The shared test cluster is never stopped: losing the server is simulated by
// terminating zcdp's backend from an admin connection.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
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

constexpr char kPasswordVar[] = "ZCDP_PG_FAILURES_PASSWORD";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Customers and orders (as in tests/sql/traits/traits.test). `shop.orders` is a view that
// sleeps shop.pause.seconds per row, 0 unless a test slows it down.
constexpr char kShopSql[] = R"sql(
CREATE SCHEMA shop;
CREATE TABLE shop.customers (customer_id VARCHAR, email VARCHAR, city VARCHAR, updated_at TIMESTAMP);
INSERT INTO shop.customers VALUES
  ('c1', 'ann@x.com', 'Paris', TIMESTAMP '2026-01-01'),
  ('c1b', 'ANN@x.com', 'Lyon', TIMESTAMP '2026-03-01'),
  ('c2', 'bob@x.com', NULL, TIMESTAMP '2026-02-01'),
  ('c3', 'cyd@x.com', 'Nice', TIMESTAMP '2025-02-01');
CREATE TABLE shop.orders_raw (order_id VARCHAR, email VARCHAR, ordered_at TIMESTAMP, amount DECIMAL(10,2), status VARCHAR, city VARCHAR);
INSERT INTO shop.orders_raw VALUES
  ('o1', 'ann@x.com', CURRENT_TIMESTAMP - INTERVAL '1 days', 10, 'completed', 'Lille'),
  ('o2', 'ann@x.com', CURRENT_TIMESTAMP - INTERVAL '40 days', 30, 'completed', 'Lille'),
  ('o3', 'ann@x.com', CURRENT_TIMESTAMP - INTERVAL '400 days', 60, 'refunded', 'Paris'),
  ('o4', 'bob@x.com', CURRENT_TIMESTAMP - INTERVAL '5 days', 5, 'completed', 'Metz'),
  ('o5', 'bob@x.com', CURRENT_TIMESTAMP - INTERVAL '6 days', 5, 'cancelled', NULL);
CREATE TABLE shop.pause (seconds DOUBLE PRECISION);
INSERT INTO shop.pause VALUES (0);
CREATE FUNCTION shop.pause() RETURNS BOOLEAN LANGUAGE sql VOLATILE AS
  $$ SELECT true FROM pg_sleep((SELECT seconds FROM shop.pause)) $$;
CREATE VIEW shop.orders AS SELECT * FROM shop.orders_raw WHERE shop.pause();
)sql";

// The project, with the warehouse block in front; `trait_sql` is the last trait's SQL.
std::string ProjectYaml(const std::string& warehouse_block,
                        const std::string& trait_sql = "count(*) FILTER (WHERE amount >= 30)") {
  return "name: shop\n" + warehouse_block + R"yaml(
sources:
  - {name: customers, table: shop.customers, primary_key: customer_id, timestamp: updated_at, identifiers: {crm_id: customer_id, email: email}}
  - {name: orders, table: shop.orders, kind: events, primary_key: order_id, timestamp: ordered_at, identifiers: {email: email}}
identity:
  id_types:
    crm_id: {priority: 1, max_per_profile: 5}
    email: {priority: 2, normalize: email}
traits:
  - {name: n_orders, source: orders, aggregate: count}
  - {name: spent, source: orders, aggregate: sum(amount)}
  - {name: latest_city, source: customers, pick: most_recent, column: city}
  - {name: big_orders, source: orders, sql: ")yaml" +
         trait_sql + R"yaml("}
profiles: {materialize: true}
audiences:
  - {name: buyers, where: "sum(orders.amount within 30d) >= 50"}
  - {name: everyone, where: "exists(orders)"}
)yaml";
}

// A warehouse block for the CLI: TCP with the password from kPasswordVar.
std::string WarehouseBlock(const std::string& dsn, const std::string& extra = "") {
  return "warehouse:\n  type: postgres\n  dsn: \"" + dsn + "\"\n  password: ${" + kPasswordVar +
         "}\n  output_schema: zcdp\n" + extra;
}

std::string TcpDsnWithoutPassword(const TestDatabase& db) {
  return WithDsnValue(testing::TcpDsn(), "dbname", db.name());
}

// Ends the zcdp connections to `db` (all of them, or only those sleeping in pg_sleep), from
// the superuser's own connection; returns how many it ended.
int TerminateZcdp(const TestDatabase& db, bool only_sleeping = false) {
  std::string out;
  const std::string sql =
      "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
      "WHERE application_name = 'zcdp' AND datname = '" +
      db.name() + "'" + (only_sleeping ? " AND wait_event = 'PgSleep'" : "");
  if (!Psql(testing::AdminDsn(), sql, &out)) return 0;
  return std::atoi(out.c_str());
}

// One database with the shop, a temporary project directory, and the password variable set.
class PostgresFailures : public ::testing::Test {
 protected:
  void SetUp() override {
    ZCDP_REQUIRE_POSTGRES();
    db_ = std::make_unique<TestDatabase>("pg_failures");
    ASSERT_TRUE(db_->ok());
    ASSERT_TRUE(Psql(db_->dsn(), kShopSql));
    dir_ = fs::temp_directory_path() /
           ("zcdp_pgf_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::setenv(kPasswordVar, testing::Password().c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv(kPasswordVar);
    if (!dir_.empty()) fs::remove_all(dir_);
    db_.reset();
  }

  Project Parse(const std::string& yaml) {
    Diagnostics diags("zcdp.yaml");
    std::optional<Project> p = ParseProject(yaml, "zcdp.yaml", dir_.string(), diags);
    EXPECT_TRUE(p && !diags.has_errors()) << diags.ToString();
    return p ? std::move(*p) : Project{};
  }
  Project GoodProject() { return Parse(ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_)))); }

  std::unique_ptr<Warehouse> Connect() {
    auto wh = OpenWarehouse({.type = "postgres", .dsn = db_->dsn()});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    return wh.ok() ? std::move(wh).value() : nullptr;
  }
  // A query's single text value, on a fresh connection.
  std::string Text(const std::string& sql) {
    auto wh = Connect();
    if (wh == nullptr) return "<no connection>";
    auto text = QueryText(*wh, sql);
    EXPECT_TRUE(text.ok()) << sql << ": " << text.status().message();
    return text.ok() ? *text : "<error>";
  }
  // An order-independent digest of a table's rows.
  std::string Digest(const std::string& table) {
    return Text(
        "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
        "t::text)), '') FROM " +
        table + " t");
  }
  std::string AnnsOrders() {
    return Text(
        "SELECT p.n_orders::text FROM zcdp.profiles p JOIN zcdp.identity_graph g "
        "USING (profile_id) WHERE g.id_value = 'c1'");
  }
  void AddOrderForAnn() {
    ASSERT_TRUE(Psql(db_->dsn(),
                     "INSERT INTO shop.orders_raw VALUES ('o9', 'ann@x.com', "
                     "CURRENT_TIMESTAMP - INTERVAL '2 days', 70, 'completed', NULL)"));
  }
  void SetPause(double seconds) {
    ASSERT_TRUE(Psql(db_->dsn(), "UPDATE shop.pause SET seconds = " + std::to_string(seconds)));
  }

  void WriteProject(const std::string& yaml) { std::ofstream(dir_ / "zcdp.yaml") << yaml; }
  testing::CommandResult Run() { return RunZcdp("run -p " + ShellQuote(dir_.string())); }

  std::unique_ptr<TestDatabase> db_;
  fs::path dir_;
};

void ExpectSucceeded(const Result<RunSummary>& run) {
  ASSERT_TRUE(run.ok()) << run.status().message();
  std::string errors;
  for (const auto& s : run->steps) errors += s.error;
  EXPECT_EQ(run->status, RunStatus::kSucceeded) << errors;
}

// The standard pipeline with `after` called at the end of step `name`, before its commit.
Pipeline WithHookAfter(const std::string& name, std::function<void()> after) {
  const Pipeline standard = StandardPipeline();
  Pipeline p;
  for (Step step : standard.steps()) {
    if (step.name == name) {
      step.run = [inner = step.run, after](StepContext& ctx) -> Result<StepCounts> {
        Result<StepCounts> counts = inner(ctx);
        after();
        return counts;
      };
    }
    EXPECT_TRUE(p.Add(std::move(step)).ok());
  }
  return p;
}

// A TCP port on 127.0.0.1 that nothing listens on: bound to port 0, then closed.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A CLI failure: a non-zero exit code from zcdp itself (not a signal), and a message.
void ExpectCleanFailure(const testing::CommandResult& r, int exit_code) {
  EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "zcdp: error:")) << r.err;
  for (const char* crash : {"terminate called", "Segmentation", "Aborted", "std::"}) {
    EXPECT_FALSE(Contains(r.err, crash)) << r.err;
  }
}

TEST_F(PostgresFailures, ConnectionLostInsideAStepRollsItBackAndTheNextRunRecovers) {
  auto wh = Connect();
  ASSERT_NE(wh, nullptr);
  const Project project = GoodProject();
  ExpectSucceeded(RunPipeline(StandardPipeline(), project, *wh));
  EXPECT_EQ(AnnsOrders(), "3");
  const std::string profiles = Digest("zcdp.profiles");
  AddOrderForAnn();

  // The server drops the connection after the traits step's work, before its commit.
  int terminated = 0;
  auto lost =
      RunPipeline(WithHookAfter("traits", [&] { terminated = TerminateZcdp(*db_); }), project, *wh);
  EXPECT_EQ(terminated, 1);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(lost.status().message(), "lost the connection to PostgreSQL"))
      << lost.status().message();
  EXPECT_TRUE(Contains(lost.status().message(), "rerun")) << lost.status().message();

  // The traits step's transaction was rolled back: the last good profiles, no leftovers.
  EXPECT_EQ(Digest("zcdp.profiles"), profiles);
  EXPECT_EQ(Text("SELECT count(*)::text FROM pg_tables WHERE schemaname = 'zcdp' AND "
                 "tablename LIKE '%zcdp_new'"),
            "0");
  EXPECT_EQ(Text("SELECT string_agg(run_id || '=' || status, ',' ORDER BY run_id) FROM zcdp.runs"),
            "1=succeeded,2=running");

  // The next run, on a new connection, recovers.
  auto again = Connect();
  ASSERT_NE(again, nullptr);
  auto recovered = RunPipeline(StandardPipeline(), project, *again);
  ExpectSucceeded(recovered);
  EXPECT_EQ(recovered->run_id, 3);
  EXPECT_EQ(AnnsOrders(), "4");
}

TEST_F(PostgresFailures, OpenTransactionIsRolledBackWhenTheBackendIsTerminated) {
  auto wh = Connect();
  ASSERT_NE(wh, nullptr);
  ASSERT_TRUE(wh->Execute("CREATE SCHEMA zcdp").ok());
  ASSERT_TRUE(wh->Begin().ok());
  ASSERT_TRUE(wh->Execute("CREATE TABLE zcdp.partial (a INT)").ok());
  ASSERT_EQ(TerminateZcdp(*db_), 1);
  const Status s = wh->Execute("INSERT INTO zcdp.partial VALUES (1)");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(s.message(), "lost the connection to PostgreSQL")) << s.message();
  EXPECT_EQ(Text("SELECT count(*)::text FROM pg_tables WHERE schemaname = 'zcdp'"), "0");
  auto fresh = Connect();
  ASSERT_NE(fresh, nullptr);
  ExpectSucceeded(RunPipeline(StandardPipeline(), GoodProject(), *fresh));
  EXPECT_EQ(AnnsOrders(), "3");
}

// A broken trait fails alone (issue 15, item 7): over materialised profiles on PostgreSQL, the
// other traits and every audience are computed and the run is partial; the next good run
// brings the trait back.
TEST_F(PostgresFailures, ABrokenTraitFailsAloneAndTheRestOfTheRunCompletes) {
  auto wh = Connect();
  ASSERT_NE(wh, nullptr);
  const Project good = GoodProject();
  ExpectSucceeded(RunPipeline(StandardPipeline(), good, *wh));
  AddOrderForAnn();

  const Project bad =
      Parse(ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_)), "sum(no_such_column)"));
  auto partial = RunPipeline(StandardPipeline(), bad, *wh);
  ASSERT_TRUE(partial.ok()) << partial.status().message();
  EXPECT_EQ(partial->status, RunStatus::kPartial);
  ASSERT_EQ(partial->steps.size(), 5u) << "every step ran";
  for (const StepOutcome& step : partial->steps) {
    const bool is_traits = step.name == "traits";
    EXPECT_EQ(step.status, is_traits ? RunStatus::kPartial : RunStatus::kSucceeded) << step.name;
    EXPECT_EQ(step.failures.size(), is_traits ? 1u : 0u) << step.name;
  }
  const StepOutcome& traits = partial->steps[2];
  ASSERT_EQ(traits.failures.size(), 1u);
  EXPECT_EQ(traits.failures[0].name, "big_orders");
  EXPECT_TRUE(Contains(traits.failures[0].error, "no_such_column")) << traits.failures[0].error;

  // The other traits saw Ann's new order; the broken one is not in profiles.
  EXPECT_EQ(AnnsOrders(), "4");
  EXPECT_EQ(Text("SELECT count(*)::text FROM information_schema.columns WHERE table_schema = "
                 "'zcdp' AND table_name = 'profiles' AND column_name = 'big_orders'"),
            "0");
  EXPECT_EQ(Text("SELECT count(*)::text FROM pg_tables WHERE schemaname = 'zcdp' AND "
                 "tablename LIKE '%zcdp_new'"),
            "0");
  EXPECT_EQ(Text("SELECT status || ':' || (failures::text LIKE '%no_such_column%') FROM "
                 "zcdp.run_steps WHERE run_id = 2 AND step = 'traits'"),
            "partial:true");
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs WHERE run_id = 2"), "partial");
  EXPECT_EQ(Text("SELECT count(DISTINCT audience)::text FROM zcdp.audience_history"), "2");

  // The same connection serves the next, good run, which computes the trait again.
  auto recovered = RunPipeline(StandardPipeline(), good, *wh);
  ExpectSucceeded(recovered);
  EXPECT_EQ(AnnsOrders(), "4");
  EXPECT_EQ(Text("SELECT count(*)::text FROM information_schema.columns WHERE table_schema = "
                 "'zcdp' AND table_name = 'profiles' AND column_name = 'big_orders'"),
            "1");
}

TEST_F(PostgresFailures, CliWrongPasswordSaysAuthenticationAndNeverShowsIt) {
  const std::string wrong = "Wrong-Password-5150";
  ::setenv(kPasswordVar, wrong.c_str(), 1);
  WriteProject(ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_))));
  const auto r = Run();
  ExpectCleanFailure(r, 1);
  EXPECT_TRUE(Contains(r.err, "password authentication failed")) << r.err;
  EXPECT_TRUE(Contains(r.err, "check the user, password and database")) << r.err;
  EXPECT_FALSE(Contains(r.err + r.out, wrong));
  EXPECT_FALSE(Contains(r.err + r.out, testing::Password()));
}

TEST_F(PostgresFailures, CliUnsetPasswordVariableIsNamed) {
  ::unsetenv(kPasswordVar);
  WriteProject(ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_))));
  const auto r = Run();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1);
  EXPECT_TRUE(Contains(r.err, kPasswordVar)) << r.err;
  EXPECT_TRUE(Contains(r.err, "not set")) << r.err;
}

TEST_F(PostgresFailures, CliUnreachableServerAsksWhetherItIsRunning) {
  const int port = ClosedPort();
  WriteProject(ProjectYaml(
      WarehouseBlock("host=127.0.0.1 port=" + std::to_string(port) + " dbname=shop user=zcdp")));
  const auto r = Run();
  ExpectCleanFailure(r, 3);
  EXPECT_TRUE(Contains(r.err, "cannot connect to PostgreSQL")) << r.err;
  EXPECT_TRUE(Contains(r.err, "is the server running")) << r.err;
  EXPECT_FALSE(Contains(r.err + r.out, testing::Password()));
}

TEST_F(PostgresFailures, CliStatementTimeoutFromTheProjectFile) {
  SetPause(0.5);  // five orders: 2.5 s for any statement that reads them all
  WriteProject(
      ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_), "  statement_timeout: 1s\n")));
  const auto r = Run();
  ExpectCleanFailure(r, 1);
  EXPECT_TRUE(Contains(r.err, "ran longer than the 1000 ms statement timeout")) << r.err;
  EXPECT_TRUE(Contains(r.out, "failed")) << r.out;
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs WHERE run_id = 1"), "failed");

  // A limit the statements fit in: the rerun recovers. (Not 1s: PostgreSQL's JIT alone can
  // take a second on the identity step's freshly built, unanalysed tables.)
  SetPause(0);
  WriteProject(
      ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_), "  statement_timeout: 60s\n")));
  const auto ok = Run();
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_TRUE(Contains(ok.out, "run 2 succeeded")) << ok.out;
}

TEST_F(PostgresFailures, CliRunWhoseConnectionIsKilledFailsCleanlyAndTheRerunRecovers) {
  WriteProject(ProjectYaml(WarehouseBlock(TcpDsnWithoutPassword(*db_))));
  const auto first = Run();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string profiles = Digest("zcdp.profiles");
  AddOrderForAnn();
  SetPause(5);  // 30 s to read the orders: the killer strikes while zcdp waits

  std::atomic<bool> done{false};
  std::atomic<int> killed{0};
  std::thread killer([&] {
    while (!done && killed == 0) {
      killed = TerminateZcdp(*db_, /*only_sleeping=*/true);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const auto started = std::chrono::steady_clock::now();
  const auto lost = Run();
  done = true;
  killer.join();
  EXPECT_EQ(killed, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(25));
  ExpectCleanFailure(lost, 3);
  EXPECT_TRUE(Contains(lost.err, "lost the connection to PostgreSQL")) << lost.err;
  EXPECT_TRUE(Contains(lost.err, "rerun to recover")) << lost.err;
  EXPECT_EQ(Digest("zcdp.profiles"), profiles);

  SetPause(0);
  const auto rerun = Run();
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_TRUE(Contains(rerun.out, "run 3 succeeded")) << rerun.out;
  EXPECT_EQ(AnnsOrders(), "4");
}

}  // namespace
}  // namespace zcdp
