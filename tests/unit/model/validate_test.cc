// Validation of the DESIGN.md project against a live in-memory DuckDB with real tables and a
// real Parquet file: every error at the position of the offending YAML, and nothing written.

#include "zcdp/model/validate.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::Dump;
using testing::kDesignProject;
using testing::Replace;

constexpr const char* kSchemaSql = R"(
CREATE SCHEMA crm;
CREATE SCHEMA web;
CREATE TABLE crm.customers (customer_id BIGINT, email VARCHAR, phone VARCHAR,
  first_name VARCHAR, last_name VARCHAR, city VARCHAR, country VARCHAR, tags VARCHAR[],
  score DOUBLE);
CREATE TABLE web.events (anonymous_id VARCHAR, user_id VARCHAR, event VARCHAR,
  event_time TIMESTAMP, event_day VARCHAR);
CREATE TABLE crm.email_events (email VARCHAR, action VARCHAR, sent_at TIMESTAMPTZ);
CREATE TABLE crm.consents (email VARCHAR, purpose VARCHAR, granted BOOLEAN,
  granted_flag VARCHAR, updated_at DATE);
CREATE VIEW crm.customer_emails AS SELECT email FROM crm.customers;
CREATE TABLE crm.dup (x VARCHAR);
CREATE TABLE web.dup (x VARCHAR);
)";

// A whole-schema snapshot: every schema and its tables and views.
using Snapshot = std::map<std::string, std::vector<std::string>>;

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "zcdp-model-validate-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    WarehouseOptions options;
    options.path = ":memory:";
    auto wh = OpenWarehouse(options);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(*wh);
    ASSERT_TRUE(wh_->Execute(kSchemaSql).ok());
    fs::create_directories(dir_ / "lake" / "orders");
    const Status copied = wh_->Execute(
        "COPY (SELECT 'a@example.com' AS customer_email, TIMESTAMP '2024-01-01 10:00:00' AS "
        "ordered_at, 12.5::DOUBLE AS amount, 'x' AS note) TO " +
        wh_->dialect().QuoteString((dir_ / "lake/orders/part-0.parquet").string()) +
        " (FORMAT parquet)");
    ASSERT_TRUE(copied.ok()) << copied.message();
  }
  void TearDown() override {
    wh_.reset();
    fs::remove_all(dir_);
  }

  // Parses `text` (which must be free of parse errors) and validates it.
  Diagnostics Validate(const std::string& text) {
    Diagnostics parse_diags("zcdp.yaml");
    auto project = ParseProject(text, "zcdp.yaml", dir_.string(), parse_diags);
    EXPECT_TRUE(project && parse_diags.all().empty()) << Dump(parse_diags);
    Diagnostics diags("zcdp.yaml");
    if (project) ValidateAgainstWarehouse(*project, *wh_, diags);
    return diags;
  }

  Snapshot TakeSnapshot() {
    Snapshot snap;
    auto schemas = wh_->ListSchemas();
    EXPECT_TRUE(schemas.ok());
    if (!schemas.ok()) return snap;
    for (const auto& schema : *schemas) {
      auto tables = wh_->ListTables(schema);
      EXPECT_TRUE(tables.ok());
      auto& names = snap[schema];
      if (!tables.ok()) continue;
      for (const auto& t : *tables) names.push_back(t.name + (t.is_view ? " (view)" : ""));
    }
    return snap;
  }

  fs::path dir_;
  std::unique_ptr<Warehouse> wh_;
};

TEST_F(ValidateTest, DesignProjectIsValidAgainstItsWarehouse) {
  Diagnostics diags = Validate(kDesignProject);
  EXPECT_TRUE(diags.all().empty()) << Dump(diags);
}

// The in-memory database is the catalog `memory`: its tables may be named with it.
TEST_F(ValidateTest, ThreePartTableNamesAreRead) {
  Diagnostics diags =
      Validate(Replace(kDesignProject, "table: crm.customers", "table: memory.crm.customers"));
  EXPECT_TRUE(diags.all().empty()) << Dump(diags);
}

struct ValidateCase {
  std::string name;
  std::string from, to;  // the edit applied to the DESIGN.md project
  int line;
  int column;
  std::string phrase;
};

std::vector<ValidateCase> Cases() {
  return {
      {"UnknownTableSuggestsSimilar", "table: crm.customers", "table: crm.customerz", 5, 12,
       "source 'customers': table: table 'crm.customerz' does not exist (did you mean "
       "'customers'?)"},
      {"UnknownTableListsTheSchema", "table: crm.customers", "table: crm.zzz", 5, 12,
       "does not exist; tables in schema 'crm': consents, customer_emails, customers, dup, "
       "email_events"},
      {"UnknownSchema", "table: crm.customers", "table: crn.customers", 5, 12,
       "schema 'crn' has no tables (did you mean 'crm.customers'?)"},
      {"UnknownSchemaOfAnUnknownTable", "table: crm.customers", "table: crn.zzz", 5, 12,
       "schema 'crn' has no tables (did you mean 'crm'?)"},
      // Issue 15, item 9: the matching schema.table, not a schema name, is suggested.
      {"UnqualifiedTableSuggestsItsSchema", "table: crm.customers", "table: customers", 5, 12,
       "table 'main.customers' does not exist: schema 'main' has no tables (did you mean "
       "'crm.customers'?)"},
      {"UnqualifiedCloseTableSuggestsItsSchema", "table: crm.customers", "table: event", 5, 12,
       "table 'main.event' does not exist: schema 'main' has no tables (did you mean "
       "'web.events'?)"},
      {"WrongSchemaSuggestsTheRightOne", "table: crm.customers", "table: crm.events", 5, 12,
       "table 'crm.events' does not exist (did you mean 'web.events'?)"},
      {"UnqualifiedTableInTwoSchemas", "table: crm.customers", "table: dup", 5, 12,
       "(did you mean one of 'crm.dup', 'web.dup'?)"},
      // Issue 15, item 10: catalog.schema.table, the catalog unknown to the engine.
      {"UnknownCatalog", "table: crm.customers", "table: nosuch.crm.customers", 5, 12,
       "source 'customers': table: cannot read table 'nosuch.crm.customers': "},
      {"UnknownTableOfACatalog", "table: crm.customers", "table: memory.crm.nosuch", 5, 12,
       "cannot read table 'memory.crm.nosuch': "},
      {"GlobMatchesNoFiles", "'lake/orders/*.parquet'", "'lake/order/*.parquet'", 16, 12,
       "source 'orders': table: no files match 'lake/order/*.parquet'"},
      {"UnknownIdentifierColumn", "crm_id: customer_id}", "crm_id: customerid}", 6, 55,
       "identifiers: unknown column 'customerid' in table crm.customers (did you mean "
       "'customer_id'?)"},
      {"UnknownColumnInFiles", "{email: customer_email}", "{email: customer_mail}", 19, 26,
       "unknown column 'customer_mail' in files 'lake/orders/*.parquet' (did you mean "
       "'customer_email'?)"},
      {"IdentifierOfFloatType", "crm_id: customer_id}", "crm_id: score}", 6, 55,
       "identifiers: column 'score' has type DOUBLE; expected a text or integer column"},
      {"UnknownTimestamp", "timestamp: event_time", "timestamp: event_tim", 12, 16,
       "timestamp: unknown column 'event_tim' in table web.events (did you mean "
       "'event_time'?)"},
      {"TimestampNotATime", "timestamp: event_time", "timestamp: event_day", 12, 16,
       "source 'web_events': timestamp: column 'event_day' has type VARCHAR; expected a "
       "TIMESTAMP or DATE column"},
      {"UnknownEventName", "event_name: event", "event_name: evnt", 13, 17,
       "event_name: unknown column 'evnt'"},
      {"NestedAttribute", "city, country]", "city, tags]", 7, 47,
       "attributes: column 'tags' has type LIST; expected a scalar column"},
      {"UnknownPrimaryKey", "table: crm.customers\n", "table: crm.customers\n    primary_key: id\n",
       6, 18, "primary_key: unknown column 'id' in table crm.customers"},
      {"ConsentPurposeMissing", "purpose_column: purpose", "purpose_column: purpos", 49, 45,
       "consent: purpose_column: unknown column 'purpos' in table crm.consents (did you mean "
       "'purpose'?)"},
      {"ConsentGrantedNotBoolean", "granted_column: granted}", "granted_column: granted_flag}", 49,
       70,
       "consent: granted_column: column 'granted_flag' has type VARCHAR; expected a "
       "BOOLEAN column"},
      {"ConsentGrantedMissing", "granted_column: granted}", "granted_column: grant}", 49, 70,
       "granted_column: unknown column 'grant'"},
      {"ConsentTimestampNotATime", "granted_column: granted}",
       "granted_column: granted, timestamp_column: purpose}", 49, 97,
       "timestamp_column: column 'purpose' has type VARCHAR; expected a TIMESTAMP or DATE"},
      {"TraitSumColumnMissing", "sum(amount)", "sum(amont)", 39, 55,
       "trait 'lifetime_value': aggregate: unknown column 'amont' in files "
       "'lake/orders/*.parquet' (did you mean 'amount'?)"},
      {"TraitSumOfText", "sum(amount)", "sum(note)", 39, 55,
       "aggregate: column 'note' has type VARCHAR; expected a numeric column for sum"},
      {"TraitPickColumnMissing", "pick: most_recent}", "pick: most_recent, column: fname}", 40, 70,
       "trait 'first_name': pick: unknown column 'fname' in table crm.customers"},
  };
}

class ValidateErrorTest : public ValidateTest,
                          public ::testing::WithParamInterface<ValidateCase> {};

TEST_P(ValidateErrorTest, ReportsTheMistakeWhereItIsAndWritesNothing) {
  const ValidateCase& c = GetParam();
  const Snapshot before = TakeSnapshot();
  Diagnostics diags = Validate(Replace(kDesignProject, c.from, c.to));
  ASSERT_EQ(diags.all().size(), 1u) << Dump(diags);
  const Diagnostic& d = diags.all()[0];
  EXPECT_EQ(d.pos.line, c.line) << Dump(diags);
  EXPECT_EQ(d.pos.column, c.column) << Dump(diags);
  EXPECT_NE(d.message.find(c.phrase), std::string::npos) << Dump(diags);
  EXPECT_EQ(TakeSnapshot(), before);
}

INSTANTIATE_TEST_SUITE_P(Cases, ValidateErrorTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

TEST_F(ValidateTest, PiiColumnMissingIsReportedWhereverItIsNamed) {
  std::string text = Replace(kDesignProject, "city, country]", "city, county]");
  text = Replace(text, "pii: [email,", "pii: [county, email,");
  Diagnostics diags = Validate(text);
  ASSERT_EQ(diags.all().size(), 2u) << Dump(diags);
  EXPECT_EQ(diags.all()[0].ToString(),
            "zcdp.yaml:7:47: error: source 'customers': attributes: unknown column 'county' in "
            "table crm.customers (did you mean 'country'?)");
  EXPECT_EQ(diags.all()[1].ToString(),
            "zcdp.yaml:8:11: error: source 'customers': pii: unknown column 'county' in table "
            "crm.customers (did you mean 'country'?)");
}

TEST_F(ValidateTest, UnreadableFilesReportTheEngineErrorAtTheTable) {
  fs::create_directories(dir_ / "lake" / "bad");
  std::ofstream(dir_ / "lake" / "bad" / "x.parquet") << "this is not parquet";
  Diagnostics diags =
      Validate(Replace(kDesignProject, "'lake/orders/*.parquet'", "lake/bad/x.parquet"));
  ASSERT_EQ(diags.all().size(), 1u) << Dump(diags);
  EXPECT_EQ(diags.all()[0].pos.line, 16);
  EXPECT_EQ(diags.all()[0].pos.column, 12);
  EXPECT_NE(diags.all()[0].message.find("cannot read files 'lake/bad/x.parquet'"),
            std::string::npos);
}

TEST_F(ValidateTest, AllErrorsAreReportedAtOnce) {
  std::string text = Replace(kDesignProject, "timestamp: event_time", "timestamp: event_day");
  text = Replace(text, "sum(amount)", "sum(amont)");
  text = Replace(text, "granted_column: granted}", "granted_column: granted_flag}");
  Diagnostics diags = Validate(text);
  ASSERT_EQ(diags.all().size(), 3u) << Dump(diags);
}

TEST_F(ValidateTest, ValidationWritesNothing) {
  const Snapshot before = TakeSnapshot();
  ASSERT_TRUE(before.count("crm"));
  EXPECT_TRUE(Validate(kDesignProject).all().empty());
  Validate(Replace(kDesignProject, "table: crm.customers", "table: zcdp.customers"));
  EXPECT_EQ(TakeSnapshot(), before);
  EXPECT_EQ(before.count("zcdp"), 0u) << "validation must not create the output schema";
}

TEST_F(ValidateTest, SourceRelationQuotesTablesAndReadsFilesInPlace) {
  Diagnostics diags("zcdp.yaml");
  std::string text = Replace(kDesignProject, "table: web.events", "table: events");
  auto p = ParseProject(text, "zcdp.yaml", "/data/shop", diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  const Dialect& dialect = wh_->dialect();
  EXPECT_EQ(*SourceRelation(*p->FindSource("customers"), dialect), "\"crm\".\"customers\"");
  EXPECT_EQ(*SourceRelation(*p->FindSource("web_events"), dialect), "\"main\".\"events\"");
  EXPECT_EQ(*SourceRelation(*p->FindSource("orders"), dialect),
            "read_parquet('/data/shop/lake/orders/*.parquet')");
  EXPECT_EQ(DefaultSchema(dialect), "main");
  EXPECT_FALSE(SourceRelation(SourceConfig{}, dialect).ok());
}

}  // namespace
}  // namespace zcdp
