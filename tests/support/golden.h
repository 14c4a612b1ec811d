#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace zcdp::testing {

// Compares `actual` with tests/golden/<relative>. With ZCDP_UPDATE_GOLDEN=1 in the
// environment the file is rewritten instead, and the diff is reviewed like code.
inline void ExpectGolden(const std::string& relative, const std::string& actual) {
  const std::filesystem::path path =
      std::filesystem::path(ZCDP_SOURCE_DIR) / "tests" / "golden" / relative;
  const char* update = std::getenv("ZCDP_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << " (run the test with ZCDP_UPDATE_GOLDEN=1 to create it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << "generated SQL differs from " << path << " (ZCDP_UPDATE_GOLDEN=1 rewrites it)";
}

}  // namespace zcdp::testing
