// The demo project file describes the generated data: it parses and validates against it.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/generate/generator.h"
#include "zcdp/model/project.h"
#include "zcdp/model/validate.h"

#include "unit/generate/generate_test_util.h"

namespace zcdp::testing {
namespace {

void ExpectValidProject(GeneratorFormat format) {
  TempDir dir;
  GeneratorOptions o;
  o.profiles = 300;
  o.out_dir = dir.path();
  o.as_of_days = 20454;
  o.format = format;
  ASSERT_TRUE(Generate(o).ok());
  const std::string yaml = DemoProjectYaml(o);
  Diagnostics diags(dir.Sub("zcdp.yaml"));
  std::optional<Project> project = ParseProject(yaml, dir.Sub("zcdp.yaml"), dir.path(), diags);
  ASSERT_TRUE(project.has_value()) << diags.ToString();
  EXPECT_FALSE(diags.has_errors()) << diags.ToString() << "\n" << yaml;
  EXPECT_EQ(project->sources.size(), 5u);
  ASSERT_NE(project->FindIdType("phone"), nullptr);
  EXPECT_EQ(project->FindIdType("phone")->priority, 4);
  ASSERT_TRUE(project->consent.has_value());
  EXPECT_EQ(project->consent->source.value, "consents");
  // The parquet lake has no warehouse file yet: validate it on an in-memory engine.
  auto wh = OpenDb(format == GeneratorFormat::kParquet ? ":memory:" : dir.Sub("warehouse.duckdb"));
  ASSERT_NE(wh, nullptr);
  ValidateAgainstWarehouse(*project, *wh, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.ToString();
}

TEST(DemoProjectTest, DuckDbProjectParsesAndValidates) {
  ExpectValidProject(GeneratorFormat::kDuckDb);
}

TEST(DemoProjectTest, ParquetProjectReadsTheLakeInPlace) {
  GeneratorOptions o;
  o.format = GeneratorFormat::kParquet;
  const std::string yaml = DemoProjectYaml(o);
  EXPECT_NE(yaml.find("table: 'lake/orders/*.parquet'"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("shop.orders"), std::string::npos) << yaml;
  ExpectValidProject(GeneratorFormat::kParquet);
}

TEST(DemoProjectTest, BlocklistsThePlaceholders) {
  const std::string yaml = DemoProjectYaml(GeneratorOptions{});
  EXPECT_NE(yaml.find("'^test@test\\.com$'"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("unknown"), std::string::npos);
}

// The demo activates one audience to a file drop, with only three fields and a purpose.
TEST(DemoProjectTest, ExportsBigSpendersWithConsentAndThreeFields) {
  const std::string yaml = DemoProjectYaml(GeneratorOptions{});
  EXPECT_NE(yaml.find("destinations:"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("purpose: email_marketing"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("fields: {first_name: first_name, country: country, lifetime_value: "
                      "lifetime_value}"),
            std::string::npos)
      << yaml;
}

}  // namespace
}  // namespace zcdp::testing
