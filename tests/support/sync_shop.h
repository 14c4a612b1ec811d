#pragma once

// The small project the activation tests share: customers with emails, a consents table, two
// traits and the audience `gold` (tier = 'gold'). The `consent:` and `destinations:` blocks
// are each test's own.

namespace zcdp::testing {

inline constexpr char kSyncShopModel[] = R"yaml(sources:
  - name: customers
    table: crm.customers
    primary_key: customer_id
    identifiers: {crm_id: customer_id, email: email}
    attributes: [first_name, tier]
    pii: [email, first_name]
  - name: consents
    table: crm.consents
    primary_key: consent_id
    identifiers: {crm_id: customer_id}
    attributes: [purpose, granted, updated_at]
identity:
  id_types:
    crm_id: {priority: 1}
    email: {priority: 2, normalize: email}
traits:
  - {name: first_name, source: customers, pick: most_recent}
  - {name: tier, source: customers, pick: most_recent}
audiences:
  - {name: gold, where: "tier = 'gold'"}
)yaml";

}  // namespace zcdp::testing
