#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zcdp/common/status.h"

namespace zcdp::synth {

// The generated tables, in the order their counts are reported.
enum class Table : uint8_t { kCustomers, kConsents, kWebEvents, kOrders, kEmailEvents };
constexpr int kTableCount = 5;

struct TableDef {
  Table table;
  std::string_view schema;  // in the DuckDB and PostgreSQL formats
  std::string_view name;
  std::string_view lake_name;  // the folder under lake/ in the Parquet format
  // The column list of CREATE TABLE, in types both DuckDB and PostgreSQL read alike
  // (VARCHAR, TIMESTAMP without time zone, BOOLEAN, DECIMAL(12,2)).
  std::string_view columns;
};
const std::array<TableDef, kTableCount>& Tables();
const TableDef& TableOf(Table t);
// "crm.customers", as reported in stats.json.
std::string QualifiedTableName(Table t);
// "CREATE SCHEMA IF NOT EXISTS ...; CREATE TABLE ..." for every table.
std::string CreateTablesSql();

// One row per table. Views point into the generator's buffers and die with the call.
struct CustomerRow {
  static constexpr Table kTable = Table::kCustomers;
  std::string_view customer_id;
  std::optional<std::string_view> user_id, email, phone;
  std::string_view first_name, last_name, city, country;
  int64_t created_at = 0, updated_at = 0;  // microseconds since the epoch
};
struct ConsentRow {
  static constexpr Table kTable = Table::kConsents;
  std::string_view customer_id;
  std::optional<std::string_view> email;
  std::string_view purpose;
  bool granted = false;
  int64_t updated_at = 0;
};
struct WebEventRow {
  static constexpr Table kTable = Table::kWebEvents;
  std::string_view event_id, anonymous_id;
  std::optional<std::string_view> user_id;
  std::string_view event;
  int64_t event_time = 0;
  std::string_view path, device;
};
struct OrderRow {
  static constexpr Table kTable = Table::kOrders;
  std::string_view order_id, customer_email;
  int64_t ordered_at = 0;
  int64_t amount_cents = 0;
  std::string_view currency, status;
};
struct EmailEventRow {
  static constexpr Table kTable = Table::kEmailEvents;
  std::string_view campaign_id, email, action;
  int64_t event_time = 0;
};

// Where generated rows go (a warehouse appender, a staging table). Not thread-safe.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status Add(const CustomerRow& row) = 0;
  virtual Status Add(const ConsentRow& row) = 0;
  virtual Status Add(const WebEventRow& row) = 0;
  virtual Status Add(const OrderRow& row) = 0;
  virtual Status Add(const EmailEventRow& row) = 0;
};

}  // namespace zcdp::synth
