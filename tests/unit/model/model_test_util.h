#pragma once

#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

namespace zcdp::testing {

// The project of DESIGN.md ("Project file") with the three things it leaves out declared, so
// that it is valid: the `crm_id` id type, and the `email_events` and `consents` sources.
// Line numbers matter to the tests.
inline constexpr const char* kDesignProject = R"(name: shop
warehouse: {type: duckdb, path: warehouse.duckdb, output_schema: zcdp}
sources:
  - name: customers            # CRM table, one row per CRM record
    table: crm.customers
    identifiers: {email: email, phone: phone, crm_id: customer_id}
    attributes: [first_name, last_name, city, country]
    pii: [email, phone, first_name, last_name]
  - name: web_events
    table: web.events
    kind: events
    timestamp: event_time
    event_name: event
    identifiers: {anonymous_id: anonymous_id, user_id: user_id}
  - name: orders
    table: 'lake/orders/*.parquet'  # read in place
    kind: events
    timestamp: ordered_at
    identifiers: {email: customer_email}
  - name: email_events
    table: crm.email_events
    kind: events
    timestamp: sent_at
    event_name: action
    identifiers: {email: email}
  - name: consents
    table: crm.consents
    identifiers: {email: email}
identity:
  id_types:
    user_id:      {priority: 1, max_per_profile: 1}
    email:        {priority: 2, normalize: email, max_per_profile: 3}
    phone:        {priority: 3, normalize: phone_e164, default_region: FR, max_per_profile: 2}
    anonymous_id: {priority: 9, max_per_profile: 100}
    crm_id:       {priority: 4}
  blocklist: ['^(test|noreply)@', '^[0-]*$', unknown, anonymous]
traits:
  - {name: orders_180d, source: orders, aggregate: count, window: 180d}
  - {name: lifetime_value, source: orders, aggregate: sum(amount)}
  - {name: first_name, source: customers, pick: most_recent}
audiences:
  - name: loyal_engaged
    where: >
      count(orders within 180d) > 3
      and count(email_events where action = 'click' within 30d) >= 1
destinations:
  - {name: newsletter, type: webhook, url: 'http://127.0.0.1:9000/hook',
     audience: loyal_engaged, purpose: email_marketing, fields: [email, first_name], clear_pii: [email, first_name], mode: diff}
consent: {source: consents, purpose_column: purpose, granted_column: granted}
)";

// Replaces the first occurrence of `from` (which must occur) in `text`.
inline std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "test bug: '" << from << "' not in the project text";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// All diagnostics, one per line, for failure messages.
inline std::string Dump(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.all()) out += "  " + d.ToString() + "\n";
  return out.empty() ? "  (none)\n" : out;
}

}  // namespace zcdp::testing
