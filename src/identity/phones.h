#pragma once

#include <cstdint>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

#include "identity/id_types.h"
#include "identity/identity_sql.h"

namespace zcdp {

// Normalises the raw values of phone type `type` not yet in identity_phone_map through
// libphonenumber and appends them there (with NULL for a value that does not parse), so that
// the warehouse joins instead of re-parsing. Returns how many values were parsed.
// REQUIRES: identity_phone_map exists (IdentitySql::CreatePhoneMap()).
Result<int64_t> NormalizePhones(Warehouse& wh, const IdentitySql& q, const IdTypeSpec& type);

}  // namespace zcdp
