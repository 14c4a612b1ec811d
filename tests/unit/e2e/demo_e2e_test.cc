// End-to-end: the real `zcdp` binary on a real DuckDB file in a temporary directory.
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/warehouse_snapshot.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunZcdp;
using testing::ShellQuote;
using testing::SnapshotWarehouse;

constexpr int kProfiles = 3000;

// One demo shop shared by the tests of this file (generated once: it is the slow part).
class DemoE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("zcdp_e2e_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    demo_ = new testing::CommandResult(RunZcdp("demo --dir " + ShellQuote(dir_->string()) +
                                               " --profiles " + std::to_string(kProfiles) +
                                               " --seed 7 --as-of 2026-11-01"));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete demo_;
  }
  static std::string Dir() { return dir_->string(); }
  static std::string P() { return "-p " + ShellQuote(Dir()); }

  // Writes a variant of the demo project file with `from` replaced by `to`.
  static std::string BrokenProject(const std::string& name, const std::string& from,
                                   const std::string& to) {
    std::string text = ReadFile(*dir_ / "zcdp.yaml");
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    const fs::path path = *dir_ / (name + ".yaml");
    std::ofstream(path) << text;
    return path.string();
  }

  static fs::path* dir_;
  static testing::CommandResult* demo_;
};
fs::path* DemoE2E::dir_ = nullptr;
testing::CommandResult* DemoE2E::demo_ = nullptr;

TEST_F(DemoE2E, DemoSucceedsAndSaysWhatItDid) {
  ASSERT_EQ(demo_->exit_code, 0) << demo_->out << demo_->err;
  EXPECT_NE(demo_->out.find("generating a shop of 3000 persons"), std::string::npos);
  EXPECT_NE(demo_->out.find("validated"), std::string::npos);
  EXPECT_NE(demo_->out.find("run 1 succeeded"), std::string::npos);
}

TEST_F(DemoE2E, TablesExistWithTheGeneratorsRowCounts) {
  ASSERT_EQ(demo_->exit_code, 0);
  const auto stats = nlohmann::json::parse(ReadFile(*dir_ / "truth" / "stats.json"));
  auto wh = OpenWarehouse({.path = (*dir_ / "warehouse.duckdb").string(), .read_only = true});
  ASSERT_TRUE(wh.ok());
  ASSERT_GE(stats["rows"].size(), 5u);
  for (const auto& [table, rows] : stats["rows"].items()) {
    auto r = (*wh)->Query("SELECT count(*) FROM " + table);
    ASSERT_TRUE(r.ok()) << table << ": " << r.status().message();
    EXPECT_EQ(r->rows[0][0], Value::Int(rows.get<int64_t>())) << table;
    EXPECT_GT(rows.get<int64_t>(), 0) << table;
  }
  // The sources step saw the same counts through its views.
  auto run = (*wh)->Query(
      "SELECT counts->>'$.\"orders.rows\"' FROM zcdp.run_steps "
      "WHERE step = 'sources'");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->rows.at(0).at(0).ToString(),
            std::to_string(stats["rows"]["shop.orders"].get<int64_t>()));
}

TEST_F(DemoE2E, ValidatePassesOnTheDemoProject) {
  ASSERT_EQ(demo_->exit_code, 0);
  auto r = RunZcdp("validate " + P());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("valid"), std::string::npos);
}

struct BrokenCase {
  std::string name, from, to;
  std::string expected;  // a phrase and a position, as "line:col"
};

TEST_F(DemoE2E, BrokenProjectFilesGiveErrorsWithPositions) {
  ASSERT_EQ(demo_->exit_code, 0);
  const std::vector<BrokenCase> cases = {
      {"unknown_column", "identifiers: {email: customer_email}",
       "identifiers: {email: buyer_email}", "buyer_email"},
      {"unknown_table", "table: shop.orders", "table: shop.orderz", "orderz"},
      {"bad_timestamp_type", "timestamp: ordered_at", "timestamp: currency", "currency"},
      {"bad_yaml", "sources:", "sources: [", ""},
      {"undeclared_id_type", "identifiers: {email: customer_email}",
       "identifiers: {mail: customer_email}", "mail"},
  };
  for (const auto& c : cases) {
    const std::string file = BrokenProject(c.name, c.from, c.to);
    auto r = RunZcdp("validate -p " + ShellQuote(file));
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.out << r.err;
    // file:line:column: error: ...
    EXPECT_TRUE(std::regex_search(r.err, std::regex(c.name + "\\.yaml:[0-9]+:[0-9]+: error: ")))
        << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.name << ": " << r.err;
  }
}

TEST_F(DemoE2E, AllErrorsAreReportedAtOnce) {
  ASSERT_EQ(demo_->exit_code, 0);
  std::string text = ReadFile(*dir_ / "zcdp.yaml");
  text = std::regex_replace(text, std::regex("timestamp: ordered_at"), "timestamp: nope_a");
  text = std::regex_replace(text, std::regex("table: web.events"), "table: web.nope_b");
  text = std::regex_replace(text, std::regex("identifiers: \\{email: email\\}"),
                            "identifiers: {email: nope_c}");
  std::ofstream(*dir_ / "three.yaml") << text;
  auto r = RunZcdp("validate -p " + ShellQuote((*dir_ / "three.yaml").string()));
  EXPECT_EQ(r.exit_code, 1);
  for (const char* name : {"nope_a", "nope_b", "nope_c"}) {
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
  }
}

TEST_F(DemoE2E, RunChangesNoSchemaButTheOutputSchema) {
  ASSERT_EQ(demo_->exit_code, 0);
  const std::string db = (*dir_ / "warehouse.duckdb").string();
  const auto before = SnapshotWarehouse(db, "zcdp");
  ASSERT_GE(before.size(), 5u);
  auto r = RunZcdp("run " + P());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("run 2 succeeded"), std::string::npos) << r.out;
  EXPECT_EQ(SnapshotWarehouse(db, "zcdp"), before);
}

TEST_F(DemoE2E, StateDirectoryHoldsNoCustomerValues) {
  ASSERT_EQ(demo_->exit_code, 0);
  // Every identifier value of the ground truth, plus the generated names.
  std::set<std::string> pii;
  std::istringstream truth(ReadFile(*dir_ / "truth" / "persons.csv"));
  std::string line;
  std::getline(truth, line);  // header
  while (std::getline(truth, line)) {
    const size_t a = line.find(','), b = line.rfind(',');
    std::string value = line.substr(a + 1, b - a - 1);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    if (value.size() >= 6) pii.insert(value);
  }
  auto wh = OpenWarehouse({.path = (*dir_ / "warehouse.duckdb").string(), .read_only = true});
  ASSERT_TRUE(wh.ok());
  auto names =
      (*wh)->Query("SELECT DISTINCT last_name FROM crm.customers WHERE length(last_name) >= 5");
  ASSERT_TRUE(names.ok());
  for (const auto& row : names->rows) pii.insert(row[0].ToString());
  ASSERT_GT(pii.size(), 1000u);

  const fs::path state = *dir_ / ".zcdp";
  ASSERT_TRUE(fs::exists(state / "last_run.json"));
  std::vector<fs::path> files = {*dir_ / "zcdp.yaml"};
  for (const auto& e : fs::recursive_directory_iterator(state)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  for (const auto& f : files) {
    const std::string text = ReadFile(f);
    for (const auto& value : pii) {
      ASSERT_EQ(text.find(value), std::string::npos) << f << " holds customer value " << value;
    }
  }
}

TEST_F(DemoE2E, QueryIsReadOnlyUnlessWriteIsGiven) {
  ASSERT_EQ(demo_->exit_code, 0);
  auto r = RunZcdp("query " + P() + " \"DELETE FROM shop.orders\"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--write"), std::string::npos) << r.err;
  auto csv = RunZcdp("query " + P() + " --format csv \"SELECT 1 AS a, 'x,y' AS b\"");
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "a,b\n1,\"x,y\"\n");
  auto json = RunZcdp("query " + P() + " -f json \"SELECT count(*) AS n FROM zcdp.runs\"");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_GE(nlohmann::json::parse(json.out).at(0).at("n").get<int>(), 1);
}

TEST_F(DemoE2E, ALockedWarehouseIsAClearEnvironmentError) {
  ASSERT_EQ(demo_->exit_code, 0);
  auto holder = OpenWarehouse({.path = (*dir_ / "warehouse.duckdb").string()});
  ASSERT_TRUE(holder.ok());
  auto r = RunZcdp("run " + P());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("locked"), std::string::npos) << r.err;
}

TEST_F(DemoE2E, SecondDemoReusesTheShop) {
  ASSERT_EQ(demo_->exit_code, 0);
  auto r =
      RunZcdp("demo --dir " + ShellQuote(Dir()) + " --profiles 3000 --seed 7 --as-of 2026-11-01");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("reusing the shop"), std::string::npos) << r.out;
}

// `zcdp profile` shows the identifiers, the traits from zcdp.profiles and the audiences the
// profile is in: here a big spender, found through the warehouse.
TEST_F(DemoE2E, ProfileShowsTraitsAndAudiences) {
  ASSERT_EQ(demo_->exit_code, 0) << demo_->err;
  auto member = RunZcdp("query " + P() +
                        " -f csv \"SELECT g.id_value FROM zcdp.audience_membership m JOIN "
                        "zcdp.identity_graph g USING (profile_id) WHERE m.audience = "
                        "'big_spenders' AND g.id_type = 'email' ORDER BY 1 LIMIT 1\"");
  ASSERT_EQ(member.exit_code, 0) << member.err;
  const std::string email = member.out.substr(member.out.find('\n') + 1,
                                              member.out.rfind('\n') - member.out.find('\n') - 1);
  ASSERT_FALSE(email.empty()) << "no big spender in the demo";
  auto r = RunZcdp("profile " + P() + " " + ShellQuote("email:" + email));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_GE(doc["traits"]["lifetime_value"].get<double>(), 500.0) << r.out;
  EXPECT_TRUE(doc["traits"].contains("favourite_device")) << r.out;
  bool in_big_spenders = false;
  for (const auto& a : doc["audiences"]) in_big_spenders |= a["audience"] == "big_spenders";
  EXPECT_TRUE(in_big_spenders) << r.out;
}

TEST(CliE2E, BadInputGetsClearErrorsAndWritesNothing) {
  const fs::path dir = fs::temp_directory_path() / ("zcdp_bad_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  for (const char* bad : {"0", "-5", "abc", "1e99"}) {
    auto r =
        RunZcdp(std::string("generate --out ") + ShellQuote(dir.string()) + " --profiles " + bad);
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("profiles"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir)) << bad;
  }
  auto missing = RunZcdp("validate -p /nonexistent/zcdp.yaml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/zcdp.yaml"), std::string::npos) << missing.err;
  auto usage = RunZcdp("frobnicate");
  EXPECT_EQ(usage.exit_code, 2);
  auto help = RunZcdp("run --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("run"), std::string::npos);
  auto version = RunZcdp("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("zcdp 0."), std::string::npos);
}

TEST(CliE2E, AnInvalidProjectRunWritesNothing) {
  const fs::path dir = fs::temp_directory_path() / ("zcdp_inv_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "zcdp.yaml") << "name: t\n"
                                      "warehouse: {type: duckdb, path: wh.duckdb}\n"
                                      "identity: {id_types: {email: {priority: 1}}}\n"
                                      "sources:\n"
                                      "  - {name: s, table: crm.nope, identifiers: {email: e}}\n";
  auto r = RunZcdp("run -p " + ShellQuote(dir.string()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("zcdp.yaml:5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("crm.nope"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "wh.duckdb"));
  EXPECT_FALSE(fs::exists(dir / ".zcdp"));
  fs::remove_all(dir);
}

TEST(CliE2E, ParquetDemoReadsFilesInPlace) {
  const fs::path dir = fs::temp_directory_path() / ("zcdp_pq_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto r = RunZcdp("demo --format parquet --profiles 1000 --as-of 2026-11-01 --dir " +
                   ShellQuote(dir.string()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(dir / "lake"));
  auto wh = OpenWarehouse({.path = (dir / "warehouse.duckdb").string(), .read_only = true});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  // Only zcdp's schema lives in the DuckDB file: the sources are views over Parquet.
  auto schemas = (*wh)->ListSchemas();
  ASSERT_TRUE(schemas.ok());
  for (const auto& schema : *schemas) {
    if (schema == "zcdp" || schema == "main" || schema == "information_schema" ||
        schema == "pg_catalog") {
      continue;
    }
    ADD_FAILURE() << "unexpected schema " << schema;
  }
  auto rows = (*wh)->Query("SELECT count(*) FROM zcdp.source_orders");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_GT(std::get<int64_t>(rows->rows[0][0].storage()), 0);
  fs::remove_all(dir);
}

// A second `zcdp demo` keeps a zcdp.yaml the user edited (and says how to regenerate it);
// --force rewrites it.
TEST(CliE2E, DemoKeepsAnEditedProjectFileUnlessForced) {
  const fs::path dir = fs::temp_directory_path() / ("zcdp_edit_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string demo =
      "demo --profiles 300 --as-of 2026-11-01 --dir " + ShellQuote(dir.string());
  ASSERT_EQ(RunZcdp(demo).exit_code, 0);
  const std::string edited = ReadFile(dir / "zcdp.yaml") + "# my edit\n";
  std::ofstream(dir / "zcdp.yaml") << edited;
  const auto again = RunZcdp(demo);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(ReadFile(dir / "zcdp.yaml"), edited);
  EXPECT_NE(again.out.find("kept the project file"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("--force"), std::string::npos) << again.out;
  const auto forced = RunZcdp(demo + " --force");
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_EQ(ReadFile(dir / "zcdp.yaml").find("# my edit"), std::string::npos);
  fs::remove_all(dir);
}

// A demo with other options never deletes an earlier shop's folders, which may hold the
// user's files: it refuses and names --force, which replaces them.
TEST(CliE2E, DemoWithOtherOptionsKeepsTheUsersFilesUnlessForced) {
  const fs::path dir = fs::temp_directory_path() / ("zcdp_keep_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string demo =
      "demo --format parquet --profiles 300 --as-of 2026-11-01 --dir " + ShellQuote(dir.string());
  ASSERT_EQ(RunZcdp(demo).exit_code, 0);
  std::ofstream(dir / "lake" / "mine.csv") << "a,b\n1,2\n";
  const std::string yaml = ReadFile(dir / "zcdp.yaml");
  const auto other = RunZcdp(demo + " --seed 8");
  EXPECT_NE(other.exit_code, 0) << other.out;
  EXPECT_NE(other.err.find("--force"), std::string::npos) << other.err;
  EXPECT_TRUE(fs::exists(dir / "lake" / "mine.csv"));
  EXPECT_TRUE(fs::exists(dir / "warehouse.duckdb"));
  EXPECT_EQ(ReadFile(dir / "zcdp.yaml"), yaml);
  const auto forced = RunZcdp(demo + " --seed 8 --force");
  EXPECT_EQ(forced.exit_code, 0) << forced.out << forced.err;
  EXPECT_NE(forced.out.find("generating a shop"), std::string::npos) << forced.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zcdp
