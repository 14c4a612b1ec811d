// The demo's audiences, as computed by the real `zcdp demo` run and by the compiler, against
// hand-written SQL for the same conditions (tests/support/demo_audience_sql.h): the sets of
// member profiles must be equal, and non-empty so that the comparison says something.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/audiences/compile.h"
#include "zcdp/common/clock.h"
#include "zcdp/expr/bound.h"
#include "zcdp/expr/catalog.h"
#include "zcdp/generate/generator.h"
#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/demo_audience_sql.h"

namespace zcdp::audience {
namespace {

using namespace expr;  // NOLINT: the condition language these tests compile

namespace fs = std::filesystem;

constexpr int kProfiles = 5000;
constexpr const char* kSchema = "zcdp";

// Equal sets, or a failure naming how many profiles are only on each side and a few of them.
::testing::AssertionResult SameProfiles(const std::set<std::string>& expected,
                                        const std::set<std::string>& actual) {
  const auto only = [](const std::set<std::string>& a, const std::set<std::string>& b) {
    std::vector<std::string> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
  };
  const auto sample = [](const std::vector<std::string>& ids) {
    std::string out;
    for (size_t i = 0; i < ids.size() && i < 5; ++i) out += " " + ids[i];
    return out + (ids.size() > 5 ? " ..." : "");
  };
  const std::vector<std::string> missing = only(expected, actual), extra = only(actual, expected);
  if (missing.empty() && extra.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << expected.size() << " expected vs " << actual.size() << " actual profiles; "
         << missing.size() << " missing:" << sample(missing) << "; " << extra.size()
         << " unexpected:" << sample(extra);
}

// One demo run (as of today, so that the 7-day windows hold events) shared by every test.
class HandwrittenCheck : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("zcdp_handwritten_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    const testing::CommandResult demo =
        testing::RunZcdp("demo --dir " + testing::ShellQuote(dir_.string()) + " --profiles " +
                         std::to_string(kProfiles) + " --seed 42");
    ASSERT_EQ(demo.exit_code, 0) << demo.out << demo.err;
    Diagnostics diags((dir_ / "zcdp.yaml").string());
    std::optional<Project> project = LoadProject((dir_ / "zcdp.yaml").string(), diags);
    ASSERT_TRUE(project.has_value() && !diags.has_errors()) << diags.ToString();
    project_ = std::make_unique<Project>(std::move(*project));
    auto wh = OpenWarehouse({.path = (dir_ / "warehouse.duckdb").string(), .read_only = true});
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    warehouse_ = std::move(*wh);
    auto catalog = LoadCatalog(*project_, *warehouse_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    auto bound = expr::BindAll(*project_, *catalog);
    ASSERT_TRUE(bound.ok()) << bound.status().message();
    bound_ = std::make_unique<expr::BoundProject>(std::move(*bound));
  }

  static void TearDownTestSuite() {
    bound_.reset();
    warehouse_.reset();
    project_.reset();
    fs::remove_all(dir_);
  }

  void SetUp() override {
    if (warehouse_ == nullptr) GTEST_SKIP() << "the demo run failed (see SetUpTestSuite)";
  }

  // The distinct profile_ids a query returns.
  static std::set<std::string> ProfileIds(const std::string& sql, std::vector<Value> params = {}) {
    std::set<std::string> out;
    auto r = warehouse_->Query("SELECT DISTINCT profile_id FROM (" + sql + ") q", params);
    EXPECT_TRUE(r.ok()) << r.status().message() << "\n" << sql;
    if (!r.ok()) return out;
    for (const auto& row : r->rows) out.insert(row.at(0).ToString());
    return out;
  }

  static std::string HandwrittenSql(const std::string& name, std::string_view now) {
    for (const auto& a : testing::DemoAudienceSql(kSchema, now)) {
      if (a.name == name) return a.sql;
    }
    ADD_FAILURE() << "no hand-written SQL for " << name;
    return "SELECT NULL AS profile_id WHERE FALSE";
  }

  static std::string Membership() {
    const Dialect& d = warehouse_->dialect();
    return "SELECT profile_id FROM " + d.QualifiedName(kSchema, "audience_membership") +
           " WHERE audience = " + d.Placeholder(1);
  }

  static fs::path dir_;
  static std::unique_ptr<Project> project_;
  static std::unique_ptr<Warehouse> warehouse_;
  static std::unique_ptr<expr::BoundProject> bound_;
};

fs::path HandwrittenCheck::dir_;
std::unique_ptr<Project> HandwrittenCheck::project_;
std::unique_ptr<Warehouse> HandwrittenCheck::warehouse_;
std::unique_ptr<expr::BoundProject> HandwrittenCheck::bound_;

// The members the run stored equal the hand-written SQL evaluated at the moment of the run
// (the run evaluates every audience at its as_of instant and stamps new members with it, so
// `since` is that moment).
TEST_P(HandwrittenCheck, StoredMembershipEqualsHandwrittenAtRunTime) {
  const std::string& name = GetParam();
  const std::vector<Value> audience = {Value::Text(name)};
  const std::set<std::string> stored = ProfileIds(Membership(), audience);
  ASSERT_FALSE(stored.empty()) << name << " has no members: the comparison would prove nothing";
  const Dialect& d = warehouse_->dialect();
  auto since = QueryText(*warehouse_,
                         "SELECT CAST(max(since) AS VARCHAR) FROM " +
                             d.QualifiedName(kSchema, "audience_membership") +
                             " WHERE audience = " + d.Placeholder(1),
                         audience);
  ASSERT_TRUE(since.ok()) << since.status().message();
  const std::string at_run = "CAST(" + d.QuoteString(*since) + " AS TIMESTAMP)";
  EXPECT_TRUE(SameProfiles(ProfileIds(HandwrittenSql(name, at_run)), stored))
      << name << " stored by the run vs hand-written at " << *since;
}

// The compiled SQL and the hand-written SQL agree at the same instant: the compiler's
// as_of, given to the hand-written SQL as its "now".
TEST_P(HandwrittenCheck, CompiledEqualsHandwrittenNow) {
  const std::string& name = GetParam();
  const int64_t as_of = SystemClock::Instance().NowMicros();
  const Compiler compiler(*project_, warehouse_->dialect(), *bound_, as_of);
  auto compiled = compiler.AudienceSql(name);
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  const std::set<std::string> from_compiler = ProfileIds(*compiled);
  const std::set<std::string> by_hand =
      ProfileIds(HandwrittenSql(name, warehouse_->dialect().TimestampLiteral(as_of)));
  EXPECT_FALSE(by_hand.empty()) << name;
  EXPECT_TRUE(SameProfiles(by_hand, from_compiler))
      << name << ": compiled vs hand-written\ncompiled:\n"
      << *compiled;
}

// Every audience of the demo project file has hand-written SQL, and nothing else does.
TEST(HandwrittenAudiences, CoverTheDemoProject) {
  Diagnostics diags("zcdp.yaml");
  const std::optional<Project> project =
      ParseProject(DemoProjectYaml(GeneratorOptions{}), "zcdp.yaml", "/tmp", diags);
  ASSERT_TRUE(project.has_value()) << diags.ToString();
  std::set<std::string> demo;
  for (const auto& a : project->audiences) demo.insert(a.name.value);
  std::set<std::string> handwritten;
  for (const auto& a : testing::DemoAudienceSql(kSchema)) handwritten.insert(a.name);
  EXPECT_EQ(handwritten, demo);
}

INSTANTIATE_TEST_SUITE_P(DemoAudiences, HandwrittenCheck,
                         ::testing::Values("loyal_engaged", "big_spenders", "cart_abandoners",
                                           "lapsed", "vip_outside_france"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zcdp::audience
