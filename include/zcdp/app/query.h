#pragma once

// `zcdp query`: SQL of the user's own against the project's warehouse.

#include <memory>
#include <string>

#include "zcdp/app/project.h"
#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::app {

// What a statement returned: its rows, or nothing when it ran as a batch of statements that
// return no rows (DDL, DML; only with `write`).
struct QueryOutcome {
  std::unique_ptr<QueryStream> rows;  // null after a batch
};

// Runs `sql` on `opened`'s warehouse, which must be open for writing when `write`. A read-only
// refusal says to add --write.
Result<QueryOutcome> RunQuery(const OpenedProject& opened, const std::string& sql, bool write);

}  // namespace zcdp::app
