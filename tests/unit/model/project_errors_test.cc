// One case per kind of mistake in a project file: each gives exactly the expected diagnostics,
// at the exact line and column, with a message that says what was expected.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

using testing::Dump;
using testing::Replace;

// A small valid project. Text appended to it starts on line 14, inside the `orders` source
// when indented by 4 and as a new source when it starts with "  - ".
constexpr const char* kBase = R"(name: shop
warehouse: {type: duckdb, path: wh.duckdb}
identity:
  id_types:
    email: {priority: 1}
    user_id: {priority: 2}
sources:
  - name: orders
    table: shop.orders
    kind: events
    timestamp: ordered_at
    identifiers: {email: customer_email}
    attributes: [amount]
)";

struct ErrorCase {
  std::string name;
  std::string yaml;
  int line;
  int column;
  std::string phrase;  // a key part of the message
  size_t count = 1;    // how many diagnostics the file gives in all
};

std::string With(const std::string& from, const std::string& to) {
  return Replace(kBase, from, to);
}
std::string Plus(const std::string& more) { return std::string(kBase) + more; }
// The base with `orders` read from CSV files, then `more`.
std::string CsvWith(const std::string& more) {
  return With("table: shop.orders", "table: lake/orders.csv") + more;
}

std::vector<ErrorCase> Cases() {
  const std::string long_name(64, 'a');
  return {
      // --- YAML and overall shape.
      {"MalformedYaml", With("kind: events", "kind: [events"), 11, 14, "invalid YAML: "},
      {"EmptyFile", "", 1, 1, "the project file is empty: expected a mapping"},
      {"TopLevelList", "- name: shop\n", 1, 1,
       "expected a mapping of top-level keys (name, warehouse, sources, identity, ...), got a "
       "list"},
      {"MissingTopLevelKey", Replace(kBase, "name: shop\n", ""), 1, 1,
       "missing required key 'name'"},
      {"DuplicateTopLevelKey", Plus("name: again\n"), 14, 1,
       "duplicate key 'name' (first at line 1)"},
      {"UnknownTopLevelKey", Plus("trait: []\n"), 14, 1,
       "unknown key 'trait' (did you mean "
       "'traits'?)"},
      {"SourcesNotAList", With("sources:\n  - name: orders", "sources:\n  orders:\n    name: o"), 8,
       3, "sources: expected a list of sources, got a mapping"},
      {"SourceNotAMapping", Plus("  - orders2\n"), 14, 5,
       "source #2: expected a mapping describing a source, got a string"},
      // --- Sources.
      {"MissingTable", With("    table: shop.orders\n", ""), 8, 5,
       "source 'orders': missing required key 'table'"},
      {"IdentifiersWrongShape", With("{email: customer_email}", "[customer_email]"), 12, 18,
       "source 'orders': identifiers: expected a mapping of id type to column, got a list"},
      {"IdentifierColumnMissing", With("{email: customer_email}", "{email: }"), 12, 19,
       "identifiers: email: expected a string, got nothing"},
      {"UnknownKeySuggestion", With("attributes:", "atributes:"), 13, 5,
       "source 'orders': unknown key 'atributes' (did you mean 'attributes'?)"},
      {"UnknownKeyListsAllowedKeys", Plus("    colour: red\n"), 14, 5,
       "unknown key 'colour'; expected one of: name, table, kind, identifiers"},
      {"DuplicateSource",
       Plus("  - name: orders\n    table: shop.orders2\n    identifiers: {email: e}\n"), 14, 11,
       "duplicate source name 'orders' (first defined at line 8)"},
      {"BadKind", With("kind: events", "kind: event"), 10, 11,
       "kind: expected one of entity, events, got 'event' (did you mean 'events'?)"},
      {"EventsWithoutTimestamp", With("    timestamp: ordered_at\n", ""), 8, 5,
       "source 'orders': missing required key 'timestamp' (an events source needs"},
      {"UndeclaredIdType", With("{email: customer_email}", "{mail: customer_email}"), 12, 19,
       "id type 'mail' is not declared in identity.id_types (did you mean 'email'?)"},
      {"PiiNotMapped", Plus("    pii: [customer_email, phone]\n"), 14, 27,
       "pii: column 'phone' is not mapped as an identifier or attribute of this source"},
      {"InvalidName", With("- name: orders", "- name: my-orders"), 8, 11,
       "name 'my-orders' is not a valid name: expected letters, digits and '_'"},
      {"NameTooLong", With("- name: orders", "- name: " + long_name), 8, 11, "is not a valid name"},
      // Issue 15, item 9: the project's own name follows the same rule as every other name.
      {"ProjectNameWithHyphen", With("name: shop", "name: my-shop"), 1, 7,
       "name 'my-shop' is not a valid name: expected letters, digits and '_'"},
      {"ProjectNameWithSpace", With("name: shop", "name: 'my shop'"), 1, 7,
       "name 'my shop' is not a valid name"},
      {"ProjectNameNotAscii", With("name: shop", "name: boutique\u00e9"), 1, 7,
       "is not a valid name"},
      {"ProjectNameStartsWithDigit", With("name: shop", "name: 1shop"), 1, 7,
       "name '1shop' is not a valid name"},
      {"MalformedTable", With("table: shop.orders", "table: a.b.c.d"), 9, 12,
       "table: expected 'schema.table', 'table', 'catalog.schema.table', or a file path"},
      {"TableWithAnEmptyPart", With("table: shop.orders", "table: a..c"), 9, 12, "got 'a..c'"},
      {"TableEndingInADot", With("table: shop.orders", "table: shop.orders."), 9, 12,
       "got 'shop.orders.'"},
      {"FileWithoutKnownExtension", With("table: shop.orders", "table: lake/orders/*"), 9, 12,
       "got 'lake/orders/*'"},
      {"AttributesNotAList", With("attributes: [amount]", "attributes: amount"), 13, 17,
       "attributes: expected a list of column names, got a string"},
      {"DuplicateKeyInSource", Plus("    kind: entity\n"), 14, 5,
       "source 'orders': duplicate key 'kind' (first at line 10)"},
      // --- CSV read options (issue 15, item 10).
      {"ReadOptionUnknown", CsvWith("    read: {delimeter: ';'}\n"), 14, 12,
       "unknown key 'delimeter' (did you mean 'delimiter'?)"},
      {"ReadHeaderNotABoolean", CsvWith("    read: {header: maybe}\n"), 14, 20,
       "header: expected one of true, false, got 'maybe'"},
      {"ReadQuoteOfTwoCharacters", CsvWith("    read: {quote: '\"\"'}\n"), 14, 19,
       "quote: expected one character, got '\"\"'"},
      {"ReadDelimiterTooLong", CsvWith("    read: {delimiter: ';;;;;'}\n"), 14, 23,
       "delimiter: expected a delimiter of 1 to 4 bytes"},
      {"ReadSkipNotANumber", CsvWith("    read: {skip: two}\n"), 14, 18, "skip: expected"},
      {"ReadColumnTypeNotAType", CsvWith("    read: {columns: {a: 'INT); DROP TABLE x; --'}}\n"),
       14, 25, "a: expected a SQL type such as VARCHAR"},
      {"ReadColumnsNotAMapping", CsvWith("    read: {columns: [a, b]}\n"), 14, 21,
       "expected a mapping of column name to SQL type"},
      {"ReadNotAMapping", CsvWith("    read: csv\n"), 14, 11,
       "read: expected a mapping of CSV read options, got a string"},
      {"ReadOnATable", Plus("    read: {header: false}\n"), 14, 5,
       "read: options apply to CSV files only"},
      {"ReadOnParquetFiles",
       With("table: shop.orders", "table: lake/orders.parquet") + "    read: {header: false}\n", 14,
       5,
       "read: options apply to CSV files only (a table: ending in .csv or .tsv), not to "
       "'lake/orders.parquet'"},
      // --- Warehouse.
      {"UnknownWarehouseType", With("type: duckdb", "type: duckbd"), 2, 19,
       "warehouse: type: expected one of duckdb, postgres, trino, got 'duckbd' (did you mean "
       "'duckdb'?)"},
      {"WarehouseWithoutPath", With(", path: wh.duckdb", ""), 2, 12,
       "warehouse: missing required key 'path'"},
      {"WarehouseNotAMapping", With("{type: duckdb, path: wh.duckdb}", "duckdb"), 2, 12,
       "warehouse: expected a mapping of warehouse settings, got a string"},
      {"BadOutputSchema", With("path: wh.duckdb}", "path: wh.duckdb, output_schema: 'my out'}"), 2,
       59, "output_schema: 'my out' is not a valid name"},
      {"LiteralPassword", With("path: wh.duckdb}", "path: wh.duckdb, password: pw}"), 2, 54,
       "warehouse: password: write secrets as ${ENV_VAR} references; zcdp never stores secret "
       "values"},
      // --- Identity.
      {"IdTypesWrongShape",
       With("  id_types:\n    email: {priority: 1}\n    user_id: "
            "{priority: 2}\n",
            "  id_types: [email, user_id]\n"),
       4, 13, "identity: id_types: expected a mapping of id type name to its settings, got a list",
       2},
      {"DuplicateIdType", With("user_id: {priority: 2}", "email: {priority: 2}"), 6, 5,
       "identity: id_types: duplicate key 'email' (first at line 5)"},
      {"InvalidIdTypeName", With("user_id: {priority: 2}", "user-id: {priority: 2}"), 6, 5,
       "id type 'user-id': not a valid id type name"},
      {"PriorityZero", With("{priority: 1}", "{priority: 0}"), 5, 23,
       "id type 'email': priority: expected a positive integer (at most 2147483647), got '0'"},
      {"PriorityNotANumber", With("{priority: 1}", "{priority: high}"), 5, 23,
       "priority: expected a positive integer (at most 2147483647), got 'high'"},
      {"MaxPerProfileNegative", With("{priority: 1}", "{priority: 1, max_per_profile: -3}"), 5, 43,
       "max_per_profile: expected a positive integer"},
      {"BadNormalize", With("{priority: 1}", "{normalize: emial}"), 5, 24,
       "normalize: expected one of email, phone_e164, lower, trim, none, got 'emial' (did you "
       "mean 'email'?)"},
      {"BadRegion", With("{priority: 1}", "{default_region: fra}"), 5, 29,
       "default_region: expected a two-letter ISO 3166 region code such as FR, got 'fra'"},
      {"BadIdTypeRegex", With("{priority: 1}", "{regex: '(a'}"), 5, 20,
       "id type 'email': regex: invalid regular expression '(a'"},
      {"HugeRegexRepetition", With("{priority: 1}", "{regex: '((a{999}){999}){999}'}"), 5, 20,
       "regex: regular expression is too complex"},
      {"BadBlocklistRegex", With("identity:\n", "identity:\n  blocklist: [ok, '[a-']\n"), 4, 19,
       "identity: blocklist: invalid regular expression '[a-'"},
      {"BadStrategy", With("identity:\n", "identity:\n  strategy: fast\n"), 4, 13,
       "strategy: expected one of native, sql, auto, got 'fast'"},
      {"IdentityWithoutIdTypes",
       With("  id_types:\n    email: {priority: 1}\n    user_id: "
            "{priority: 2}\n",
            "  strategy: sql\n"),
       4, 3, "identity: missing required key 'id_types'", 2},
      // --- Traits.
      {"TraitUnknownSource",
       Plus("traits:\n  - {name: n_orders, source: order, aggregate: "
            "count}\n"),
       15, 30, "trait 'n_orders': source: unknown source 'order' (did you mean 'orders'?)"},
      {"DuplicateTrait",
       Plus("traits:\n  - {name: n, source: orders, aggregate: count}\n"
            "  - {name: n, source: orders, aggregate: count}\n"),
       16, 12, "duplicate trait name 'n' (first defined at line 15)"},
      {"BadWindow",
       Plus("traits:\n  - {name: n, source: orders, aggregate: count, window: 6 "
            "months}\n"),
       15, 57,
       "trait 'n': window: expected a duration such as 30d, 12h, 6mo, 2w or 1y, got '6 "
       "months'"},
      {"WindowWithoutTimestamp",
       Replace(With("    kind: events\n    timestamp: ordered_at\n", ""), "[amount]\n",
               "[amount]\ntraits:\n  - {name: n, source: orders, aggregate: count, window: "
               "30d}\n"),
       13, 57, "window: source 'orders' has no 'timestamp' column"},
      {"UnknownAggregate",
       Plus("traits:\n  - {name: v, source: orders, aggregate: "
            "summ(amount)}\n"),
       15, 42, "aggregate: expected count, count(col), sum(col)"},
      {"AggregateNeedsColumn", Plus("traits:\n  - {name: v, source: orders, aggregate: sum}\n"), 15,
       42, "aggregate: sum needs a column: write sum(column) or add 'column'"},
      {"TraitWithTwoKinds",
       Plus("traits:\n  - {name: v, source: orders, aggregate: count, "
            "pick: most_recent}\n"),
       15, 49, "'pick' cannot be combined with 'aggregate'"},
      {"TraitWithoutKind", Plus("traits:\n  - {name: v, source: orders}\n"), 15, 5,
       "trait 'v': expected one of 'aggregate', 'pick' or 'sql'"},
      {"TraitWithoutName", Plus("traits:\n  - {source: orders, aggregate: count}\n"), 15, 5,
       "trait #1: missing required key 'name'"},
      // --- Audiences.
      {"AudienceWithoutWhere", Plus("audiences:\n  - name: a\n"), 15, 5,
       "audience 'a': missing required key 'where'"},
      {"DuplicateAudience", Plus("audiences:\n  - {name: a, where: x}\n  - {name: a, where: y}\n"),
       16, 12, "duplicate audience name 'a' (first defined at line 15)"},
      // --- Destinations.
      {"DestinationUnknownAudience",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: buyer,\n"
            "     purpose: ads, fields: [email]}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 59, "destination 'd': audience: unknown audience 'buyer' (did you mean 'buyers'?)"},
      {"DestinationUnknownField",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: buyers,\n"
            "     purpose: ads, fields: [emial]}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 29, "fields: 'emial' is neither a trait nor an id type (did you mean 'email'?)"},
      {"TraitNamedProfileId",
       Plus("traits:\n  - {name: profile_id, source: orders, aggregate: count}\n"), 15, 12,
       "trait 'profile_id': the name is zcdp's own column of profiles"},
      {"TraitNamedLikeZcdpColumns",
       Plus("traits:\n  - {name: zcdp_profile_id, source: orders, aggregate: count}\n"), 15, 12,
       "(profile_id and zcdp_* are reserved)"},
      {"TraitNamedAsAnIdType",
       Plus("traits:\n  - {name: email, source: orders, aggregate: max(customer_email)}\n"), 15, 12,
       "trait 'email': the name is also an id type"},
      {"FieldUnderZcdpsColumn",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: buyers,\n"
            "     purpose: ads, fields: {record_key: email}}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 29, "fields: 'record_key' is a column zcdp adds to every record"},
      {"ShareFieldClashesWithAHashedOne",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: warehouse_share, schema: partner, audience: "
            "buyers,\n"
            "     purpose: ads, fields: {email: email, email_sha256: user_id}}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 29, "fields: 'email' leaves hashed as 'email_sha256' when it is PII"},
      {"DestinationWithoutPurpose",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: buyers}\n"),
       17, 5, "destination 'd': missing required key 'purpose'"},
      {"WebhookWithoutUrl",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, audience: buyers, purpose: ads}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 5, "destination 'd': missing required key 'url'"},
      {"LiteralDestinationSecret",
       Plus("audiences:\n  - {name: buyers, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: buyers,\n"
            "     purpose: ads, secret: abc123}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 28, "destination 'd': secret: write secrets as ${ENV_VAR} references"},
      {"DuplicateDestination",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: file, path: out, audience: b, purpose: ads, "
            "format: csv}\n"
            "  - {name: d, type: file, path: out, audience: b, purpose: ads, format: csv}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 12, "duplicate destination name 'd' (first defined at line 17)"},
      {"BadMode",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: file, path: o, audience: b, purpose: p, mode: "
            "sync, format: csv}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 67, "mode: expected one of diff, mirror, full, got 'sync'"},
      {"DestinationWithoutConsentSource",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: file, path: o, format: csv, audience: b, "
            "purpose: ads}\n"),
       17, 71, "purpose 'ads': no profile may be sent without consent"},
      {"UploadOfANonIdentifierField",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: audience_upload, url: 'http://h/x', audience: b,\n"
            "     purpose: ads, fields: {ltv: email}}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 29, "an audience upload sends only hashed identifiers named email, phone"},
      {"FieldMappedTwice",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: b,\n"
            "     purpose: ads, fields: {x: email, x: first_name}}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       18, 39, "duplicate key 'x'"},
      {"ShareIntoTheOutputSchema",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: warehouse_share, schema: zcdp, audience: b, "
            "purpose: ads}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 46, "a share needs a schema of its own"},
      {"AudienceAndModel",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', audience: b, "
            "model: a.t, purpose: ads}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 69, "audience and model: give one of them"},
      {"NeitherAudienceNorModel",
       Plus("destinations:\n  - {name: d, type: webhook, url: 'http://h/x', purpose: ads}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       15, 5, "missing required key 'audience' (or 'model'"},
      {"ModelWithoutSchema",
       Plus("destinations:\n  - {name: d, type: webhook, url: 'http://h/x', model: scores, "
            "purpose: ads}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       15, 56, "model: expected a table or view as schema.name"},
      {"ShareOfAModel",
       Plus("destinations:\n  - {name: d, type: warehouse_share, schema: s, model: a.t, "
            "purpose: ads}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       15, 56, "zcdp cannot tell which columns of a model are PII"},
      // Each destination type validates its own block: another type's key is refused.
      {"FileDestinationWithAUrl",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: file, path: o, format: csv, url: 'http://h/x', "
            "audience: b, purpose: p}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 49,
       "'url' is not a key of a file destination (a file destination takes path, format, "
       "clear_pii)"},
      {"WebhookWithAFormat",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: webhook, url: 'http://h/x', format: csv, "
            "audience: b, purpose: p}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 49,
       "'format' is not a key of a webhook destination (a webhook destination takes url, secret, "
       "timeout, rate_limit, clear_pii)"},
      {"ShareWithATimeout",
       Plus("audiences:\n  - {name: b, where: x}\n"
            "destinations:\n  - {name: d, type: warehouse_share, schema: s, timeout: 5s, "
            "audience: b, purpose: p}\n"
            "consent: {source: orders, purpose_column: p, granted_column: g}\n"),
       17, 49, "'timeout' is not a key of a warehouse_share destination"},
      // --- Consent.
      {"ConsentUnknownSource",
       Plus("consent: {source: consent, purpose_column: p, granted_column: g}\n"), 14, 19,
       "consent: source: unknown source 'consent'"},
      {"ConsentMissingGrantedColumn", Plus("consent: {source: orders, purpose_column: p}\n"), 14,
       10, "consent: missing required key 'granted_column'"},
  };
}

class ProjectErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ProjectErrorTest, ReportsTheMistakeWhereItIs) {
  const ErrorCase& c = GetParam();
  Diagnostics diags("zcdp.yaml");
  ParseProject(c.yaml, "zcdp.yaml", "/p", diags);
  ASSERT_EQ(diags.all().size(), c.count) << Dump(diags);
  bool found = false;
  for (const auto& d : diags.all()) {
    found = found || (d.pos.line == c.line && d.pos.column == c.column &&
                      d.message.find(c.phrase) != std::string::npos);
  }
  EXPECT_TRUE(found) << "expected at " << c.line << ":" << c.column << ": " << c.phrase
                     << "\ngot:\n"
                     << Dump(diags);
  EXPECT_TRUE(diags.has_errors());
}

INSTANTIATE_TEST_SUITE_P(Cases, ProjectErrorTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ProjectErrorTest, BaseProjectIsValid) {
  Diagnostics diags("zcdp.yaml");
  auto p = ParseProject(kBase, "zcdp.yaml", "/p", diags);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(diags.all().empty()) << Dump(diags);
}

}  // namespace
}  // namespace zcdp
