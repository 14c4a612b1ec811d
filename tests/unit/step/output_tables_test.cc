// The registry of the output schema: the DDL it generates is the DDL the stages wrote by
// hand before it existed, it marks the identifier, personal-data and profile-id columns,
// and it finds objects by name and pattern.
#include "zcdp/step/output_tables.h"

#include <set>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

using C = Dialect::ColumnDef;
constexpr SqlType kText = SqlType::kText;
constexpr SqlType kBigInt = SqlType::kBigInt;
constexpr SqlType kTs = SqlType::kTimestamp;

struct HandWritten {
  std::string name;
  std::vector<C> columns;
  std::vector<std::string> key;
};

// The column lists of run_record.cc, identity_sql.cc, stable_ids.cc, membership.cc and
// sync_sql.cc before the registry, copied as they were.
std::vector<HandWritten> BeforeTheRegistry() {
  return {
      {"runs",
       {C{"run_id", kBigInt, true}, C{"started_at", kTs, true}, C{"finished_at", kTs},
        C{"status", kText, true}, C{"zcdp_version", kText}, C{"project", kText},
        C{"steps", SqlType::kJson}, C{"note", kText}},
       {"run_id"}},
      {"run_steps",
       {C{"run_id", kBigInt, true}, C{"step", kText, true}, C{"position", kBigInt},
        C{"started_at", kTs}, C{"finished_at", kTs}, C{"status", kText},
        C{"counts", SqlType::kJson}, C{"error", kText}, C{"failures", SqlType::kJson}},
       {"run_id", "step"}},
      {"identity_observations",
       {C{"source", kText}, C{"row_key", kText}, C{"ts", kTs}, C{"id_type", kText},
        C{"raw_value", kText}},
       {}},
      {"identity_watermarks",
       {C{"source", kText, true}, C{"fingerprint", kText}, C{"watermark", kTs}},
       {"source"}},
      {"identity_phone_map",
       {{"raw_value", kText, true}, {"region", kText, true}, {"value", kText}},
       {"raw_value", "region"}},
      {"identity_graph",
       {C{"id_type", kText}, C{"id_value", kText}, C{"profile_id", kText}, C{"first_seen", kTs},
        C{"last_seen", kTs}, C{"source_count", kBigInt}},
       {}},
      {"profile_merges",
       {C{"run_id", kBigInt}, C{"absorbed_profile_id", kText}, C{"surviving_profile_id", kText},
        C{"reason", kText}},
       {}},
      {"identity_conflicts",
       {C{"run_id", kBigInt}, C{"a_type", kText}, C{"a_value", kText}, C{"b_type", kText},
        C{"b_value", kText}, C{"rule", kText}, C{"profile_id", kText}},
       {}},
      {"identity_dropped", {C{"a", kBigInt}, C{"b", kBigInt}, C{"rule", kText}}, {}},
      {"identity_guardrail_labels", {C{"node", kBigInt}, C{"component", kBigInt}}, {}},
      {"audience_membership", {C{"audience", kText}, C{"profile_id", kText}, C{"since", kTs}}, {}},
      {"audience_history",
       {C{"audience", kText}, C{"profile_id", kText}, C{"entered_at", kTs}, C{"exited_at", kTs}},
       {}},
      {"sync_state",
       {C{"destination", kText, true}, C{"record_key", kText, true}, C{"checksum", kText},
        C{"run_id", kBigInt, true}, C{"synced_at", kTs, true}},
       {}},
      {"activation_log",
       {C{"run_id", kBigInt, true}, C{"destination", kText, true}, C{"record_key", kText, true},
        C{"action", kText, true}, C{"status", kText, true}, C{"error", kText},
        C{"batch_key", kText}, C{"logged_at", kTs, true}},
       {}},
      {"copy_ledger",
       {C{"run_id", kBigInt, true}, C{"destination", kText, true},
        C{"destination_type", kText, true}, C{"purpose", kText, true}, C{"fields", kText, true},
        C{"rows", kBigInt, true}, C{"bytes", kBigInt, true}, C{"payload_sha256", kText},
        C{"batch_key", kText}, C{"sent_at", kTs, true}},
       {}},
      // Newer than the registry: written from it, listed so the coverage check stays exact.
      {"collect_staging",
       {C{"message_id", kText, true}, C{"type", kText, true}, C{"event", kText},
        C{"user_id", kText}, C{"anonymous_id", kText}, C{"timestamp", kTs, true},
        C{"received_at", kTs, true}, C{"sent_at", kTs}, C{"context", SqlType::kJson},
        C{"properties", SqlType::kJson}, C{"traits", SqlType::kJson}, C{"source", kText, true}},
       {}},
      {"collect_positions",
       {C{"spool", kText, true}, C{"segment", kBigInt, true}, C{"events", kBigInt, true},
        C{"committed_at", kTs, true}},
       {"spool"}},
  };
}

TEST(OutputTables, GeneratedDdlIsTheHandWrittenDdlOnEveryDialect) {
  for (const auto& dialect : DialectNames()) {
    auto d = MakeDialect(dialect);
    ASSERT_TRUE(d.ok());
    for (const HandWritten& t : BeforeTheRegistry()) {
      SCOPED_TRACE(dialect + ": " + t.name);
      EXPECT_EQ(CreateOutputTable(**d, "out", t.name),
                (*d)->CreateTableIfNotExists("out", t.name, t.columns, t.key));
    }
  }
}

TEST(OutputTables, EveryTableCreatedFromTheRegistryIsCovered) {
  std::set<std::string> covered;
  for (const HandWritten& t : BeforeTheRegistry()) covered.insert(t.name);
  std::set<std::string> created;
  for (const OutputTable& t : OutputTables()) {
    if (t.created_from_registry) created.insert(t.name);
  }
  EXPECT_EQ(created, covered);
}

const OutputColumn& Column(const std::string& table, const std::string& column) {
  const OutputTable* t = FindOutputTable(table);
  EXPECT_NE(t, nullptr) << table;
  for (const auto& c : t->columns) {
    if (c.name == column) return c;
  }
  ADD_FAILURE() << table << "." << column << " not in the registry";
  static const OutputColumn none{"", kText};
  return none;
}

TEST(OutputTables, MarksIdentifierPersonalDataAndProfileIdColumns) {
  for (const auto& [table, column] :
       std::vector<std::pair<std::string, std::string>>{{"identity_graph", "id_value"},
                                                        {"identity_observations", "raw_value"},
                                                        {"identity_values", "raw_value"},
                                                        {"identity_values", "value"},
                                                        {"identity_phone_map", "raw_value"},
                                                        {"identity_phone_map", "value"},
                                                        {"identity_nodes", "id_value"},
                                                        {"identity_quarantine", "id_value"},
                                                        {"identity_conflicts", "a_value"},
                                                        {"identity_conflicts", "b_value"}}) {
    SCOPED_TRACE(table + "." + column);
    EXPECT_TRUE(Column(table, column).identifier);
    EXPECT_TRUE(Column(table, column).pii);
  }
  for (const auto& [table, column] :
       std::vector<std::pair<std::string, std::string>>{{"identity_graph", "profile_id"},
                                                        {"profile_merges", "absorbed_profile_id"},
                                                        {"profile_merges", "surviving_profile_id"},
                                                        {"identity_record_profiles", "profile_id"},
                                                        {"audience_membership", "profile_id"},
                                                        {"audience_history", "profile_id"},
                                                        {"sync_state", "record_key"},
                                                        {"activation_log", "record_key"},
                                                        {"profiles", "profile_id"}}) {
    SCOPED_TRACE(table + "." + column);
    EXPECT_TRUE(Column(table, column).profile_id);
  }
  EXPECT_FALSE(Column("identity_graph", "id_type").pii);
  EXPECT_FALSE(Column("identity_graph", "profile_id").identifier);
}

TEST(OutputTables, EntriesAreConsistent) {
  std::set<std::string> names;
  for (const OutputTable& t : OutputTables()) {
    SCOPED_TRACE(t.name);
    EXPECT_TRUE(names.insert(t.name).second) << "listed twice";
    EXPECT_FALSE(t.stage.empty());
    bool personal = false;
    std::set<std::string> columns;
    for (const auto& c : t.columns) {
      columns.insert(c.name);
      personal = personal || c.pii || c.identifier || c.profile_id;
      if (c.identifier) {
        EXPECT_TRUE(c.pii) << c.name;
      }
    }
    if (personal) {
      EXPECT_TRUE(t.customer_values);
    }
    for (const auto& k : t.key) EXPECT_EQ(columns.count(k), 1u) << k;
    if (t.created_from_registry) {
      EXPECT_TRUE(t.fixed_columns);
      EXPECT_FALSE(t.columns.empty());
      EXPECT_NE(t.kind, OutputKind::kView);
    }
  }
}

TEST(OutputTables, FindsExactNamesBeforePatterns) {
  ASSERT_NE(FindOutputTable("identity_graph"), nullptr);
  EXPECT_EQ(FindOutputTable("identity_graph")->name, "identity_graph");
  ASSERT_NE(FindOutputTable("source_orders"), nullptr);
  EXPECT_EQ(FindOutputTable("source_orders")->name, "source_*");
  ASSERT_NE(FindOutputTable("identity_gr_label"), nullptr);
  EXPECT_EQ(FindOutputTable("identity_gr_label")->kind, OutputKind::kScratch);
  ASSERT_NE(FindOutputTable("sync_pending_export"), nullptr);
  EXPECT_EQ(FindOutputTable("sync_pending_export")->stage, "sync");
  EXPECT_EQ(FindOutputTable("source_"), nullptr);
  EXPECT_EQ(FindOutputTable("customers"), nullptr);     // not zcdp's
  EXPECT_EQ(FindOutputTable("partner_view"), nullptr);  // shares live elsewhere
}

TEST(OutputTables, OutputTableExistsReadsTheOutputSchema) {
  auto wh = OpenWarehouse({});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  Project project;
  project.warehouse.output_schema = "zcdp";
  ASSERT_TRUE((*wh)
                  ->Execute("CREATE SCHEMA zcdp; CREATE SCHEMA other; "
                            "CREATE TABLE zcdp.runs (x INT); CREATE VIEW zcdp.profiles AS "
                            "SELECT 1 AS profile_id; CREATE TABLE other.copy_ledger (x INT)")
                  .ok());
  EXPECT_TRUE(*OutputTableExists(project, **wh, "runs"));
  EXPECT_TRUE(*OutputTableExists(project, **wh, "profiles"));
  EXPECT_FALSE(*OutputTableExists(project, **wh, "copy_ledger"));
  EXPECT_FALSE(*OutputTableExists(project, **wh, "run"));
  auto profiles = FindOutputObject(project, **wh, "profiles");
  ASSERT_TRUE(profiles.ok() && profiles->has_value());
  EXPECT_TRUE((*profiles)->is_view);
  auto runs = FindOutputObject(project, **wh, "runs");
  ASSERT_TRUE(runs.ok() && runs->has_value());
  EXPECT_FALSE((*runs)->is_view);
  project.warehouse.output_schema = "missing";
  EXPECT_FALSE(*OutputTableExists(project, **wh, "runs"));
}

}  // namespace
}  // namespace zcdp
