// The SQL compiled for every construct of the audience language and every kind of trait,
// rendered per dialect and compared with golden files.
#include <gtest/gtest.h>

#include "zcdp/audiences/compile.h"
#include "zcdp/expr/check.h"
#include "zcdp/traits/traits.h"

#include "support/golden.h"

namespace zcdp::audience {
namespace {

using namespace expr;  // NOLINT: the condition language these tests compile

constexpr const char* kProject = R"yaml(name: golden
warehouse: {type: duckdb, path: ':memory:', output_schema: out}
sources:
  - {name: customers, table: crm.customers, primary_key: customer_id, identifiers: {crm_id: customer_id, email: email}}
  - {name: orders, table: shop.orders, kind: events, primary_key: order_id, timestamp: ordered_at, identifiers: {email: email}}
  - {name: email_events, table: mkt.email_events, kind: events, timestamp: event_time, identifiers: {email: email}}
identity: {id_types: {crm_id: {priority: 1}, email: {priority: 2, normalize: email}}}
traits:
  - {name: n_orders, source: orders, aggregate: count, window: 180d, where: "status = 'paid'"}
  - {name: ltv, source: orders, aggregate: sum(amount)}
  - {name: last_status, source: orders, aggregate: last(status)}
  - {name: usual_status, source: orders, aggregate: most_frequent(status)}
  - {name: country, source: customers, pick: most_frequent}
  - {name: city, pick: source_priority, from: [customers.city, orders.city]}
  - {name: big, source: orders, sql: "count(*) FILTER (WHERE amount > 100)"}
  - {name: avg_check, sql: "ltv / nullif(n_orders, 0)"}
audiences:
  - {name: windows, where: "count(orders within 180d) > 3 and count(orders between 90d and 30d ago) = 0"}
  - {name: filters, where: "count(email_events where action = 'click' and not (campaign in ('a', 'b')) within 30d) >= 1"}
  - {name: sums, where: "sum(orders.amount within 365d) >= 500 or avg(orders.amount) between 10 and 20.5"}
  - {name: extremes, where: "min(orders.amount) < 5 and max(orders.ordered_at) >= 2026-01-01"}
  - {name: exists, where: "exists(orders where status is not null and status contains 'pa') and not exists(email_events)"}
  - {name: traits, where: "country = 'FR' and ltv > 100 and city is null and last_status != 'x'"}
  - {name: nested, where: "in_audience(traits) and not in_audience(windows)"}
  - {name: quoting, where: "country = '''; DROP TABLE crm.customers; --' or country in ('Ève', 'a\"b')"}
)yaml";

// The instant the golden SQL is compiled at: 2026-12-01 21:00:00 UTC.
constexpr int64_t kGoldenAsOf = 1'796'158'800'000'000;

Catalog GoldenCatalog(const Project& p) {
  using K = ColumnKind;
  auto cols = [](std::vector<std::pair<std::string, K>> list) {
    std::vector<ColumnInfo> out;
    for (auto& [n, k] : list) out.push_back({n, "", k});
    return out;
  };
  return MakeCatalog(p, {{"customers", cols({{"customer_id", K::kText},
                                             {"email", K::kText},
                                             {"country", K::kText},
                                             {"city", K::kText}})},
                         {"orders", cols({{"order_id", K::kText},
                                          {"email", K::kText},
                                          {"ordered_at", K::kTimestamp},
                                          {"amount", K::kDecimal},
                                          {"status", K::kText},
                                          {"city", K::kText}})},
                         {"email_events", cols({{"email", K::kText},
                                                {"action", K::kText},
                                                {"campaign", K::kText},
                                                {"event_time", K::kTimestamp}})}});
}

TEST(AudienceSqlGolden, EveryDialectMatchesItsGoldenFile) {
  Diagnostics diags("golden.yaml");
  auto project = ParseProject(kProject, "golden.yaml", "/golden", diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  const Catalog catalog = GoldenCatalog(*project);
  Diagnostics check("golden.yaml");
  const BoundProject bound = BindProject(*project, catalog, check);
  ASSERT_FALSE(check.has_errors()) << check.ToString();
  for (const auto& name : DialectNames()) {
    auto d = MakeDialect(name);
    ASSERT_TRUE(d.ok());
    std::string out;
    auto profiles = ProfilesSql(*project, **d, bound, kGoldenAsOf);
    ASSERT_TRUE(profiles.ok()) << profiles.status().message();
    out += "-- profiles\n" + *profiles + ";\n\n";
    const Compiler compiler(*project, **d, bound, kGoldenAsOf);
    for (const auto& a : project->audiences) {
      auto sql = compiler.AudienceSql(a.name.value);
      ASSERT_TRUE(sql.ok()) << a.name.value << ": " << sql.status().message();
      out += "-- audience " + a.name.value + "\n" + *sql + ";\n\n";
    }
    zcdp::testing::ExpectGolden(name + "/audiences.sql", out);
  }
}

}  // namespace
}  // namespace zcdp::audience
