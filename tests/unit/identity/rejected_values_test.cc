// Issue 14, item 5: bad values are skipped and counted as before, and when most values of an
// id type are rejected the identity step warns, naming the type and the setting to check
// (every UK number rejected under default_region: FR used to show only as skipped.invalid).
#include <gtest/gtest.h>

#include "zcdp/common/log.h"
#include "zcdp/model/project.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

constexpr const char* kProject = R"(name: t
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - name: contacts
    table: s.contacts
    primary_key: id
    identifiers: {email: email, phone: phone}
identity:
  id_types:
    email: {priority: 1, normalize: email}
    phone: {priority: 2, normalize: phone_e164, default_region: REGION}
)";

struct Outcome {
  StepCounts counts;
  std::string log;  // what the run wrote to stderr
};

// Three UK mobiles in national format, each with a valid email.
Outcome RunWithRegion(const std::string& region) {
  Outcome out;
  auto wh = OpenWarehouse({.path = ":memory:"});
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  EXPECT_TRUE((*wh)
                  ->Execute("CREATE SCHEMA s; CREATE TABLE s.contacts (id INT, email VARCHAR, "
                            "phone VARCHAR); INSERT INTO s.contacts VALUES (1, 'a@example.com', "
                            "'07400 123456'), (2, 'b@example.com', '07400 123457'), "
                            "(3, 'c@example.com', '07400 123458')")
                  .ok());
  std::string yaml = kProject;
  yaml.replace(yaml.find("REGION"), 6, region);
  Diagnostics diags("t.yaml");
  auto project = ParseProject(yaml, "t.yaml", "/tmp", diags);
  EXPECT_TRUE(project && !diags.has_errors()) << diags.ToString();
  if (!project) return out;
  const LogLevel level = GetLogLevel();
  SetLogLevel(LogLevel::kWarn);
  ::testing::internal::CaptureStderr();
  auto summary = RunPipeline(StandardPipeline(), *project, **wh);
  out.log = ::testing::internal::GetCapturedStderr();
  SetLogLevel(level);
  EXPECT_TRUE(summary.ok() && summary->status == RunStatus::kSucceeded);
  if (!summary.ok()) return out;
  for (const auto& s : summary->steps) {
    if (s.name == "identity") out.counts = s.counts;
  }
  return out;
}

int64_t Get(const StepCounts& counts, const std::string& key) {
  const auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

TEST(RejectedValues, MostPhonesRejectedWarnsNamingTheTypeAndTheRegion) {
  const Outcome fr = RunWithRegion("FR");
  // Still skipped and counted, and the run succeeds.
  EXPECT_EQ(Get(fr.counts, "skipped.invalid"), 3);
  EXPECT_EQ(Get(fr.counts, "warnings"), 1);
  EXPECT_NE(fr.log.find("warning: identity: 3 of 3 phone values (100%) were rejected as invalid"),
            std::string::npos)
      << fr.log;
  EXPECT_NE(fr.log.find("default_region (FR)"), std::string::npos) << fr.log;
  // The valid type is not mentioned.
  EXPECT_EQ(fr.log.find("email values"), std::string::npos) << fr.log;
  // No customer value reaches the log.
  EXPECT_EQ(fr.log.find("07400"), std::string::npos) << fr.log;
}

TEST(RejectedValues, NoWarningWhenTheRegionFits) {
  const Outcome gb = RunWithRegion("GB");
  EXPECT_EQ(Get(gb.counts, "skipped.invalid"), 0);
  EXPECT_EQ(Get(gb.counts, "warnings"), 0);
  EXPECT_EQ(gb.log.find("rejected"), std::string::npos) << gb.log;
}

}  // namespace
}  // namespace zcdp
