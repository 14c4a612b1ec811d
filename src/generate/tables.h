#pragma once

#include <array>
#include <memory>

#include "zcdp/warehouse/warehouse.h"

#include "generate/rows.h"

namespace zcdp::synth {

// A RowSink that bulk-appends into the generator's tables on one warehouse connection.
// Not thread-safe: one per connection.
class AppenderSink final : public RowSink {
 public:
  // Opens one appender per table. REQUIRES: the tables exist on `wh` (CreateTablesSql()).
  static Result<std::unique_ptr<AppenderSink>> Open(Warehouse& wh);

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
