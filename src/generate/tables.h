#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "zcdp/warehouse/warehouse.h"

#include "generate/rows.h"

namespace zcdp::synth {

// "CREATE TABLE <schema>.<name> (<the columns of d>)", names quoted by `dialect`.
std::string CreateTableSql(const Dialect& dialect, const TableDef& d, std::string_view schema,
                           std::string_view name);

// A RowSink that bulk-appends into the generator's tables on one warehouse connection.
// Not thread-safe: one per connection.
class AppenderSink final : public RowSink {
 public:
  // Opens one appender per table: into schema.name of each TableDef, or with a
  // `staging_schema` into staging_schema.lake_name. REQUIRES: the tables exist on `wh`.
  static Result<std::unique_ptr<AppenderSink>> Open(Warehouse& wh,
                                                    std::string_view staging_schema = {});

  Status Add(const CustomerRow& row) override;
  Status Add(const ConsentRow& row) override;
  Status Add(const WebEventRow& row) override;
  Status Add(const OrderRow& row) override;
  Status Add(const EmailEventRow& row) override;
  // Flushes and closes every appender; the first error is returned.
  Status Close();

 private:
  AppenderSink() = default;
  Appender& appender(Table t) { return *appenders_[static_cast<int>(t)]; }

  std::array<std::unique_ptr<Appender>, kTableCount> appenders_;
};

}  // namespace zcdp::synth
