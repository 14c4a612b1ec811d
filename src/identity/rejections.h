#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/id_types.h"
#include "identity/identity_sql.h"

namespace zcdp {

// How many observed values of one id type the type's rules rejected (invalid or too long).
struct TypeRejections {
  std::string id_type;
  int64_t observed = 0;
  int64_t rejected = 0;
};

// Per id type with observations, from identity_values (IdentitySql::RejectionCounts()).
Result<std::vector<TypeRejections>> ReadRejections(Warehouse& wh, const IdentitySql& q);

// One warning for each type of which more than half the observed values were rejected: it
// names the type, the counts and the setting to check (a phone's default_region, the type's
// regex, the columns mapped to it). Counts and setting names only, never values.
std::vector<std::string> RejectionWarnings(const std::vector<TypeRejections>& counts,
                                           const std::vector<IdTypeSpec>& types);

}  // namespace zcdp
