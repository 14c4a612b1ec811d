#include "generate/tables.h"

#include <optional>
#include <string>

#include "zcdp/sql/dialect.h"

namespace zcdp::synth {
namespace {

// Appends one row value by value; after the first error the rest is skipped and End()
// returns that error.
class RowWriter {
 public:
  explicit RowWriter(Appender& a) : a_(a) {}
  RowWriter& Text(std::string_view v) {
    return Do([&] { return a_.AppendText(v); });
  }
  RowWriter& Text(std::optional<std::string_view> v) {
    return Do([&] { return v ? a_.AppendText(*v) : a_.AppendNull(); });
  }
  RowWriter& Time(int64_t micros) {
    return Do([&] { return a_.AppendTimestamp(micros); });
  }
  RowWriter& Bool(bool v) {
    return Do([&] { return a_.AppendBool(v); });
  }
  // DECIMAL(12,2): the engine rounds the double to cents, which it represents exactly.
  RowWriter& Cents(int64_t cents) {
    return Do([&] { return a_.AppendDouble(static_cast<double>(cents) / 100.0); });
  }
  Status End() { return status_.ok() ? a_.EndRow() : status_; }

 private:
  template <typename F>
  RowWriter& Do(F&& append) {
    if (status_.ok()) status_ = append();
    return *this;
  }
  Appender& a_;
  Status status_;
};

constexpr std::array<TableDef, kTableCount> kTables = {{
    {Table::kCustomers, "crm", "customers", "customers",
     "customer_id VARCHAR, user_id VARCHAR, email VARCHAR, phone VARCHAR, first_name VARCHAR, "
     "last_name VARCHAR, city VARCHAR, country VARCHAR, created_at TIMESTAMP, "
     "updated_at TIMESTAMP"},
    {Table::kConsents, "crm", "consents", "consents",
     "customer_id VARCHAR, email VARCHAR, purpose VARCHAR, granted BOOLEAN, "
     "updated_at TIMESTAMP"},
    {Table::kWebEvents, "web", "events", "web_events",
     "event_id VARCHAR, anonymous_id VARCHAR, user_id VARCHAR, event VARCHAR, "
     "event_time TIMESTAMP, path VARCHAR, device VARCHAR"},
    {Table::kOrders, "shop", "orders", "orders",
     "order_id VARCHAR, customer_email VARCHAR, ordered_at TIMESTAMP, amount DECIMAL(12,2), "
     "currency VARCHAR, status VARCHAR"},
    {Table::kEmailEvents, "marketing", "email_events", "email_events",
     "campaign_id VARCHAR, email VARCHAR, action VARCHAR, event_time TIMESTAMP"},
}};

}  // namespace

const std::array<TableDef, kTableCount>& Tables() { return kTables; }

const TableDef& TableOf(Table t) { return kTables[static_cast<int>(t)]; }

std::string QualifiedTableName(Table t) {
  const TableDef& d = TableOf(t);
  return std::string(d.schema) + "." + std::string(d.name);
}

std::string CreateTablesSql() {
  std::string sql;
  for (const TableDef& d : kTables) {
    sql += "CREATE SCHEMA IF NOT EXISTS " + std::string(d.schema) + ";\n";
    sql += "CREATE TABLE " + QualifiedTableName(d.table) + " (" + std::string(d.columns) + ");\n";
  }
  return sql;
}

std::string CreateTableSql(const Dialect& dialect, const TableDef& d, std::string_view schema,
                           std::string_view name) {
  return "CREATE TABLE " + dialect.QualifiedName(schema, name) + " (" + std::string(d.columns) +
         ")";
}

Result<std::unique_ptr<AppenderSink>> AppenderSink::Open(Warehouse& wh,
                                                         std::string_view staging_schema) {
  std::unique_ptr<AppenderSink> sink(new AppenderSink());
  for (const TableDef& d : kTables) {
    const bool staged = !staging_schema.empty();
    ZCDP_ASSIGN_OR_RETURN(
        sink->appenders_[static_cast<int>(d.table)],
        wh.CreateAppender(staged ? staging_schema : d.schema, staged ? d.lake_name : d.name));
  }
  return sink;
}

Status AppenderSink::Add(const CustomerRow& r) {
  return RowWriter(appender(Table::kCustomers))
      .Text(r.customer_id)
      .Text(r.user_id)
      .Text(r.email)
      .Text(r.phone)
      .Text(r.first_name)
      .Text(r.last_name)
      .Text(r.city)
      .Text(r.country)
      .Time(r.created_at)
      .Time(r.updated_at)
      .End();
}

Status AppenderSink::Add(const ConsentRow& r) {
  return RowWriter(appender(Table::kConsents))
      .Text(r.customer_id)
      .Text(r.email)
      .Text(r.purpose)
      .Bool(r.granted)
      .Time(r.updated_at)
      .End();
}

Status AppenderSink::Add(const WebEventRow& r) {
  return RowWriter(appender(Table::kWebEvents))
      .Text(r.event_id)
      .Text(r.anonymous_id)
      .Text(r.user_id)
      .Text(r.event)
      .Time(r.event_time)
      .Text(r.path)
      .Text(r.device)
      .End();
}

Status AppenderSink::Add(const OrderRow& r) {
  return RowWriter(appender(Table::kOrders))
      .Text(r.order_id)
      .Text(r.customer_email)
      .Time(r.ordered_at)
      .Cents(r.amount_cents)
      .Text(r.currency)
      .Text(r.status)
      .End();
}

Status AppenderSink::Add(const EmailEventRow& r) {
  return RowWriter(appender(Table::kEmailEvents))
      .Text(r.campaign_id)
      .Text(r.email)
      .Text(r.action)
      .Time(r.event_time)
      .End();
}

Status AppenderSink::Close() {
  Status first;
  for (auto& a : appenders_) {
    if (a == nullptr) continue;
    Status s = a->Close();
    if (first.ok()) first = s;
  }
  return first;
}

}  // namespace zcdp::synth
