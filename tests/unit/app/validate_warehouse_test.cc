// What `zcdp validate` checks against the live warehouse beyond the sources' columns
// (issue 15, item 9): `sql` traits compiled by the engine and typed for the conditions,
// unset secrets, consent purposes no row has, and an unqualified table found in another
// schema. Every problem is positioned and names what was expected.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "zcdp/app/project.h"

#include "unit/app/app_fixture.h"

namespace zcdp::app {
namespace {

using ValidateWarehouseTest = testing::AppProjectTest;

// The model with `from` (once) replaced by `to`.
std::string Edit(std::string model, const std::string& from, const std::string& to) {
  const size_t at = model.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) model.replace(at, from.size(), to);
  return model;
}

const std::string kTraits = "  - {name: tier, source: customers, pick: most_recent}\n";

class Validated {
 public:
  explicit Validated(const std::string& dir) : diags_("") {
    result_ = Validate(dir, &diags_).status();
  }
  // The diagnostics whose message holds `text`, one per line.
  std::vector<const Diagnostic*> With(const std::string& text) const {
    std::vector<const Diagnostic*> out;
    for (const Diagnostic& d : diags_.all()) {
      if (d.message.find(text) != std::string::npos) out.push_back(&d);
    }
    return out;
  }
  const Diagnostics& diags() const { return diags_; }
  bool ok() const { return result_.ok(); }

 private:
  Diagnostics diags_;
  Status result_;
};

TEST_F(ValidateWarehouseTest, AnSqlTraitTheEngineRefusesIsReportedByNameAndPosition) {
  WriteProject(Edit(zcdp::testing::kSyncShopModel, kTraits,
                    kTraits + "  - {name: n_rows, source: customers, sql: \"cont(*)\"}\n"
                              "  - {name: tier_upper, sql: \"upper(tierr)\"}\n"
                              "  - {name: n_emails, source: customers, sql: \"count(emial)\"}\n"));
  Validated v(dir_.string());
  EXPECT_FALSE(v.ok());
  for (const char* name : {"'n_rows'", "'tier_upper'", "'n_emails'"}) {
    auto found = v.With(std::string("trait ") + name + ": sql: expected");
    ASSERT_EQ(found.size(), 1u) << name << "\n" << v.diags().ToString();
    EXPECT_GT(found[0]->pos.line, 0);
    EXPECT_GT(found[0]->pos.column, 1);
  }
  EXPECT_EQ(v.With("cont").size(), 1u) << v.diags().ToString();  // the engine names it
  EXPECT_EQ(v.With("over the other traits").size(), 1u) << v.diags().ToString();
}

TEST_F(ValidateWarehouseTest, SqlTraitsThatCompilePassAndTheirTypesCheckConditions) {
  const std::string traits = kTraits +
                             "  - {name: n_rows, source: customers, sql: \"count(*)\"}\n"
                             "  - {name: tier_upper, sql: \"upper(tier)\"}\n";
  WriteProject(Edit(zcdp::testing::kSyncShopModel, kTraits, traits));
  EXPECT_TRUE(Validated(dir_.string()).ok());
  // A number compared with a string, and text compared with a number: the engine's types.
  std::string model = Edit(zcdp::testing::kSyncShopModel, kTraits, traits);
  model = Edit(model, "tier = 'gold'", "n_rows = 'many' or tier_upper > 3");
  WriteProject(model);
  Validated v(dir_.string());
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.With("n_rows").size(), 1u) << v.diags().ToString();
  EXPECT_EQ(v.With("tier_upper").size(), 1u) << v.diags().ToString();
}

// Issue 15, item 10: catalog.schema.table is read by validate and by the run (DuckDB names
// the file's catalog after it: warehouse.duckdb is `warehouse`).
TEST_F(ValidateWarehouseTest, AThreePartTableNameIsReadByValidateAndTheRun) {
  WriteProject(Edit(zcdp::testing::kSyncShopModel, "table: crm.customers",
                    "table: warehouse.crm.customers"));
  EXPECT_TRUE(Validated(dir_.string()).ok());
  Run();
  OpenedProject opened = Open();
  ASSERT_NE(opened.warehouse, nullptr);
  auto n = QueryInt(*opened.warehouse, "SELECT count(*) FROM zcdp.profiles WHERE tier = 'gold'");
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 2);
  WriteProject(Edit(zcdp::testing::kSyncShopModel, "table: crm.customers",
                    "table: elsewhere.crm.customers"));
  Validated v(dir_.string());
  EXPECT_FALSE(v.ok());
  auto found = v.With("table: cannot read table 'elsewhere.crm.customers'");
  ASSERT_EQ(found.size(), 1u) << v.diags().ToString();
  EXPECT_EQ(found[0]->pos.line, 5);  // name, warehouse, sources, - name, table
}

}  // namespace
}  // namespace zcdp::app
