#pragma once

// The small hand-made DuckDB project the application layer's tests open: the sync shop's
// model over three customers (c1 and c3 gold, c2 silver), in a temporary directory.

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "zcdp/app/project.h"
#include "zcdp/run/pipeline.h"

#include "support/sync_shop.h"

namespace zcdp::app::testing {

inline constexpr char kSourcesSql[] = R"sql(
CREATE SCHEMA crm;
CREATE TABLE crm.customers (customer_id VARCHAR, email VARCHAR, first_name VARCHAR, tier VARCHAR);
INSERT INTO crm.customers VALUES
  ('c1', 'ann@x.com', 'Ann', 'gold'), ('c2', 'bob@x.com', 'Bob', 'silver'),
  ('c3', 'cyd@x.com', 'Cyd', 'gold');
CREATE TABLE crm.consents (consent_id VARCHAR, customer_id VARCHAR, purpose VARCHAR,
                           granted BOOLEAN, updated_at TIMESTAMP);
)sql";

class AppProjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zcdp-app-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    WriteProject(zcdp::testing::kSyncShopModel);
    auto wh = OpenWarehouse({.path = (dir_ / "warehouse.duckdb").string()});
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    Status s = (*wh)->Execute(kSourcesSql);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void WriteProject(const std::string& model) {
    std::ofstream(dir_ / "zcdp.yaml") << "name: apptest\nwarehouse: {type: duckdb, path: '"
                                      << (dir_ / "warehouse.duckdb").string() << "'}\n"
                                      << model;
  }

  // Opens the project validated and fails the test on any diagnostic.
  OpenedProject Open(Access access = Access::kReadOnly) {
    Diagnostics diags("");
    Result<OpenedProject> opened = OpenProject(dir_.string(), access, /*validate=*/true, &diags);
    EXPECT_TRUE(opened.ok()) << opened.status().message() << diags.ToString();
    EXPECT_TRUE(diags.all().empty()) << diags.ToString();
    return opened.ok() ? std::move(opened).value() : OpenedProject{};
  }

  // Runs the standard pipeline on a read-write handle, then closes it.
  void Run() {
    OpenedProject opened = Open(Access::kReadWrite);
    ASSERT_NE(opened.warehouse, nullptr);
    Result<RunSummary> run = RunPipeline(StandardPipeline(), opened.project, *opened.warehouse);
    ASSERT_TRUE(run.ok()) << run.status().message();
    ASSERT_EQ(run->status, RunStatus::kSucceeded) << run->steps.back().error;
  }

  std::filesystem::path dir_;
};

}  // namespace zcdp::app::testing
