// A source's `collect:` block: what it resolves to, and one positioned error per mistake.
#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

using testing::Dump;

// Lines 8 and 9 hold the collecting source's own keys; text appended starts on line 15.
constexpr const char* kBase = R"(name: app
warehouse: {type: duckdb, path: wh.duckdb}
identity:
  id_types:
    user_id: {priority: 1}
sources:
  - name: app
    collect: {write_keys: ['${APP_WRITE_KEY}'], table: events.app_tracks}
    identifiers: {user_id: user_id}
  - name: orders
    table: shop.orders
    kind: events
    timestamp: ordered_at
    identifiers: {user_id: buyer}
)";

std::optional<Project> Parse(const std::string& yaml, Diagnostics& diags) {
  return ParseProject(yaml, "zcdp.yaml", "/p", diags);
}

TEST(CollectParse, ACollectingSourceReadsItsTableAsEvents) {
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(kBase, diags);
  ASSERT_TRUE(p && !diags.has_errors()) << Dump(diags);
  const SourceConfig& s = p->sources.at(0);
  ASSERT_TRUE(s.collect);
  ASSERT_EQ(s.collect->write_keys.size(), 1u);
  EXPECT_EQ(s.collect->write_keys[0].env_var, "APP_WRITE_KEY");
  EXPECT_EQ(s.collect->table_schema, "events");
  EXPECT_EQ(s.collect->table_name, "app_tracks");
  EXPECT_EQ(s.table.value, "events.app_tracks");
  EXPECT_EQ(s.table_schema, "events");
  EXPECT_EQ(s.table_name, "app_tracks");
  EXPECT_EQ(s.kind, SourceKind::kEvents);
  EXPECT_EQ(s.timestamp->value, "timestamp");
  EXPECT_EQ(s.event_name->value, "event");
  EXPECT_FALSE(p->sources.at(1).collect);
}

struct Case {
  std::string name;
  std::string from, to;  // replaced in kBase ("" appends `to`)
  int line, column;
  std::string phrase;
};

class CollectErrorTest : public ::testing::TestWithParam<Case> {};

TEST_P(CollectErrorTest, ReportsTheMistakeWhereItIs) {
  const Case& c = GetParam();
  std::string yaml = kBase;
  if (c.from.empty()) {
    yaml += c.to;
  } else {
    const size_t at = yaml.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    yaml.replace(at, c.from.size(), c.to);
  }
  Diagnostics diags("zcdp.yaml");
  Parse(yaml, diags);
  ASSERT_EQ(diags.all().size(), 1u) << Dump(diags);
  const auto& d = diags.all()[0];
  EXPECT_EQ(d.pos.line, c.line) << Dump(diags);
  EXPECT_EQ(d.pos.column, c.column) << Dump(diags);
  EXPECT_NE(d.message.find(c.phrase), std::string::npos) << Dump(diags);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CollectErrorTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"LiteralWriteKey", "'${APP_WRITE_KEY}'", "'abc123'", 8, 28,
         "write_keys[1]: write secrets as ${ENV_VAR} references"},
        {"NoWriteKeys", "write_keys: ['${APP_WRITE_KEY}'], ", "", 8, 14,
         "missing required key 'write_keys'"},
        {"EmptyWriteKeys", "['${APP_WRITE_KEY}']", "[]", 8, 27,
         "write_keys: expected at least one ${ENV_VAR} reference"},
        {"UnqualifiedTable", "table: events.app_tracks", "table: app_tracks", 8, 56,
         "table: expected 'schema.table'"},
        {"UnknownKey", "table: events.app_tracks}", "table: events.app_tracks, tabel: x}", 8, 75,
         "unknown key 'tabel'"},
        {"NotAMapping", "collect: {write_keys: ['${APP_WRITE_KEY}'], table: events.app_tracks}",
         "collect: yes", 8, 14, "expected a mapping with write_keys and table"},
        {"DifferentSourceTable", "    identifiers: {user_id: user_id}\n  - name: orders",
         "    identifiers: {user_id: user_id}\n    table: events.other\n  - name: orders", 10, 12,
         "differs from collect.table 'events.app_tracks'"},
        {"EntityKind", "    identifiers: {user_id: user_id}\n  - name: orders",
         "    identifiers: {user_id: user_id}\n    kind: entity\n  - name: orders", 10, 11,
         "a source with `collect:` holds events"},
        {"SharedWriteKey", "",
         "  - name: web\n    collect: {write_keys: ['${APP_WRITE_KEY}'], table: events.web}\n"
         "    identifiers: {user_id: user_id}\n",
         16, 28, "write key ${APP_WRITE_KEY} is already source 'app''s"},
        {"SharedTable", "",
         "  - name: web\n    collect: {write_keys: ['${WEB_KEY}'], table: events.app_tracks}\n"
         "    identifiers: {user_id: user_id}\n",
         16, 50, "is already collected by source 'app'"},
        {"OutputSchema", "table: events.app_tracks", "table: zcdp.app_tracks", 8, 56,
         "is in the output schema"},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace zcdp
