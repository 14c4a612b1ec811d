// End-to-end: `zcdp audience list|size|preview|sql` on the demo shop, and how `zcdp validate`
// and `zcdp run` treat a broken audience condition.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

const char* const kAudiences[] = {"loyal_engaged", "big_spenders", "cart_abandoners", "lapsed",
                                  "vip_outside_france"};
const char* const kTraits[] = {"orders_180d", "lifetime_value", "last_order_at",
                               "first_name",  "country",        "favourite_device"};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// One demo shop per engine for the suite (tests/support/demo_shop.h).
class AudienceCliE2E : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() {
    for (auto& [engine, shop] : shops_) fs::remove_all(shop.dir);
    shops_.clear();
  }
  void SetUp() override {
    if (GetParam() == "postgres") ZCDP_REQUIRE_POSTGRES();
    shop_ = &testing::DemoShopFor(shops_, GetParam(), "zcdp_aud");
    dir_ = &shop_->dir;
    demo_ = &shop_->made;
    ASSERT_EQ(demo_->exit_code, 0) << demo_->out << demo_->err;
  }
  static WarehouseOptions Options() { return shop_->Options(); }

  static std::string P() { return "-p " + ShellQuote(dir_->string()); }

  static int64_t Count(const std::string& sql, const std::vector<Value>& params = {}) {
    auto wh = OpenWarehouse(Options());
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    if (!wh.ok()) return -1;
    auto n = QueryInt(**wh, sql, params);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  }
  static int64_t StoredSize(const std::string& audience) {
    return Count("SELECT count(*) FROM zcdp.audience_membership WHERE audience = $1",
                 {Value::Text(audience)});
  }

  // Writes a variant of the demo project file with `from` replaced by `to`; returns its path
  // and sets *line to the line `from` is on (1-based).
  static std::string Variant(const std::string& name, const std::string& from,
                             const std::string& to, int* line = nullptr) {
    std::string text = ReadFile(*dir_ / "zcdp.yaml");
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at == std::string::npos) return "";
    if (line != nullptr)
      *line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
    text.replace(at, from.size(), to);
    const fs::path path = *dir_ / (name + ".yaml");
    std::ofstream(path) << text;
    return path.string();
  }

  static inline std::map<std::string, testing::DemoShop> shops_;
  static inline testing::DemoShop* shop_ = nullptr;
  static inline fs::path* dir_ = nullptr;
  static inline testing::CommandResult* demo_ = nullptr;
};

TEST_P(AudienceCliE2E, ListShowsEachAudienceWithItsSizeAndCondition) {
  auto json = RunZcdp("audience list -f json " + P());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc.size(), 5u) << json.out;
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(doc[i]["audience"], kAudiences[i]);
    EXPECT_EQ(doc[i]["size"].get<int64_t>(), StoredSize(kAudiences[i])) << kAudiences[i];
    EXPECT_FALSE(doc[i]["description"].get<std::string>().empty());
  }
  // The condition is printed canonically: one line, single spaces.
  EXPECT_EQ(doc[0]["condition"],
            "count(orders within 180d) > 3 and count(email_events where action = 'click' within "
            "30d) >= 1");
  EXPECT_EQ(doc[4]["condition"],
            "in_audience(big_spenders) and country not in ('FR') and country is not null");

  auto table = RunZcdp("audience list " + P());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const std::string size = std::to_string(StoredSize("big_spenders"));
  EXPECT_TRUE(std::regex_search(table.out, std::regex("\nbig_spenders +" + size +
                                                      "  500 or more spent[^\n]*\n    where sum")))
      << table.out;
  EXPECT_NE(table.out.find("(5 audiences; sizes from the last `zcdp run`)"), std::string::npos);

  auto csv = RunZcdp("audience list --format csv " + P());
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(Lines(csv.out).size(), 6u) << csv.out;
  EXPECT_EQ(Lines(csv.out)[0], "audience,size,description,condition");
}

TEST_P(AudienceCliE2E, SizeIsTheNumberOfMembersStoredOrEvaluatedLive) {
  for (const char* a : kAudiences) {
    auto r = RunZcdp(std::string("audience size ") + a + " " + P());
    ASSERT_EQ(r.exit_code, 0) << a << ": " << r.err;
    EXPECT_EQ(r.out, std::to_string(StoredSize(a)) + "\n") << a;
  }
  EXPECT_GT(StoredSize("big_spenders"), 0);
  auto live = RunZcdp("audience size --live big_spenders " + P());
  ASSERT_EQ(live.exit_code, 0) << live.err;
  EXPECT_EQ(live.out, std::to_string(StoredSize("big_spenders")) + "\n");
}

TEST_P(AudienceCliE2E, SqlPrintsOnlyTheQueryAndItRunsThroughQuery) {
  auto sql = RunZcdp("audience sql big_spenders " + P());
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  EXPECT_TRUE(sql.out.rfind("SELECT", 0) == 0 || sql.out.rfind("WITH", 0) == 0) << sql.out;
  EXPECT_TRUE(sql.err.empty()) << sql.err;
  const std::string text = sql.out.substr(0, sql.out.size() - 1);  // without the final newline
  const int64_t size = StoredSize("big_spenders");

  auto rows = RunZcdp("query -f csv " + P() + " " + ShellQuote(text));
  ASSERT_EQ(rows.exit_code, 0) << rows.err;
  EXPECT_EQ(static_cast<int64_t>(Lines(rows.out).size()), size + 1);  // a header, then members
  EXPECT_EQ(Lines(rows.out)[0], "profile_id");

  auto count = RunZcdp("query -f csv " + P() + " " +
                       ShellQuote("SELECT count(*) AS n FROM (" + text + ") q"));
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(count.out, "n\n" + std::to_string(size) + "\n");
}

TEST_P(AudienceCliE2E, PreviewShowsMembersWithTheirTraitsUpToTheLimit) {
  auto csv = RunZcdp("audience preview big_spenders --limit 5 -f csv " + P());
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 6u) << csv.out;
  EXPECT_EQ(lines[0].rfind("profile_id,", 0), 0u) << lines[0];
  for (const char* t : kTraits) EXPECT_NE(lines[0].find(t), std::string::npos) << t;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string id = lines[i].substr(0, lines[i].find(','));
    EXPECT_EQ(Count("SELECT count(*) FROM zcdp.audience_membership WHERE audience = "
                    "'big_spenders' AND profile_id = $1",
                    {Value::Text(id)}),
              1)
        << id;
    if (i > 1) {
      EXPECT_LT(lines[i - 1], lines[i]);  // ordered by profile_id
    }
  }
  auto table = RunZcdp("audience preview big_spenders " + P());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  const int64_t shown = std::min<int64_t>(20, StoredSize("big_spenders"));
  EXPECT_NE(table.out.find("(" + std::to_string(shown) + " rows)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("lifetime_value"), std::string::npos);
}

TEST_P(AudienceCliE2E, AnUnknownAudienceIsAnErrorThatSuggestsTheName) {
  for (const char* sub : {"size", "preview", "sql"}) {
    auto r = RunZcdp(std::string("audience ") + sub + " big_spender " + P());
    EXPECT_EQ(r.exit_code, 1) << sub;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("unknown audience 'big_spender' (did you mean 'big_spenders'?)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("loyal_engaged, big_spenders, cart_abandoners"), std::string::npos)
        << r.err;
  }
  EXPECT_EQ(RunZcdp("audience " + P()).exit_code, 2);  // a subcommand is required
  auto help = RunZcdp("audience preview --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--limit"), std::string::npos) << help.out;
}

struct BrokenCondition {
  std::string name, from, to;
  int column;            // where the `where:` value starts on its line
  std::string expected;  // the end of the message
};

TEST_P(AudienceCliE2E, ValidateReportsBrokenConditionsWithPositions) {
  const std::vector<BrokenCondition> cases = {
      {"bad_literal", "where: sum(orders.amount where status = 'completed' within 365d) >= 500",
       "where: sum(orders.amount where status = 'completed' within 365d) >= 'x'", 12,
       "audience 'big_spenders': where: column 62: cannot compare sum(orders) (number) with a "
       "string"},
      {"bad_source", "where: sum(orders.amount where status = 'completed' within 365d) >= 500",
       "where: count(ordres) > 1", 12,
       "audience 'big_spenders': where: column 7: unknown source 'ordres' (did you mean "
       "'orders'?)"},
      {"bad_syntax", "where: sum(orders.amount where status = 'completed' within 365d) >= 500",
       "where: sum(orders.amount within 365d) >=", 12,
       "column 34: expected one of number, string, date, duration, true or false, got end of "
       "input"},
      {"bad_reference", "in_audience(big_spenders) and", "in_audience(big_spender) and", 12,
       "audience 'vip_outside_france': where: column 1: in_audience: unknown audience "
       "'big_spender' (did you mean 'big_spenders'?)"},
      {"bad_trait_filter", "where: \"status = 'completed'\"", "where: \"stauts = 'completed'\"", -1,
       "trait 'lifetime_value': where: column 1: unknown column 'stauts' in source 'orders' "
       "(did you mean 'status'?)"},
  };
  for (const auto& c : cases) {
    int line = 0;
    const std::string file = Variant(c.name, c.from, c.to, &line);
    auto r = RunZcdp("validate -p " + ShellQuote(file));
    EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.out << r.err;
    const std::string position = c.name + ".yaml:" + std::to_string(line) + ":" +
                                 (c.column > 0 ? std::to_string(c.column) : "[0-9]+");
    EXPECT_TRUE(std::regex_search(r.err, std::regex(position + ": error: ")))
        << c.name << ": expected " << position << " in\n"
        << r.err;
    const size_t at = r.err.find(c.expected);
    EXPECT_NE(at, std::string::npos) << c.name << ":\n" << r.err;
    // Reported once, not by two checkers.
    EXPECT_EQ(r.err.find(c.expected, at + 1), std::string::npos) << c.name << ":\n" << r.err;
  }
}

// Issue 15, item 7: an audience validate refuses is set aside by `zcdp run` (recorded as a
// failed item, with validate's position), and the rest of the run completes, exit 4.
TEST_P(AudienceCliE2E, RunSetsABrokenConditionAsideAndCompletesTheRest) {
  if (GetParam() != "duckdb") GTEST_SKIP() << "copies the DuckDB file";
  const fs::path fresh = *dir_ / "fresh";
  testing::CopyShopWithoutOutput(*dir_, fresh);
  std::string text = ReadFile(fresh / "zcdp.yaml");
  const std::string from = "count(orders within 180d) > 3";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "count(orders within 180d) > 'x'");
  std::ofstream(fresh / "zcdp.yaml") << text;

  auto r = RunZcdp("run -p " + ShellQuote(fresh.string()));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("zcdp validate refuses it: line"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot compare"), std::string::npos) << r.err;
  auto q = RunZcdp("query -f csv -p " + ShellQuote(fresh.string()) +
                   " \"SELECT status, (SELECT count(*) FROM zcdp.audience_membership) > 0 FROM "
                   "zcdp.runs\"");
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(q.out.find("partial,true"), std::string::npos) << q.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, AudienceCliE2E, ::testing::Values("duckdb", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace zcdp
