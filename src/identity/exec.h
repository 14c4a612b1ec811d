#pragma once

#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// Runs each statement in order, stopping at the first failure. Logs each one's duration at
// debug level (its first 90 characters, or all of it with ZCDP_LOG_FULL_SQL set).
Status ExecAll(Warehouse& wh, const std::vector<std::string>& statements);

}  // namespace zcdp
