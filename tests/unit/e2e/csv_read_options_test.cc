// End-to-end: a CSV lake that detection reads wrongly (semicolons, no header line, ids with
// leading zeros, day-first timestamps) is read as its `read:` options say, by validate,
// identity and traits (issue 15, item 10); on PostgreSQL, validate refuses file sources.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/command.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace zcdp {
namespace {

using testing::RunZcdp;
using testing::ShellQuote;

// Customers "007" and "010" (ids that would read as integers), with a comma in a name; their
// orders with day-first timestamps and a NULL written "NA" (a sum over NULLs is 0).
void WriteLake(const testing::TempDir& dir) {
  std::filesystem::create_directories(dir.Sub("lake"));
  std::ofstream(dir.Sub("lake/customers.csv")) << "007;jane@x.com;Doe, Jane\n"
                                                  "010;tom@x.com;NA\n";
  std::ofstream(dir.Sub("lake/orders.csv")) << "o1;007;12.50;03/02/2026 10:30\n"
                                               "o2;007;13.00;04/02/2026 11:00\n"
                                               "o3;010;NA;05/02/2026 09:15\n";
}

constexpr char kSources[] = R"(sources:
  - name: customers
    table: lake/customers.csv
    primary_key: customer_id
    identifiers: {crm_id: customer_id, email: email}
    attributes: [full_name]
    read:
      header: false
      delimiter: ';'
      null_text: NA
      columns: {customer_id: VARCHAR, email: VARCHAR, full_name: VARCHAR}
  - name: orders
    table: lake/orders.csv
    kind: events
    primary_key: order_id
    timestamp: ordered_at
    identifiers: {crm_id: customer_id}
    attributes: [amount]
    read:
      header: false
      delimiter: ';'
      null_text: NA
      timestamp_format: '%d/%m/%Y %H:%M'
      columns: {order_id: VARCHAR, customer_id: VARCHAR, amount: 'DECIMAL(10,2)', ordered_at: TIMESTAMP}
identity:
  id_types:
    crm_id: {priority: 1}
    email: {priority: 2, normalize: email}
traits:
  - {name: full_name, source: customers, pick: most_recent}
  - {name: spent, source: orders, aggregate: sum(amount)}
  - {name: order_count, source: orders, aggregate: count}
  - {name: last_order, source: orders, aggregate: max(ordered_at)}
)";

TEST(CsvReadOptions, AHeaderlessSemicolonLakeWithTypesIsReadByIdentityAndTraits) {
  testing::TempDir dir("zcdp-csv-read");
  WriteLake(dir);
  std::ofstream(dir.Sub("zcdp.yaml")) << "name: lake\nwarehouse: {type: duckdb, path: wh.duckdb}\n"
                                      << kSources;
  const std::string p = "-p " + ShellQuote(dir.Sub(""));
  const auto validate = RunZcdp("validate " + p);
  ASSERT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  const auto run = RunZcdp("run " + p);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const auto q = RunZcdp(
      "query " + p + " -f json " +
      ShellQuote("SELECT g.id_value AS crm_id, p.full_name, p.spent, p.order_count, p.last_order "
                 "FROM zcdp.profiles p JOIN zcdp.identity_graph g ON g.profile_id = "
                 "p.profile_id AND g.id_type = 'crm_id' ORDER BY crm_id"));
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out,
            "[\n"
            "  {\"crm_id\":\"007\",\"full_name\":\"Doe, Jane\",\"spent\":25.5,\"order_count\":2,"
            "\"last_order\":\"2026-02-04T11:00:00\"},\n"
            "  {\"crm_id\":\"010\",\"full_name\":null,\"spent\":0,\"order_count\":1,"
            "\"last_order\":\"2026-02-05T09:15:00\"}\n"
            "]\n");
  // Two profiles, one per customer, each with its email.
  const auto emails = RunZcdp("query " + p + " -f csv " +
                              ShellQuote("SELECT count(DISTINCT profile_id) FROM "
                                         "zcdp.identity_graph WHERE id_type = 'email'"));
  ASSERT_EQ(emails.exit_code, 0) << emails.err;
  EXPECT_NE(emails.out.find("\n2\n"), std::string::npos) << emails.out;
}

// A type the engine does not know fails validate at the source's table, naming the files.
TEST(CsvReadOptions, ATypeTheEngineRefusesFailsValidate) {
  testing::TempDir dir("zcdp-csv-read-bad");
  WriteLake(dir);
  std::string sources = kSources;
  sources.replace(sources.find("'DECIMAL(10,2)'"), 15, "MONEYY");
  std::ofstream(dir.Sub("zcdp.yaml")) << "name: lake\nwarehouse: {type: duckdb, path: wh.duckdb}\n"
                                      << sources;
  const auto validate = RunZcdp("validate -p " + ShellQuote(dir.Sub("")));
  EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
  EXPECT_NE(validate.err.find("zcdp.yaml:15:12: error: source 'orders': table: cannot read "
                              "files 'lake/orders.csv'"),
            std::string::npos)
      << validate.err;
  EXPECT_NE(validate.err.find("MONEYY"), std::string::npos) << validate.err;
}

// PostgreSQL reads no files in place: validate says so, read options or not.
TEST(CsvReadOptions, PostgresRefusesFileSourcesInValidate) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("csv_read");
  ASSERT_TRUE(db.ok());
  testing::TempDir dir("zcdp-csv-read-pg");
  WriteLake(dir);
  std::ofstream(dir.Sub("zcdp.yaml"))
      << "name: lake\nwarehouse: {type: postgres, dsn: '" << db.dsn() << "'}\n"
      << kSources;
  const auto validate = RunZcdp("validate -p " + ShellQuote(dir.Sub("")));
  EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
  EXPECT_NE(validate.err.find("PostgreSQL cannot read files in place"), std::string::npos)
      << validate.err;
}

}  // namespace
}  // namespace zcdp
