// Issue 14, item 1: past one DuckDB appender flush (204,800 rows) every new phone is still
// normalised. The step used to stream the new phones while appending their E.164 forms on the
// same connection; the appender's first flush ended the stream without an error, and every
// later phone was counted as invalid.
#include <gtest/gtest.h>

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
    identifiers: {phone: phone}
identity:
  strategy: native
  id_types:
    phone: {priority: 1, normalize: phone_e164, default_region: FR, max_per_profile: 2}
)";

// Past DuckDB's appender flush threshold (STANDARD_VECTOR_SIZE * 100 = 204,800 rows).
constexpr int64_t kPhones = 210'000;

int64_t Count(Warehouse& wh, const std::string& sql) {
  auto n = QueryInt(wh, sql);
  EXPECT_TRUE(n.ok()) << n.status().message();
  return n.ok() ? *n : -1;
}

TEST(IdentityPhones, EveryPhonePastOneAppenderFlushIsNormalised) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  // Distinct valid French mobiles in national format: 06 00 00 00 00, 06 00 00 00 01, ...
  ASSERT_TRUE((*wh)
                  ->Execute("CREATE SCHEMA s; CREATE TABLE s.contacts AS SELECT i AS id, '06' || "
                            "lpad(CAST(i AS VARCHAR), 8, '0') AS phone FROM range(" +
                            std::to_string(kPhones) + ") t(i)")
                  .ok());
  Diagnostics diags("t.yaml");
  auto project = ParseProject(kProject, "t.yaml", "/tmp", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  auto summary = RunPipeline(StandardPipeline(), *project, **wh);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  ASSERT_EQ(summary->status, RunStatus::kSucceeded) << summary->steps.back().error;

  StepCounts counts;
  for (const auto& s : summary->steps) {
    if (s.name == "identity") counts = s.counts;
  }
  EXPECT_EQ(counts["phones_parsed"], kPhones);
  EXPECT_EQ(counts["skipped.invalid"], 0);
  EXPECT_EQ(Count(**wh, "SELECT count(*) FROM zcdp.identity_phone_map WHERE value IS NOT NULL"),
            kPhones);
  EXPECT_EQ(Count(**wh, "SELECT count(DISTINCT id_value) FROM zcdp.identity_graph"), kPhones);
}

}  // namespace
}  // namespace zcdp
