#pragma once

// Where customer data went: <output_schema>.copy_ledger, summarised. Read-only.

#include <memory>
#include <string>

#include "zcdp/app/project.h"
#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::app {

// Which payloads to summarise. Empty fields do not filter.
struct LedgerQuery {
  std::string destination;
  std::string since;  // a date, a timestamp (UTC), or a duration back from now ("7d")
};

// Per destination, type, purpose and set of fields: payloads, records, bytes, first and
// last time sent. `exists` is false (and `rows` empty) before any sync has run.
struct LedgerSummary {
  bool exists = false;
  std::unique_ptr<QueryStream> rows;
};

// Summarises the copy ledger. InvalidArgument when `since` is neither a date, a timestamp nor
// a duration.
Result<LedgerSummary> SummariseLedger(const OpenedProject& opened, const LedgerQuery& query);

}  // namespace zcdp::app
