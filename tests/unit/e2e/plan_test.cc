// End-to-end: `zcdp plan` on the demo shop shows the steps and per-audience changes, and
// writes nothing anywhere.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/demo_shop.h"
#include "support/warehouse_snapshot.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunZcdp;
using testing::ShellQuote;
using testing::SnapshotWarehouse;

const char* const kAudiences[] = {"loyal_engaged", "big_spenders", "cart_abandoners", "lapsed",
                                  "vip_outside_france"};

struct PlanRow {
  int64_t current = -1, after = -1, entering = -1, exiting = -1;
};

// The audience rows of `zcdp plan`'s output: "  name  current  after  entering  exiting".
std::map<std::string, PlanRow> PlanRows(const std::string& out) {
  std::map<std::string, PlanRow> rows;
  const std::regex row(R"(\n  ([a-z_]+) +(\d+) +(\d+) +(\d+) +(\d+)(?=\n))");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), row); it != std::sregex_iterator();
       ++it) {
    const auto& m = *it;
    rows[m[1]] = {std::stoll(m[2]), std::stoll(m[3]), std::stoll(m[4]), std::stoll(m[5])};
  }
  return rows;
}

// One demo shop per engine for the suite (tests/support/demo_shop.h).
class PlanE2E : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() {
    for (auto& [engine, shop] : shops_) fs::remove_all(shop.dir);
    shops_.clear();
  }
  void SetUp() override {
    if (GetParam() == "postgres") ZCDP_REQUIRE_POSTGRES();
    shop_ = &testing::DemoShopFor(shops_, GetParam(), "zcdp_plan");
    dir_ = &shop_->dir;
    demo_ = &shop_->made;
    ASSERT_EQ(demo_->exit_code, 0) << demo_->out << demo_->err;
  }
  static bool IsDuckDb() { return !shop_->db; }
  static std::string Db() { return (*dir_ / "warehouse.duckdb").string(); }
  // Every table's rows and every view's definition, to prove a command wrote nothing.
  static std::map<std::string, std::string> Snapshot() {
    auto wh = OpenWarehouse(shop_->Options());
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    if (!wh.ok()) return {};
    return SnapshotWarehouse(**wh);
  }
  static std::string P() { return "-p " + ShellQuote(dir_->string()); }

  // Members per audience in zcdp.audience_membership.
  static std::map<std::string, int64_t> StoredSizes() {
    auto wh = OpenWarehouse(shop_->Options());
    EXPECT_TRUE(wh.ok());
    std::map<std::string, int64_t> sizes;
    if (!wh.ok()) return sizes;
    for (const char* a : kAudiences) {
      auto n = QueryInt(**wh, "SELECT count(*) FROM zcdp.audience_membership WHERE audience = $1",
                        {Value::Text(a)});
      EXPECT_TRUE(n.ok());
      sizes[a] = n.ok() ? *n : -1;
    }
    return sizes;
  }

  static inline std::map<std::string, testing::DemoShop> shops_;
  static inline testing::DemoShop* shop_ = nullptr;
  static inline fs::path* dir_ = nullptr;
  static inline testing::CommandResult* demo_ = nullptr;
};

TEST_P(PlanE2E, ShowsTheStepsAndEveryAudienceAndWritesNothing) {
  const auto before = Snapshot();
  const std::string file_before = IsDuckDb() ? ReadFile(Db()) : "";
  ASSERT_GE(before.size(), 10u);
  ASSERT_EQ(before.count("\"zcdp\".\"audience_membership\""), 1u);

  auto plan = RunZcdp("plan " + P());
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  // The steps, in the order `zcdp run` runs them, with their descriptions.
  EXPECT_TRUE(std::regex_search(
      plan.out,
      std::regex(R"(1\. sources .+\n +2\. identity .+\n +3\. traits .+\n +4\. audiences )")))
      << plan.out;
  const auto rows = PlanRows(plan.out);
  const auto stored = StoredSizes();
  for (const char* a : kAudiences) {
    ASSERT_EQ(rows.count(a), 1u) << a << " missing in:\n" << plan.out;
    EXPECT_EQ(rows.at(a).current, stored.at(a)) << a;
    // Just after a run, fresh traits give the same members.
    EXPECT_EQ(rows.at(a).after - rows.at(a).entering + rows.at(a).exiting, rows.at(a).current);
  }
  EXPECT_GT(rows.at("big_spenders").current, 0);
  EXPECT_EQ(rows.at("big_spenders").after, rows.at("big_spenders").current);

  auto sql = RunZcdp("plan --sql " + P());
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  EXPECT_EQ(PlanRows(sql.out).size(), 5u) << sql.out;
  EXPECT_NE(sql.out.find("-- traits: zcdp.profiles"), std::string::npos) << sql.out;
  for (const char* a : kAudiences) {
    const size_t at = sql.out.find(std::string("-- audience ") + a + "\n");
    ASSERT_NE(at, std::string::npos) << a;
    const std::string next = sql.out.substr(sql.out.find('\n', at) + 1, 6);
    EXPECT_TRUE(next == "SELECT" || next.rfind("WITH", 0) == 0) << a << ": " << next;
  }

  // Nothing changed in any schema, zcdp's included, nor in the file itself.
  EXPECT_EQ(Snapshot(), before);
  if (IsDuckDb()) {
    EXPECT_TRUE(ReadFile(Db()) == file_before) << "the DuckDB file changed";
    EXPECT_FALSE(fs::exists(Db() + ".wal"));
  }
}

TEST_P(PlanE2E, AChangedConditionShowsWhoWouldExit) {
  std::string text = ReadFile(*dir_ / "zcdp.yaml");
  const std::string from = "within 365d) >= 500";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "within 365d) >= 100000");
  const fs::path changed = *dir_ / "changed.yaml";
  std::ofstream(changed) << text;
  const auto before = Snapshot();

  auto plan = RunZcdp("plan -p " + ShellQuote(changed.string()));
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  const auto rows = PlanRows(plan.out);
  // big_spenders empties, and so does vip_outside_france, which requires big_spenders.
  for (const char* a : {"big_spenders", "vip_outside_france"}) {
    ASSERT_EQ(rows.count(a), 1u) << plan.out;
    EXPECT_GT(rows.at(a).current, 0) << a;
    EXPECT_EQ(rows.at(a).after, 0) << a;
    EXPECT_EQ(rows.at(a).entering, 0) << a;
    EXPECT_EQ(rows.at(a).exiting, rows.at(a).current) << a;
  }
  EXPECT_EQ(rows.at("loyal_engaged").after, rows.at("loyal_engaged").current);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(PlanE2E, BeforeTheFirstRunOnlyTheStepsAreShown) {
  if (!IsDuckDb()) GTEST_SKIP() << "copies the DuckDB file";
  const fs::path fresh = *dir_ / "fresh";
  testing::CopyShopWithoutOutput(*dir_, fresh);
  const std::string db = (fresh / "warehouse.duckdb").string();
  const auto before = SnapshotWarehouse(db);

  auto plan = RunZcdp("plan -p " + ShellQuote(fresh.string()));
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("4. audiences"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("identity has not run yet"), std::string::npos) << plan.out;
  EXPECT_TRUE(PlanRows(plan.out).empty()) << plan.out;
  EXPECT_EQ(SnapshotWarehouse(db), before);
  EXPECT_EQ(before.count("\"zcdp\".\"runs\""), 0u);
}

TEST_P(PlanE2E, ABrokenConditionIsReportedBeforeAnythingIsEvaluated) {
  std::string text = ReadFile(*dir_ / "zcdp.yaml");
  const std::string from = "count(orders within 180d) > 3";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "count(orders within 180d) > 'x'");
  const fs::path broken = *dir_ / "broken_plan.yaml";
  std::ofstream(broken) << text;
  auto plan = RunZcdp("plan -p " + ShellQuote(broken.string()));
  EXPECT_EQ(plan.exit_code, 1) << plan.out;
  EXPECT_TRUE(std::regex_search(
      plan.err,
      std::regex(
          R"(broken_plan\.yaml:\d+:\d+: error: audience 'loyal_engaged': .*cannot compare)")))
      << plan.err;
  EXPECT_EQ(plan.out.find("audiences ("), std::string::npos) << plan.out;
}

// The destination words of `zcdp plan`'s line for `destination`: members, upserts, removals,
// forgets; empty when there is no such line.
std::vector<int64_t> DestinationPlanRow(const std::string& out, const std::string& destination) {
  const std::regex row("\n  " + destination + " +[a-z_]+ +(\\d+) +(\\d+) +(\\d+) +(\\d+)\n");
  std::smatch m;
  if (!std::regex_search(out, m, row)) return {};
  return {std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]), std::stoll(m[4])};
}

// Issue 15, item 10: `zcdp plan` counts what the run's sync then sends. In mode mirror,
// members that leave with this run are removals, although the last run still holds them.
TEST_P(PlanE2E, ThePlannedSyncIsWhatTheNextRunSends) {
  std::string text = ReadFile(*dir_ / "zcdp.yaml");
  const std::string from = "within 365d) >= 500";
  const std::string dest = "    purpose: email_marketing\n";
  ASSERT_NE(text.find(from), std::string::npos);
  ASSERT_NE(text.find(dest), std::string::npos);
  text.replace(text.find(from), from.size(), "within 365d) >= 1500");
  text.insert(text.find(dest) + dest.size(), "    mode: mirror\n");
  const fs::path mirror = *dir_ / "mirror.yaml";
  std::ofstream(mirror) << text;

  auto plan = RunZcdp("plan -p " + ShellQuote(mirror.string()));
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  const std::vector<int64_t> planned = DestinationPlanRow(plan.out, "big_spenders_export");
  ASSERT_EQ(planned.size(), 4u) << plan.out;
  EXPECT_GT(planned[2], 0) << "members leave big_spenders, so a mirror sends removals\n"
                           << plan.out;

  auto run = RunZcdp("run -p " + ShellQuote(mirror.string()));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto wh = OpenWarehouse(shop_->Options());
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  const auto sent = [&](const char* action) {
    auto n = QueryInt(**wh,
                      "SELECT count(*) FROM zcdp.activation_log WHERE destination = "
                      "'big_spenders_export' AND action = $1 AND run_id = "
                      "(SELECT max(run_id) FROM zcdp.runs)",
                      {Value::Text(action)});
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  };
  EXPECT_EQ(sent("upsert"), planned[1]) << plan.out;
  EXPECT_EQ(sent("remove"), planned[2]) << plan.out;
  auto members = QueryInt(**wh,
                          "SELECT count(*) FROM zcdp.audience_membership WHERE audience = "
                          "'big_spenders'");
  ASSERT_TRUE(members.ok());
  EXPECT_LE(planned[0], *members);  // the consented members, after the run

  // Straight after that run, the plan has nothing left to send.
  auto again = RunZcdp("plan -p " + ShellQuote(mirror.string()));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  const std::vector<int64_t> after = DestinationPlanRow(again.out, "big_spenders_export");
  ASSERT_EQ(after.size(), 4u) << again.out;
  EXPECT_EQ(after[0], planned[0]);
  EXPECT_EQ(after[1], 0) << again.out;
  EXPECT_EQ(after[2], 0) << again.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, PlanE2E, ::testing::Values("duckdb", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace zcdp
