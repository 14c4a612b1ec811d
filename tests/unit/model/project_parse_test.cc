#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

using testing::Dump;
using testing::kDesignProject;
using testing::Replace;

constexpr const char* kDir = "/projects/shop";

std::optional<Project> Parse(const std::string& text, Diagnostics& diags) {
  return ParseProject(text, "zcdp.yaml", kDir, diags);
}

TEST(ProjectParseTest, DesignExampleParsesWithItsValues) {
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(kDesignProject, diags);
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(diags.all().empty()) << Dump(diags);
  EXPECT_EQ(p->name.value, "shop");
  EXPECT_EQ(p->dir, kDir);
  EXPECT_EQ(p->warehouse.type, "duckdb");
  EXPECT_EQ(p->warehouse.path, "/projects/shop/warehouse.duckdb");
  EXPECT_EQ(p->warehouse.output_schema, "zcdp");
  EXPECT_EQ(p->warehouse.path_pos.line, 2);
  EXPECT_EQ(p->warehouse.path_pos.column, 33);
  ASSERT_EQ(p->sources.size(), 5u);

  const SourceConfig& customers = p->sources[0];
  EXPECT_EQ(customers.name.value, "customers");
  EXPECT_EQ(customers.name.pos.line, 4);
  EXPECT_EQ(customers.name.pos.column, 11);
  EXPECT_FALSE(customers.is_file);
  EXPECT_EQ(customers.table_schema, "crm");
  EXPECT_EQ(customers.table_name, "customers");
  EXPECT_EQ(customers.kind, SourceKind::kEntity);
  ASSERT_EQ(customers.identifiers.size(), 3u);
  EXPECT_EQ(customers.identifiers[2].id_type.value, "crm_id");
  EXPECT_EQ(customers.identifiers[2].column.value, "customer_id");
  EXPECT_EQ(customers.identifiers[2].column.pos.line, 6);
  EXPECT_EQ(customers.identifiers[2].column.pos.column, 55);
  ASSERT_EQ(customers.attributes.size(), 4u);
  EXPECT_EQ(customers.attributes[3].value, "country");
  ASSERT_EQ(customers.pii.size(), 4u);
  EXPECT_FALSE(customers.timestamp.has_value());

  const SourceConfig& web = p->sources[1];
  EXPECT_EQ(web.kind, SourceKind::kEvents);
  ASSERT_TRUE(web.timestamp && web.event_name);
  EXPECT_EQ(web.timestamp->value, "event_time");
  EXPECT_EQ(web.event_name->value, "event");

  const SourceConfig& orders = *p->FindSource("orders");
  EXPECT_TRUE(orders.is_file);
  EXPECT_EQ(orders.file_glob, "/projects/shop/lake/orders/*.parquet");
  EXPECT_EQ(orders.table.value, "lake/orders/*.parquet");
  EXPECT_EQ(p->FindSource("nope"), nullptr);
}

TEST(ProjectParseTest, DesignExampleIdentityTraitsAndActivation) {
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(kDesignProject, diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  ASSERT_EQ(p->identity.id_types.size(), 5u);
  const IdTypeConfig* phone = p->FindIdType("phone");
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ(phone->priority, 3);
  EXPECT_EQ(phone->max_per_profile, 2);
  EXPECT_EQ(phone->normalize->value, "phone_e164");
  EXPECT_EQ(phone->default_region->value, "FR");
  EXPECT_EQ(phone->name.pos.line, 33);
  EXPECT_EQ(p->FindIdType("crm_id")->max_per_profile, std::nullopt);
  ASSERT_EQ(p->identity.blocklist.size(), 4u);
  EXPECT_EQ(p->identity.blocklist[0].value, "^(test|noreply)@");
  EXPECT_EQ(p->identity.strategy.value, "auto");

  ASSERT_EQ(p->traits.size(), 3u);
  EXPECT_EQ(p->traits[0].aggregate_function, AggregateFunction::kCount);
  EXPECT_EQ(p->traits[0].window->value, "180d");
  EXPECT_EQ(p->traits[1].aggregate_function, AggregateFunction::kSum);
  EXPECT_EQ(p->traits[1].input_column->value, "amount");
  EXPECT_EQ(p->traits[2].pick->value, "most_recent");
  EXPECT_EQ(p->traits[2].input_column->value, "first_name");

  ASSERT_EQ(p->audiences.size(), 1u);
  EXPECT_NE(p->audiences[0].where.value.find("count(orders within 180d) > 3"), std::string::npos);
  ASSERT_EQ(p->destinations.size(), 1u);
  const DestinationConfig& d = p->destinations[0];
  EXPECT_EQ(d.type.value, "webhook");
  EXPECT_EQ(d.url->value, "http://127.0.0.1:9000/hook");
  EXPECT_EQ(d.audience->value, "loyal_engaged");
  EXPECT_EQ(d.purpose->value, "email_marketing");
  ASSERT_EQ(d.fields.size(), 2u);
  EXPECT_EQ(d.mode.value, "diff");
  EXPECT_EQ(d.kind, DestinationType::kWebhook);
  EXPECT_EQ(d.sync_mode, SyncMode::kDiff);
  EXPECT_EQ(p->identity.strategy_kind, IdentityStrategy::kAuto);
  EXPECT_EQ(d.audience->pos.line, 48);
  ASSERT_TRUE(p->consent.has_value());
  EXPECT_EQ(p->consent->source.value, "consents");
  EXPECT_EQ(p->consent->granted_column.value, "granted");
}

// The project file's words resolve into enums at load time, each word to its own value, so
// stages never compare raw strings.
TEST(ProjectParseTest, WordsResolveIntoTypedConfig) {
  const std::string text = R"(name: t
warehouse: {type: duckdb, path: ':memory:'}
identity: {strategy: sql, id_types: {email: {priority: 1}}}
sources:
  - {name: o, table: s.o, kind: events, timestamp: ts, identifiers: {email: email}}
traits:
  - {name: a1, source: o, aggregate: count}
  - {name: a2, source: o, aggregate: sum(x)}
  - {name: a3, source: o, aggregate: avg(x)}
  - {name: a4, source: o, aggregate: min(x)}
  - {name: a5, source: o, aggregate: max(x)}
  - {name: a6, source: o, aggregate: first(x)}
  - {name: a7, source: o, aggregate: last(x)}
  - {name: a8, source: o, aggregate: count_distinct(x)}
  - {name: a9, source: o, aggregate: most_frequent(x)}
  - {name: p1, source: o, pick: most_recent, column: x}
audiences:
  - {name: b, where: "a1 > 1"}
destinations:
  - {name: w, type: webhook, url: 'http://127.0.0.1:1/x', audience: b, purpose: p, mode: full}
  - {name: f, type: file, path: out, format: csv, audience: b, purpose: p, mode: mirror}
  - {name: u, type: audience_upload, url: 'http://127.0.0.1:1/u', audience: b, purpose: p,
     fields: [email]}
  - {name: s, type: warehouse_share, schema: partner, audience: b, purpose: p}
consent: {source: o, purpose_column: p, granted_column: g}
)";
  Diagnostics diags("t.yaml");
  auto p = ParseProject(text, "t.yaml", "/t", diags);
  ASSERT_TRUE(p.has_value());
  ASSERT_FALSE(diags.has_errors()) << diags.ToString();
  EXPECT_EQ(p->identity.strategy_kind, IdentityStrategy::kSql);
  const std::vector<AggregateFunction> fns = {
      AggregateFunction::kCount,        AggregateFunction::kSum,
      AggregateFunction::kAvg,          AggregateFunction::kMin,
      AggregateFunction::kMax,          AggregateFunction::kFirst,
      AggregateFunction::kLast,         AggregateFunction::kCountDistinct,
      AggregateFunction::kMostFrequent, AggregateFunction::kNone};
  ASSERT_EQ(p->traits.size(), fns.size());
  for (size_t i = 0; i < fns.size(); ++i) {
    EXPECT_EQ(p->traits[i].aggregate_function, fns[i]) << p->traits[i].name.value;
    if (fns[i] != AggregateFunction::kNone) {
      EXPECT_EQ(AggregateFunctionNamed(AggregateFunctionName(fns[i])), fns[i]);
    }
  }
  ASSERT_EQ(p->destinations.size(), 4u);
  EXPECT_EQ(p->destinations[0].kind, DestinationType::kWebhook);
  EXPECT_EQ(p->destinations[0].sync_mode, SyncMode::kFull);
  EXPECT_EQ(p->destinations[1].kind, DestinationType::kFile);
  EXPECT_EQ(p->destinations[1].sync_mode, SyncMode::kMirror);
  EXPECT_EQ(p->destinations[2].kind, DestinationType::kAudienceUpload);
  EXPECT_EQ(p->destinations[2].sync_mode, SyncMode::kDiff);
  EXPECT_EQ(p->destinations[3].kind, DestinationType::kWarehouseShare);
  for (const auto& d : p->destinations) EXPECT_EQ(DestinationTypeName(d.kind), d.type.value);
}

// The example exactly as DESIGN.md prints it declares neither `crm_id` nor `consents`.
TEST(ProjectParseTest, DesignExampleVerbatimReportsItsTwoGaps) {
  std::string text = Replace(kDesignProject, "    crm_id:       {priority: 4}\n", "");
  text = Replace(
      text, "  - name: consents\n    table: crm.consents\n    identifiers: {email: email}\n", "");
  Diagnostics diags("zcdp.yaml");
  ASSERT_TRUE(Parse(text, diags));
  ASSERT_EQ(diags.all().size(), 2u) << Dump(diags);
  EXPECT_EQ(diags.all()[0].ToString(),
            "zcdp.yaml:6:47: error: source 'customers': identifiers: id type 'crm_id' is not "
            "declared in identity.id_types");
  EXPECT_EQ(diags.all()[1].ToString(),
            "zcdp.yaml:45:19: error: consent: source: unknown source 'consents'; declare the "
            "consent table under 'sources'");
}

TEST(ProjectParseTest, AllErrorsAreReportedAtOnce) {
  const std::string text = R"(name: shop
warehouse: {type: duckdb, path: wh.duckdb}
identity:
  id_types:
    email: {priority: 0}
sources:
  - name: orders
    tabel: shop.orders
    kind: events
    timestamp: ordered_at
    identifiers: {emial: customer_email}
)";
  Diagnostics diags("zcdp.yaml");
  ASSERT_TRUE(Parse(text, diags));
  EXPECT_EQ(diags.ToString(),
            "zcdp.yaml:5:23: error: id type 'email': priority: expected a positive integer (at "
            "most 2147483647), got '0'\n"
            "zcdp.yaml:7:5: error: source 'orders': missing required key 'table'\n"
            "zcdp.yaml:8:5: error: source 'orders': unknown key 'tabel' (did you mean "
            "'table'?)\n"
            "zcdp.yaml:11:19: error: source 'orders': identifiers: id type 'emial' is not "
            "declared in identity.id_types (did you mean 'email'?)\n");
}

TEST(ProjectParseTest, ThreeMistakesGiveThreeDiagnostics) {
  const std::string text = R"(name: shop
warehouse: {type: duckdb, path: wh.duckdb}
identity:
  id_types: {email: {normalize: mail}}
  strategy: fastest
sources:
  - name: orders
    table: shop.orders
    kind: entities
    identifiers: {email: customer_email}
)";
  Diagnostics diags("zcdp.yaml");
  ASSERT_TRUE(Parse(text, diags));
  ASSERT_EQ(diags.all().size(), 3u) << Dump(diags);
  EXPECT_EQ(diags.all()[0].pos.line, 4);
  EXPECT_EQ(diags.all()[1].pos.line, 5);
  EXPECT_EQ(diags.all()[2].pos.line, 9);
  EXPECT_TRUE(diags.has_errors());
}

TEST(ProjectParseTest, DiagnosticToStringUsesTheCompilerConvention) {
  Diagnostics diags("dir/zcdp.yaml");
  ASSERT_TRUE(Parse("name: shop\n", diags));
  ASSERT_FALSE(diags.all().empty());
  EXPECT_EQ(diags.all()[0].ToString(),
            "dir/zcdp.yaml:1:1: error: missing required key 'warehouse'");
}

TEST(ProjectParseTest, TooManyProblemsAreCapped) {
  std::string text = "name: shop\nwarehouse: {path: x}\nidentity: {id_types: {}}\nsources:\n";
  for (int i = 0; i < 3000; ++i) text += "  - 1\n";
  Diagnostics diags("zcdp.yaml");
  Parse(text, diags);
  ASSERT_EQ(diags.all().size(), Diagnostics::kMaxItems + 1);
  EXPECT_NE(diags.all().back().message.find("too many problems"), std::string::npos);
}

TEST(ProjectParseTest, LiteralSecretsAreRejectedWithoutEchoingThem) {
  const std::string text =
      Replace(kDesignProject, "output_schema: zcdp}", "output_schema: zcdp, password: hunter2}");
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(text, diags);
  ASSERT_TRUE(p);
  ASSERT_EQ(diags.all().size(), 1u) << Dump(diags);
  EXPECT_EQ(diags.all()[0].pos.line, 2);
  EXPECT_EQ(diags.all()[0].pos.column, 82);
  EXPECT_NE(diags.all()[0].message.find(
                "write secrets as ${ENV_VAR} references; zcdp never stores secret values"),
            std::string::npos);
  EXPECT_EQ(diags.ToString().find("hunter2"), std::string::npos);
  EXPECT_FALSE(p->warehouse.password.has_value());
}

TEST(ProjectParseTest, SecretReferencesKeepOnlyTheVariableName) {
  std::string text = Replace(kDesignProject, "output_schema: zcdp}",
                             "output_schema: zcdp, password: '${ZCDP_TEST_DB_PASSWORD}'}");
  text = Replace(text, "mode: diff}", "mode: diff, secret: \"${HOOK_SECRET_1}\"}");
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(text, diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  ASSERT_TRUE(p->warehouse.password.has_value());
  EXPECT_EQ(p->warehouse.password->env_var, "ZCDP_TEST_DB_PASSWORD");
  EXPECT_EQ(p->warehouse.password->pos.line, 2);
  ASSERT_TRUE(p->destinations[0].secret.has_value());
  EXPECT_EQ(p->destinations[0].secret->env_var, "HOOK_SECRET_1");

  unsetenv("ZCDP_TEST_DB_PASSWORD");
  Result<std::string> unset = ResolveSecret(*p->warehouse.password);
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unset.status().message().find("ZCDP_TEST_DB_PASSWORD"), std::string::npos);
  setenv("ZCDP_TEST_DB_PASSWORD", "s3cret", 1);
  Result<std::string> set = ResolveSecret(*p->warehouse.password);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, "s3cret");
  unsetenv("ZCDP_TEST_DB_PASSWORD");
  EXPECT_FALSE(ResolveSecret(SecretRef{}).ok());
}

TEST(ProjectParseTest, SecretReferencesMustNameAnUpperCaseVariable) {
  for (const char* bad : {"'${lower}'", "'$HOME'", "'${}'", "'${1ABC}'", "'x${ABC}'", "[a]"}) {
    const std::string text =
        Replace(kDesignProject, "mode: diff}", std::string("mode: diff, secret: ") + bad + "}");
    Diagnostics diags("zcdp.yaml");
    auto p = Parse(text, diags);
    ASSERT_EQ(diags.all().size(), 1u) << bad << "\n" << Dump(diags);
    EXPECT_EQ(diags.all()[0].pos.line, 48) << bad;
    EXPECT_NE(diags.all()[0].message.find("write secrets as ${ENV_VAR}"), std::string::npos);
  }
}

TEST(ProjectParseTest, TablesAndFilesResolveAgainstTheProjectDirectory) {
  std::string text = Replace(kDesignProject, "table: crm.customers", "table: customers");
  text = Replace(text, "'lake/orders/*.parquet'", "/data/orders.csv.gz");
  text = Replace(text, "path: warehouse.duckdb", "path: ../db/../wh.duckdb");
  text = Replace(text, "table: crm.consents", "table: ./exports/consents.jsonl");
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(text, diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  EXPECT_EQ(p->warehouse.path, "/projects/wh.duckdb");
  EXPECT_EQ(p->sources[0].table_schema, "");
  EXPECT_EQ(p->sources[0].table_name, "customers");
  EXPECT_TRUE(p->FindSource("orders")->is_file);
  EXPECT_EQ(p->FindSource("orders")->file_glob, "/data/orders.csv.gz");
  EXPECT_EQ(p->FindSource("consents")->file_glob, "/projects/shop/exports/consents.jsonl");
}

// Issue 15, item 10: a three-part name keeps its catalog; two parts and one have none.
TEST(ProjectParseTest, TableNamesHaveOneToThreeParts) {
  std::string text =
      Replace(kDesignProject, "table: crm.customers", "table: shop_db.crm.customers");
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(text, diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  const SourceConfig& s = *p->FindSource("customers");
  EXPECT_FALSE(s.is_file);
  EXPECT_EQ(s.table_catalog, "shop_db");
  EXPECT_EQ(s.table_schema, "crm");
  EXPECT_EQ(s.table_name, "customers");
  EXPECT_EQ(p->FindSource("consents")->table_catalog, "");
  EXPECT_EQ(p->FindSource("consents")->table_schema, "crm");
}

TEST(ProjectParseTest, InMemoryWarehouseStaysInMemory) {
  const std::string text = Replace(kDesignProject, "path: warehouse.duckdb", "path: ':memory:'");
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(text, diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  EXPECT_EQ(p->warehouse.path, ":memory:");
}

TEST(ProjectParseTest, InvalidYamlReturnsNulloptWithThePosition) {
  Diagnostics diags("zcdp.yaml");
  auto p = Parse("name: shop\nsources: [a, b\nidentity: {}\n", diags);
  EXPECT_FALSE(p.has_value());
  ASSERT_EQ(diags.all().size(), 1u) << Dump(diags);
  EXPECT_EQ(diags.all()[0].pos.line, 3);
  EXPECT_EQ(diags.all()[0].pos.column, 9);
  EXPECT_NE(diags.all()[0].message.find("invalid YAML"), std::string::npos);
}

constexpr const char* kTraitsBase = R"yaml(name: t
warehouse: {type: duckdb, path: w.duckdb}
sources:
  - {name: customers, table: crm.customers, identifiers: {email: email}}
  - {name: orders, table: shop.orders, kind: events, timestamp: ordered_at, identifiers: {email: email}}
identity: {id_types: {email: {priority: 1}}}
)yaml";

TEST(ProjectParseTest, PicksOverSeveralSourcesAndMaterialisedProfiles) {
  Diagnostics diags("zcdp.yaml");
  auto p = Parse(
      std::string(kTraitsBase) +
          "traits:\n"
          "  - {name: city, pick: source_priority, from: [customers.city, orders.ship_city]}\n"
          "  - {name: n, source: orders, aggregate: count}\n"
          "profiles: {materialize: true}\n",
      diags);
  ASSERT_TRUE(p && diags.all().empty()) << Dump(diags);
  ASSERT_EQ(p->traits[0].inputs.size(), 2u);
  EXPECT_EQ(p->traits[0].inputs[1].source.value, "orders");
  EXPECT_EQ(p->traits[0].inputs[1].column.value, "ship_city");
  EXPECT_TRUE(p->traits[1].inputs.empty());
  EXPECT_TRUE(p->profiles.materialize);
}

TEST(ProjectParseTest, MisusedFromAndProfilesAreReported) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"  - {name: c, pick: most_recent, from: [customers]}\n", "expected source.column"},
      {"  - {name: c, pick: most_recent, from: [nowhere.city]}\n", "unknown source 'nowhere'"},
      {"  - {name: c, source: orders, aggregate: count, from: [orders.x]}\n",
       "'from' lists the sources of a pick"},
      {"  - {name: c, pick: most_recent, from: [orders.x], where: \"x = 1\"}\n",
       "'from' cannot be combined with 'where'"},
      {"  - {name: c, source: customers, aggregate: first(city)}\n",
       "has no 'timestamp' column to order its rows by"},
  };
  for (const auto& [trait, expected] : cases) {
    Diagnostics diags("zcdp.yaml");
    Parse(std::string(kTraitsBase) + "traits:\n" + trait, diags);
    EXPECT_NE(Dump(diags).find(expected), std::string::npos) << trait << Dump(diags);
  }
  Diagnostics diags("zcdp.yaml");
  Parse(std::string(kTraitsBase) + "profiles: {materialize: maybe}\n", diags);
  EXPECT_NE(Dump(diags).find("materialize"), std::string::npos) << Dump(diags);
}

// Issue 15, item 10: a CSV file source's `read:` options, as written.
TEST(ProjectParseTest, CsvReadOptionsAreReadInOrder) {
  Diagnostics diags("zcdp.yaml");
  auto p = ParseProject(R"(name: shop
warehouse: {type: duckdb, path: wh.duckdb}
identity: {id_types: {email: {priority: 1}}}
sources:
  - name: orders
    table: lake/orders_*.csv
    identifiers: {email: mail}
    read:
      header: false
      delimiter: ';'
      quote: "'"
      escape: '\'
      null_text: NA
      skip: 2
      date_format: '%d/%m/%Y'
      timestamp_format: '%d/%m/%Y %H:%M'
      columns: {order_id: VARCHAR, mail: VARCHAR, amount: 'DECIMAL(10, 2)', at: TIMESTAMP}
  - name: plain
    table: lake/plain.csv
    identifiers: {email: mail}
)",
                        "zcdp.yaml", "/p", diags);
  ASSERT_TRUE(p.has_value());
  ASSERT_TRUE(diags.all().empty()) << testing::Dump(diags);
  const CsvReadOptions& o = p->sources.at(0).read;
  EXPECT_EQ(o.header, false);
  EXPECT_EQ(o.delimiter, ";");
  EXPECT_EQ(o.quote, "'");
  EXPECT_EQ(o.escape, "\\");
  EXPECT_EQ(o.null_text, "NA");
  EXPECT_EQ(o.skip, 2);
  EXPECT_EQ(o.date_format, "%d/%m/%Y");
  EXPECT_EQ(o.timestamp_format, "%d/%m/%Y %H:%M");
  const std::vector<std::pair<std::string, std::string>> columns = {{"order_id", "VARCHAR"},
                                                                    {"mail", "VARCHAR"},
                                                                    {"amount", "DECIMAL(10, 2)"},
                                                                    {"at", "TIMESTAMP"}};
  EXPECT_EQ(o.columns, columns);
  EXPECT_TRUE(p->sources.at(1).read.empty());
}

}  // namespace
}  // namespace zcdp
