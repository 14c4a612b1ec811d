// End-to-end: the `zcdp` binary's usage errors, exit codes and quiet mode on a small DuckDB
// project.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::CommandsIn;
using testing::RunZcdp;
using testing::ShellQuote;

// A three-customer shop and its project file, run once.
class CliUsage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("zcdp-usage");
    auto wh = OpenWarehouse({.path = dir_->Sub("wh.duckdb")});
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    ASSERT_TRUE((*wh)
                    ->Execute("CREATE SCHEMA crm; CREATE TABLE crm.customers (customer_id "
                              "VARCHAR, email VARCHAR); INSERT INTO crm.customers VALUES "
                              "('c1', 'a@x.com'), ('c2', 'b@x.com'), ('c3', 'c@x.com')")
                    .ok());
    wh->reset();
    std::ofstream(dir_->Sub("zcdp.yaml"))
        << "name: usage\nwarehouse: {type: duckdb, path: wh.duckdb}\n"
           "identity: {id_types: {email: {priority: 1}, crm_id: {priority: 2}}}\n"
           "sources:\n  - {name: customers, table: crm.customers, primary_key: customer_id, "
           "identifiers: {email: email, crm_id: customer_id}}\n";
    const auto run = RunZcdp("run " + P());
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string P() { return "-p " + ShellQuote(dir_->Sub("")); }
  static testing::TempDir* dir_;
};
testing::TempDir* CliUsage::dir_ = nullptr;

struct UsageCase {
  std::string args;      // after `zcdp`; "P" is replaced by -p <project>
  std::string expected;  // a phrase of the message on stderr
};

// Every malformed flag value or argument is a usage error: exit 2, a message that names the
// flag or says what was expected, and nothing written.
TEST_F(CliUsage, MalformedFlagsAndArgumentsExit2WithAClearMessage) {
  const std::string out = dir_->Sub("generated");
  const std::vector<UsageCase> cases = {
      {"ledger P --since", "--since"},
      {"ledger P --since yesterday", "expected a date (2026-11-01)"},
      {"ledger P --since 2026-13-45", "expected a date (2026-11-01)"},
      {"profile P jane@example.com", "expected TYPE:VALUE"},
      {"profile P :jane@example.com", "expected TYPE:VALUE"},
      {"explain P email:a@x.com c1", "expected TYPE:VALUE"},
      {"query P -f xml 'SELECT 1'", "expected one of table, csv, json, got 'xml'"},
      {"query P -f jsno 'SELECT 1'", "did you mean 'json'?"},
      {"audience list P --format yaml", "expected one of table, csv, json"},
      {"--as-of yesterday run P", "--as-of"},
      {"--log-level loud validate P", "--log-level"},
      {"generate --out " + out + " --as-of 2026-02-30", "expected a date as YYYY-MM-DD"},
      {"generate --out " + out + " --format excel", "expected one of duckdb, parquet, postgres"},
      {"generate --out " + out + " --dsn 'host=x'", "--dsn is only used with --format postgres"},
      {"generate --out " + out + " --format postgres", "--format postgres needs --dsn"},
      {"demo --dir " + out + " --as-of 01/11/2026", "expected a date as YYYY-MM-DD"},
      {"frobnicate", "unknown command 'frobnicate'"},
      {"P genrate", "unknown command 'genrate' (did you mean 'generate'?)"},
      {"audience lst P", "unknown audience command 'lst' (did you mean 'list'?)"},
  };
  for (const auto& c : cases) {
    std::string args = c.args;
    if (const size_t at = args.find(" P"); at != std::string::npos) args.replace(at, 2, " " + P());
    if (args.rfind("P ", 0) == 0) args.replace(0, 1, P());
    const auto r = RunZcdp(args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(r.err.find("A subcommand is required"), std::string::npos) << c.args << r.err;
    EXPECT_FALSE(fs::exists(out)) << c.args;
  }
}

// DuckDB's "LINE 1: ..." context under an error is printed once.
TEST_F(CliUsage, AnEngineErrorsContextIsPrintedOnce) {
  for (const char* sql : {"SELEC 1", "SELECT nosuch FROM crm.customers"}) {
    const auto r = RunZcdp("query " + P() + " " + ShellQuote(sql));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const size_t first = r.err.find("LINE 1:");
    ASSERT_NE(first, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("LINE 1:", first + 1), std::string::npos) << r.err;
  }
}

// -q and --log-level quiet|error: `run` prints nothing but errors.
TEST_F(CliUsage, QuietRunPrintsNothing) {
  for (const char* flag : {"-q", "--quiet", "--log-level quiet", "--log-level error"}) {
    const auto r = RunZcdp(std::string("run ") + flag + " " + P());
    EXPECT_EQ(r.exit_code, 0) << flag << r.err;
    EXPECT_EQ(r.out, "") << flag;
    EXPECT_EQ(r.err, "") << flag;
  }
  const auto loud = RunZcdp("run " + P());
  EXPECT_NE(loud.out.find("succeeded"), std::string::npos) << loud.out;
}

// Every command's --help (found from `zcdp --help`, subcommands included) lists -p and the
// other global flags, and shows no CLI11 internals such as "ENUM:value in {duckdb->0,...}"
// or "INT:INT in [1 - 100]".
TEST(CliHelp, EveryCommandListsTheGlobalFlagsAndNoInternals) {
  std::vector<std::string> commands = CommandsIn(RunZcdp("--help").out);
  ASSERT_GE(commands.size(), 10u);
  for (size_t i = 0; i < commands.size(); ++i) {
    const auto r = RunZcdp(commands[i] + " --help");
    ASSERT_EQ(r.exit_code, 0) << commands[i] << r.err;
    for (const std::string& sub : CommandsIn(r.out)) commands.push_back(commands[i] + " " + sub);
    for (const char* flag : {"-p,--project FILE|DIR", "--log-level debug|info|warn|error|quiet",
                             "-q,--quiet", "-v,--verbose", "Exit codes:"}) {
      EXPECT_NE(r.out.find(flag), std::string::npos) << commands[i] << " lacks " << flag << "\n"
                                                     << r.out;
    }
    EXPECT_FALSE(std::regex_search(
        r.out, std::regex(R"(\b(INT|UINT|TEXT|FLOAT|ENUM|BOOLEAN):|->| in [\[{])")))
        << commands[i] << "\n"
        << r.out;
  }
  EXPECT_GE(commands.size(), 15u);  // the audience subcommands were reached too
}

// `query -f json` keeps what JSON numbers cannot hold: infinities and NaN as strings,
// integers beyond 64 bits (HUGEINT, UHUGEINT, UBIGINT) as their exact digits.
TEST_F(CliUsage, QueryJsonKeepsNonFiniteAndWideNumbersOnDuckDb) {
  const auto r = RunZcdp(
      "query " + P() + " -f json " +
      ShellQuote("SELECT 'inf'::DOUBLE AS inf, '-inf'::DOUBLE AS ninf, 'nan'::DOUBLE AS nan, "
                 "'infinity'::REAL AS real_inf, "
                 "170141183460469231731687303715884105727::HUGEINT AS huge, "
                 "(-170141183460469231731687303715884105727::HUGEINT - 1) AS neg_huge, "
                 "340282366920938463463374607431768211455::UHUGEINT AS uhuge, "
                 "18446744073709551615::UBIGINT AS ubig, 42::HUGEINT AS small"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json row = nlohmann::json::parse(r.out).at(0);
  EXPECT_EQ(row["inf"], "Infinity") << r.out;
  EXPECT_EQ(row["ninf"], "-Infinity") << r.out;
  EXPECT_EQ(row["nan"], "NaN") << r.out;
  EXPECT_EQ(row["real_inf"], "Infinity") << r.out;
  EXPECT_EQ(row["huge"], "170141183460469231731687303715884105727") << r.out;
  EXPECT_EQ(row["neg_huge"], "-170141183460469231731687303715884105728") << r.out;
  EXPECT_EQ(row["uhuge"], "340282366920938463463374607431768211455") << r.out;
  EXPECT_EQ(row["ubig"], "18446744073709551615") << r.out;
  EXPECT_EQ(row["small"], 42) << r.out;
}

// DuckDB TIME, INTERVAL and UUID come out as text (an INTERVAL as an ISO-8601 duration), not
// as a placeholder.
TEST_F(CliUsage, QueryJsonRendersTimeIntervalAndUuidOnDuckDb) {
  const auto r = RunZcdp(
      "query " + P() + " -f json " +
      ShellQuote("SELECT TIME '12:34:56.5' AS t, INTERVAL '1 year 2 months 3 days 04:05:06.5' "
                 "AS iv, INTERVAL '0 seconds' AS zero, "
                 "'123e4567-e89b-12d3-a456-426614174000'::UUID AS u"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json row = nlohmann::json::parse(r.out).at(0);
  EXPECT_EQ(row["t"], "12:34:56.500000") << r.out;
  EXPECT_EQ(row["iv"], "P1Y2M3DT4H5M6.5S") << r.out;
  EXPECT_EQ(row["zero"], "PT0S") << r.out;
  EXPECT_EQ(row["u"], "123e4567-e89b-12d3-a456-426614174000") << r.out;
}

// Issue 15, item 11: every type exactly, as the whole output text: nested values as JSON
// arrays and objects, decimals and wide integers without rounding, binary as base64
// (docs/cli.md, "zcdp query").
TEST_F(CliUsage, QueryJsonRendersNestedDecimalAndBinaryValuesExactlyOnDuckDb) {
  const auto r =
      RunZcdp("query " + P() + " -f json " +
              ShellQuote("SELECT * FROM (VALUES (1, [1, NULL], {'a': 12.50::DECIMAL(10,2), 'b': "
                         "'\\x00\\xFF'::BLOB}, MAP {'k': INTERVAL 1 DAY}, "
                         "12345678901234567.89::DECIMAL(19,2)), (2, [], NULL, MAP {}, NULL)) "
                         "t(n, l, s, m, d) ORDER BY n"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "[\n"
            "  {\"n\":1,\"l\":[1,null],\"s\":{\"a\":12.5,\"b\":\"AP8=\"},"
            "\"m\":[{\"key\":\"k\",\"value\":\"P1D\"}],\"d\":\"12345678901234567.89\"},\n"
            "  {\"n\":2,\"l\":[],\"s\":null,\"m\":[],\"d\":null}\n"
            "]\n");
}

// The same on PostgreSQL: arrays, numeric, json, bytea and interval.
TEST(CliQueryJson, RendersArraysNumericJsonByteaAndIntervalExactlyOnPostgres) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("qjson_types");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(testing::Psql(db.dsn(),
                            "CREATE SCHEMA crm; CREATE TABLE crm.customers "
                            "(customer_id TEXT, email TEXT);"));
  testing::TempDir dir("zcdp-qjson-types");
  std::ofstream(dir.Sub("zcdp.yaml"))
      << "name: qjson\nwarehouse: {type: postgres, dsn: '" << db.dsn() << "'}\n"
      << "identity: {id_types: {email: {priority: 1}}}\n"
      << "sources:\n  - {name: customers, table: crm.customers, primary_key: customer_id, "
         "identifiers: {email: email}}\n";
  const auto r = RunZcdp(
      "query -p " + ShellQuote(dir.Sub("")) + " -f json " +
      ShellQuote("SELECT ARRAY[[1, 2], [3, NULL]] AS a, ARRAY['x y', NULL] AS t, "
                 "12345678901234567.89::numeric AS big, 2.50::numeric AS small, "
                 "'{\"k\": [1, true]}'::jsonb AS j, '\\x00ff'::bytea AS b, "
                 "INTERVAL '1 day 02:00:00' AS i, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS ts"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "[\n"
            "  {\"a\":[[1,2],[3,null]],\"t\":[\"x y\",null],\"big\":\"12345678901234567.89\","
            "\"small\":2.5,\"j\":{\"k\": [1, true]},\"b\":\"AP8=\",\"i\":\"P1DT2H\","
            "\"ts\":\"2024-01-02T03:04:05Z\"}\n"
            "]\n");
}

// The same on PostgreSQL: float8 infinities and NaN come out as strings, not null.
TEST(CliQueryJson, KeepsNonFiniteFloatsOnPostgres) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("qjson");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(testing::Psql(db.dsn(),
                            "CREATE SCHEMA crm; CREATE TABLE crm.customers "
                            "(customer_id TEXT, email TEXT);"));
  testing::TempDir dir("zcdp-qjson");
  std::ofstream(dir.Sub("zcdp.yaml"))
      << "name: qjson\nwarehouse: {type: postgres, dsn: '" << db.dsn() << "'}\n"
      << "identity: {id_types: {email: {priority: 1}}}\n"
      << "sources:\n  - {name: customers, table: crm.customers, primary_key: customer_id, "
         "identifiers: {email: email}}\n";
  const auto r = RunZcdp("query -p " + ShellQuote(dir.Sub("")) + " -f json " +
                         ShellQuote("SELECT 'Infinity'::float8 AS inf, '-Infinity'::float8 AS "
                                    "ninf, 'NaN'::float8 AS nan, 1.5::float8 AS x"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json row = nlohmann::json::parse(r.out).at(0);
  EXPECT_EQ(row["inf"], "Infinity") << r.out;
  EXPECT_EQ(row["ninf"], "-Infinity") << r.out;
  EXPECT_EQ(row["nan"], "NaN") << r.out;
  EXPECT_EQ(row["x"], 1.5) << r.out;
}

}  // namespace
}  // namespace zcdp
