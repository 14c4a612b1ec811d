#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "zcdp/generate/generator.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::testing {

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zcdp-gen-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Opens a DuckDB warehouse (":memory:" or a file) or fails the test.
inline std::unique_ptr<Warehouse> OpenDb(const std::string& path, bool read_only = false) {
  WarehouseOptions o;
  o.path = path;
  o.read_only = read_only;
  Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse(o);
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return wh.ok() ? std::move(wh).value() : nullptr;
}

// The first cell of a query as text ("" for NULL), or a failure message.
inline std::string Scalar(Warehouse& wh, const std::string& sql) {
  Result<QueryResult> r = wh.Query(sql);
  if (!r.ok()) {
    ADD_FAILURE() << sql << ": " << r.status().message();
    return "<error>";
  }
  if (r->rows.empty() || r->rows[0].empty()) return "<no rows>";
  return r->rows[0][0].ToString();
}

inline int64_t Count(Warehouse& wh, const std::string& sql) {
  return std::stoll(Scalar(wh, "SELECT count(*) FROM (" + sql + ")"));
}

// Generates into `dir` or fails the test.
inline GeneratorStats GenerateOrFail(GeneratorOptions o) {
  Result<GeneratorStats> stats = Generate(o);
  EXPECT_TRUE(stats.ok()) << stats.status().message();
  return stats.ok() ? *stats : GeneratorStats{};
}

}  // namespace zcdp::testing
