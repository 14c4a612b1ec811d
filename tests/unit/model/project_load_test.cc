#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::Dump;
using testing::kDesignProject;

class ProjectLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "zcdp-model-load-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  fs::path dir_;
};

TEST_F(ProjectLoadTest, LoadsAFileAndResolvesPathsAgainstItsDirectory) {
  Write(dir_ / "shop" / "zcdp.yaml", kDesignProject);
  Diagnostics diags("zcdp.yaml");
  auto p = LoadProject((dir_ / "shop" / "." / "zcdp.yaml").string(), diags);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(diags.all().empty()) << Dump(diags);
  EXPECT_EQ(p->file, (dir_ / "shop" / "zcdp.yaml").string());
  EXPECT_EQ(p->dir, (dir_ / "shop").string());
  EXPECT_EQ(p->warehouse.path, (dir_ / "shop" / "warehouse.duckdb").string());
  EXPECT_EQ(p->FindSource("orders")->file_glob, (dir_ / "shop/lake/orders/*.parquet").string());
  EXPECT_EQ(p->StateDir(), (dir_ / "shop" / ".zcdp").string());
}

TEST_F(ProjectLoadTest, ResolveProjectPathTakesAFileOrADirectory) {
  Write(dir_ / "zcdp.yaml", kDesignProject);
  EXPECT_EQ(ResolveProjectPath(dir_.string()), (dir_ / "zcdp.yaml").string());
  EXPECT_EQ(ResolveProjectPath((dir_ / "other.yaml").string()), (dir_ / "other.yaml").string());
  EXPECT_EQ(ResolveProjectPath(""), "zcdp.yaml");
}

TEST_F(ProjectLoadTest, MissingFileIsReportedClearly) {
  Diagnostics diags("zcdp.yaml");
  EXPECT_FALSE(LoadProject((dir_ / "nope.yaml").string(), diags).has_value());
  ASSERT_EQ(diags.all().size(), 1u);
  EXPECT_NE(diags.all()[0].message.find("not found"), std::string::npos);
}

TEST_F(ProjectLoadTest, DirectoryInsteadOfFileIsReported) {
  Diagnostics diags("zcdp.yaml");
  EXPECT_FALSE(LoadProject(dir_.string(), diags).has_value());
  ASSERT_EQ(diags.all().size(), 1u);
  EXPECT_NE(diags.all()[0].message.find("is a directory"), std::string::npos);
}

TEST_F(ProjectLoadTest, MalformedYamlFileReportsThePosition) {
  Write(dir_ / "zcdp.yaml", "name: shop\nwarehouse: {path: x\n");
  Diagnostics diags("zcdp.yaml");
  EXPECT_FALSE(LoadProject((dir_ / "zcdp.yaml").string(), diags).has_value());
  ASSERT_EQ(diags.all().size(), 1u);
  EXPECT_GT(diags.all()[0].pos.line, 0);
  EXPECT_EQ(diags.all()[0].ToString().rfind("zcdp.yaml:", 0), 0u);
}

}  // namespace
}  // namespace zcdp
