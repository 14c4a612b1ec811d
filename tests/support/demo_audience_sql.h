#pragma once

// Hand-written DuckDB SQL for the five audiences of the demo project (`zcdp demo`), written
// from the audience language's semantics the way an analyst would, not from the compiler's
// output. Used as an independent check of the compiler (tests/unit/audiences/
// handwritten_check_test.cc) and as the baseline it is timed against (bench/audiences).
//
// Each query reads the generated shop's tables (crm.customers, web.events, shop.orders,
// marketing.email_events) and maps rows to profiles through
// <schema>.identity_record_profiles(source, row_key, profile_id), where row_key is the
// source's primary key as text, or for email_events (no primary key) the hash identity gives
// it: hash(concat_ws('|', email, event_time)) >> 1, as a BIGINT, as text.
// Semantics written down: `within Nd` is ts >= now - N days; `between Ad and Bd ago` is
// ts >= now - A days and ts < now - B days; count and sum over no rows are 0; a comparison
// with NULL is false; the trait `country` is the most frequent non-NULL customers.country of
// the profile, ties going to the smallest value.

#include <string>
#include <string_view>
#include <vector>

namespace zcdp::testing {

struct HandwrittenAudience {
  std::string name;
  std::string sql;  // a SELECT of the member profile_ids (distinct)
};

// A default "now": the engine's current timestamp, without zone. The compiler counts from a
// literal as_of instead; pass Dialect::TimestampLiteral(as_of) to compare with it.
inline constexpr std::string_view kCurrentTimestampSql = "CAST(current_timestamp AS TIMESTAMP)";

namespace demo_sql {

// Replaces every "{key}" in `text` by `value`.
inline std::string Fill(std::string text, std::string_view key, std::string_view value) {
  const std::string pattern = "{" + std::string(key) + "}";
  for (size_t at = text.find(pattern); at != std::string::npos;
       at = text.find(pattern, at + value.size())) {
    text.replace(at, pattern.size(), value);
  }
  return text;
}

inline std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Orders with their profile; one row per order that identity placed in a profile.
inline constexpr std::string_view kOrderRows = R"sql(
  SELECT rp.profile_id, o.ordered_at, o.amount, o.status
  FROM shop.orders o
  JOIN {irp} rp ON rp.source = 'orders' AND rp.row_key = o.order_id)sql";

// More than 3 orders in 180 days and at least one email click in 30 days.
inline constexpr std::string_view kLoyalEngaged = R"sql(
WITH frequent_buyers AS (
  SELECT rp.profile_id
  FROM shop.orders o
  JOIN {irp} rp ON rp.source = 'orders' AND rp.row_key = o.order_id
  WHERE o.ordered_at >= {now} - INTERVAL 180 DAY
  GROUP BY rp.profile_id
  HAVING count(*) > 3
),
recent_clickers AS (
  SELECT DISTINCT rp.profile_id
  FROM marketing.email_events e
  JOIN {irp} rp
    ON rp.source = 'email_events'
   AND rp.row_key = CAST(CAST(hash(concat_ws('|', e.email, CAST(e.event_time AS VARCHAR))) >> 1
                              AS BIGINT) AS VARCHAR)
  WHERE e.action = 'click' AND e.event_time >= {now} - INTERVAL 30 DAY
)
SELECT f.profile_id FROM frequent_buyers f JOIN recent_clickers c ON c.profile_id = f.profile_id)sql";

// 500 or more on completed orders in 365 days.
inline constexpr std::string_view kBigSpenders = R"sql(
SELECT rp.profile_id
FROM shop.orders o
JOIN {irp} rp ON rp.source = 'orders' AND rp.row_key = o.order_id
WHERE o.status = 'completed' AND o.ordered_at >= {now} - INTERVAL 365 DAY
GROUP BY rp.profile_id
HAVING sum(o.amount) >= 500)sql";

// A checkout web event in 7 days and no order in 7 days.
inline constexpr std::string_view kCartAbandoners = R"sql(
WITH checkouts AS (
  SELECT DISTINCT rp.profile_id
  FROM web.events w
  JOIN {irp} rp ON rp.source = 'web_events' AND rp.row_key = w.event_id
  WHERE w.event = 'checkout' AND w.event_time >= {now} - INTERVAL 7 DAY
),
recent_buyers AS (
  SELECT DISTINCT rp.profile_id
  FROM shop.orders o
  JOIN {irp} rp ON rp.source = 'orders' AND rp.row_key = o.order_id
  WHERE o.ordered_at >= {now} - INTERVAL 7 DAY
)
SELECT c.profile_id FROM checkouts c
WHERE NOT EXISTS (SELECT 1 FROM recent_buyers b WHERE b.profile_id = c.profile_id))sql";

// An order 90 to 365 days ago and none in the last 90 days.
inline constexpr std::string_view kLapsed = R"sql(
WITH orders_by_profile AS ({order_rows})
SELECT profile_id FROM orders_by_profile
WHERE ordered_at >= {now} - INTERVAL 365 DAY AND ordered_at < {now} - INTERVAL 90 DAY
EXCEPT
SELECT profile_id FROM orders_by_profile
WHERE ordered_at >= {now} - INTERVAL 90 DAY)sql";

// Big spenders whose country (most frequent in the CRM) is known and is not France.
inline constexpr std::string_view kVipOutsideFrance = R"sql(
WITH big_spenders AS ({big_spenders}),
country_counts AS (
  SELECT rp.profile_id, c.country, count(*) AS n
  FROM crm.customers c
  JOIN {irp} rp ON rp.source = 'customers' AND rp.row_key = c.customer_id
  WHERE c.country IS NOT NULL
  GROUP BY rp.profile_id, c.country
),
country AS (
  SELECT profile_id, country FROM country_counts
  QUALIFY row_number() OVER (PARTITION BY profile_id ORDER BY n DESC, country) = 1
)
SELECT b.profile_id FROM big_spenders b JOIN country c ON c.profile_id = b.profile_id
WHERE c.country <> 'FR')sql";

}  // namespace demo_sql

// The demo audiences in the project file's order, each as hand-written SQL over the output
// schema `schema`. `now` is the SQL of the moment windows are measured back from (a
// TIMESTAMP): the current timestamp by default, or a fixed one to re-evaluate a past run.
inline std::vector<HandwrittenAudience> DemoAudienceSql(
    std::string_view schema, std::string_view now = kCurrentTimestampSql) {
  using namespace demo_sql;
  const std::string irp =
      QuoteIdentifier(schema) + "." + QuoteIdentifier("identity_record_profiles");
  const auto fill = [&](std::string_view text) {
    std::string sql = Fill(std::string(text), "order_rows", kOrderRows);
    sql = Fill(std::move(sql), "big_spenders", kBigSpenders);
    sql = Fill(std::move(sql), "irp", irp);
    return Fill(std::move(sql), "now", "(" + std::string(now) + ")");
  };
  return {
      {"loyal_engaged", fill(kLoyalEngaged)},          {"big_spenders", fill(kBigSpenders)},
      {"cart_abandoners", fill(kCartAbandoners)},      {"lapsed", fill(kLapsed)},
      {"vip_outside_france", fill(kVipOutsideFrance)},
  };
}

}  // namespace zcdp::testing
