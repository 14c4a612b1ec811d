// Bad generator options are refused with a message, and nothing existing is overwritten.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/generate/generator.h"

#include "unit/generate/generate_test_util.h"

namespace zcdp::testing {
namespace {

GeneratorOptions Small(const std::string& dir) {
  GeneratorOptions o;
  o.profiles = 50;
  o.out_dir = dir;
  o.as_of_days = 20454;
  o.threads = 1;
  return o;
}

void ExpectRejected(const GeneratorOptions& o, StatusCode code, const std::string& words) {
  Result<GeneratorStats> r = Generate(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().message();
  EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
}

TEST(GeneratorOptionsTest, ProfilesOutOfRangeAreRejected) {
  TempDir dir;
  for (int64_t bad : {int64_t{0}, int64_t{-5}, int64_t{100'000'001}}) {
    GeneratorOptions o = Small(dir.Sub("out"));
    o.profiles = bad;
    ExpectRejected(o, StatusCode::kInvalidArgument, "profiles must be between 1 and 100000000");
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("out")));  // nothing written
}

TEST(GeneratorOptionsTest, OtherBadOptionsAreRejected) {
  TempDir dir;
  GeneratorOptions o = Small("");
  ExpectRejected(o, StatusCode::kInvalidArgument, "no output directory");
  o = Small(dir.Sub("out"));
  o.threads = -1;
  ExpectRejected(o, StatusCode::kInvalidArgument, "threads");
  o = Small(dir.Sub("out"));
  o.as_of_days = -3;
  ExpectRejected(o, StatusCode::kInvalidArgument, "as_of_days");
  std::ofstream(dir.Sub("file")) << "x";
  ExpectRejected(Small(dir.Sub("file")), StatusCode::kInvalidArgument, "not a directory");
}

TEST(GeneratorOptionsTest, ExistingWarehouseOrLakeIsNeverOverwritten) {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("a"));
  std::ofstream(dir.Sub("a/warehouse.duckdb")) << "customer data";
  ExpectRejected(Small(dir.Sub("a")), StatusCode::kAlreadyExists, "already contains");
  EXPECT_EQ(ReadFile(dir.Sub("a/warehouse.duckdb")), "customer data");

  std::filesystem::create_directories(dir.Sub("b/lake/orders"));
  GeneratorOptions o = Small(dir.Sub("b"));
  o.format = GeneratorFormat::kParquet;
  ExpectRejected(o, StatusCode::kAlreadyExists, "choose an empty directory");

  // An existing but empty directory is fine, and so is a second run after removing the data.
  std::filesystem::create_directories(dir.Sub("c"));
  EXPECT_TRUE(Generate(Small(dir.Sub("c"))).ok());
  ExpectRejected(Small(dir.Sub("c")), StatusCode::kAlreadyExists, "warehouse.duckdb");
}

TEST(GeneratorOptionsTest, ProgressRisesToOne) {
  TempDir dir;
  GeneratorOptions o = Small(dir.Sub("out"));
  o.profiles = 3000;
  o.batch_persons = 100;
  std::vector<double> seen;
  o.progress = [&seen](double f) { seen.push_back(f); };
  ASSERT_TRUE(Generate(o).ok());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 1.0);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1], seen[i]);
  for (double f : seen) EXPECT_TRUE(f >= 0 && f <= 1) << f;
}

TEST(GeneratorOptionsTest, StatsJsonIsWrittenLastAndOnlyOnSuccess) {
  TempDir dir;
  ASSERT_TRUE(Generate(Small(dir.Sub("out"))).ok());
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("out/truth/stats.json")));
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("out/truth/shared.csv")));
  // No per-thread part files are left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.Sub("out/truth"))) {
    EXPECT_EQ(e.path().filename().string().find("part"), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace zcdp::testing
