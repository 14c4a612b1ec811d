// Runs every tests/sql/**/*.test file on every engine available here.
#include "support/sqllogic.h"

#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "support/postgres.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  const fs::path root = fs::path(ZCDP_SOURCE_DIR) / "tests" / "sql";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() == ".test") files.push_back(fs::relative(e.path(), root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class SqlLogic : public ::testing::TestWithParam<std::string> {
 protected:
  // Runs the test file on the warehouse `open` returns for a fresh temporary directory.
  void RunOn(const std::string& engine,
             const std::function<Result<std::unique_ptr<Warehouse>>(const fs::path&)>& open) {
    const fs::path tmp =
        fs::temp_directory_path() / ("zcdp_slt_" + engine + "_" + std::to_string(::getpid()) + "_" +
                                     std::to_string(std::hash<std::string>{}(GetParam())));
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    auto wh = open(tmp);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    testing::SqlLogicRunner runner(**wh, tmp.string());
    const fs::path file = fs::path(ZCDP_SOURCE_DIR) / "tests" / "sql" / GetParam();
    for (const auto& f : runner.RunFile(file.string())) {
      ADD_FAILURE_AT(file.c_str(), f.line) << f.message;
    }
    wh = Status::Internal("closed");
    fs::remove_all(tmp);
  }
};

TEST_P(SqlLogic, DuckDb) {
  RunOn("duckdb",
        [](const fs::path& tmp) { return OpenWarehouse({.path = (tmp / "wh.duckdb").string()}); });
}

TEST_P(SqlLogic, Postgres) {
  ZCDP_REQUIRE_POSTGRES();
  testing::TestDatabase db("slt");
  RunOn("postgres",
        [&db](const fs::path&) { return OpenWarehouse({.type = "postgres", .dsn = db.dsn()}); });
}

INSTANTIATE_TEST_SUITE_P(Files, SqlLogic, ::testing::ValuesIn(TestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace zcdp
