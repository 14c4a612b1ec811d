// DemoProjectYaml: the project file that describes the generated shop.
#include <string>
#include <string_view>

#include "zcdp/generate/generator.h"

#include "generate/rows.h"

namespace zcdp {
namespace {

// The `table:` of a source: a warehouse table, or the Parquet files of the lake (relative to
// the project directory, read in place).
std::string TableRef(const GeneratorOptions& o, synth::Table t) {
  const synth::TableDef& d = synth::TableOf(t);
  if (o.format == GeneratorFormat::kParquet) {
    return "'lake/" + std::string(d.lake_name) + "/*.parquet'";
  }
  return synth::QualifiedTableName(t);
}

// One source of the project: its table and the lines that follow `table:`.
struct SourceSpec {
  const char* name;
  synth::Table table;
  const char* comment;
  const char* body;
};

constexpr SourceSpec kSources[] = {
    {"customers", synth::Table::kCustomers, "CRM, one row per CRM record",
     "    kind: entity\n"
     "    primary_key: customer_id\n"
     "    identifiers: {email: email, phone: phone, crm_id: customer_id, user_id: user_id}\n"
     "    attributes: [first_name, last_name, city, country, created_at]\n"
     "    pii: [email, phone, first_name, last_name]\n"},
    {"web_events", synth::Table::kWebEvents, "anonymous cookies, a user_id after login",
     "    kind: events\n"
     "    primary_key: event_id\n"
     "    timestamp: event_time\n"
     "    event_name: event\n"
     "    identifiers: {anonymous_id: anonymous_id, user_id: user_id}\n"
     "    attributes: [path, device]\n"},
    {"orders", synth::Table::kOrders, "keyed by the email typed at checkout",
     "    kind: events\n"
     "    primary_key: order_id\n"
     "    timestamp: ordered_at\n"
     "    identifiers: {email: customer_email}\n"
     "    attributes: [amount, currency, status]\n"
     "    pii: [customer_email]\n"},
    {"email_events", synth::Table::kEmailEvents, "campaign engagement",
     "    kind: events\n"
     "    timestamp: event_time\n"
     "    event_name: action\n"
     "    identifiers: {email: email}\n"
     "    attributes: [campaign_id]\n"
     "    pii: [email]\n"},
    {"consents", synth::Table::kConsents, "one row per CRM record and purpose",
     "    kind: entity\n"
     "    identifiers: {crm_id: customer_id, email: email}\n"
     "    attributes: [purpose, granted, updated_at]\n"
     "    pii: [email]\n"},
};

std::string SourcesYaml(const GeneratorOptions& o) {
  std::string yaml = "sources:\n";
  for (const SourceSpec& s : kSources) {
    yaml += std::string("  - name: ") + s.name + "  # " + s.comment + "\n";
    yaml += "    table: " + TableRef(o, s.table) + "\n";
    yaml += s.body;
  }
  return yaml;
}

constexpr const char* kIdentityYaml =
    "identity:\n"
    "  id_types:\n"
    "    user_id:      {priority: 1, max_per_profile: 1}\n"
    "    crm_id:       {priority: 2}\n"
    "    email:        {priority: 3, normalize: email, max_per_profile: 3}\n"
    "    phone:        {priority: 4, normalize: phone_e164, default_region: FR, "
    "max_per_profile: 2}\n"
    "    anonymous_id: {priority: 9, max_per_profile: 100}\n"
    "  blocklist: ['^(test|noreply)@', '^[0-]*$', unknown, anonymous, '^test@test\\.com$']\n";

constexpr const char* kTraitsYaml =
    "traits:\n"
    "  - {name: orders_180d, source: orders, aggregate: count, window: 180d}\n"
    "  - {name: lifetime_value, source: orders, aggregate: sum(amount), where: \"status = "
    "'completed'\"}\n"
    "  - {name: last_order_at, source: orders, aggregate: max(ordered_at)}\n"
    "  - {name: first_name, source: customers, pick: most_recent}\n"
    "  - {name: country, source: customers, pick: most_frequent}\n"
    "  - {name: favourite_device, source: web_events, aggregate: most_frequent(device), "
    "window: 365d}\n"
    "audiences:\n"
    "  - name: loyal_engaged\n"
    "    description: More than 3 orders in 6 months and an email click in the last 30 days\n"
    "    where: >\n"
    "      count(orders within 180d) > 3\n"
    "      and count(email_events where action = 'click' within 30d) >= 1\n"
    "  - name: big_spenders\n"
    "    description: 500 or more spent on completed orders in the last year\n"
    "    where: sum(orders.amount where status = 'completed' within 365d) >= 500\n"
    "  - name: cart_abandoners\n"
    "    description: Reached checkout this week without ordering\n"
    "    where: exists(web_events where event = 'checkout' within 7d) and count(orders within "
    "7d) = 0\n"
    "  - name: lapsed\n"
    "    description: Ordered between 3 and 12 months ago, not since\n"
    "    where: count(orders between 365d and 90d ago) >= 1 and not exists(orders within 90d)\n"
    "  - name: vip_outside_france\n"
    "    description: Big spenders living outside France\n"
    "    where: in_audience(big_spenders) and country not in ('FR') and country is not null\n"
    "consent: {source: consents, purpose_column: purpose, granted_column: granted, "
    "timestamp_column: updated_at}\n"
    "destinations:\n"
    "  # Each run drops what changed among the big spenders who accepted email marketing:\n"
    "  # only these three fields leave, and every file is recorded in zcdp.copy_ledger.\n"
    "  - name: big_spenders_export\n"
    "    type: file\n"
    "    path: exports\n"
    "    format: csv\n"
    "    audience: big_spenders\n"
    "    purpose: email_marketing\n"
    "    fields: {first_name: first_name, country: country, lifetime_value: lifetime_value}\n"
    "    # first_name is PII: zcdp validate refuses to send it in clear unless it is listed\n"
    "    # here (or mapped hashed: first_name: {from: first_name, hash: sha256}).\n"
    "    clear_pii: [first_name]\n";

// A YAML double-quoted scalar: the text survives whatever characters it holds.
std::string YamlQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(c >> 4) & 0xf];
      out += kHex[c & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string WarehouseYaml(const GeneratorOptions& o) {
  if (o.format == GeneratorFormat::kPostgres) {
    return "warehouse: {type: postgres, dsn: " +
           YamlQuoted(o.project_dsn.empty() ? o.dsn : o.project_dsn) + ", output_schema: zcdp}\n";
  }
  return "warehouse: {type: duckdb, path: warehouse.duckdb, output_schema: zcdp}\n";
}

}  // namespace

std::string DemoProjectYaml(const GeneratorOptions& options) {
  std::string yaml = "# The synthetic shop written by `zcdp generate` (" +
                     std::to_string(options.profiles) + " profiles, seed " +
                     std::to_string(options.seed) +
                     ").\n"
                     "name: shop\n" +
                     WarehouseYaml(options);
  yaml += SourcesYaml(options);
  yaml += kIdentityYaml;
  yaml += kTraitsYaml;
  return yaml;
}

}  // namespace zcdp
