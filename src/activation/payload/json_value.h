#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "zcdp/warehouse/value.h"

namespace zcdp::activation {

// A value as JSON: null, boolean, number (non-finite doubles become null), string; a
// timestamp as TimestampJsonText and a date as "YYYY-MM-DD".
nlohmann::json ValueToJson(const Value& value);

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC).
std::string TimestampJsonText(TimestampMicros t);

}  // namespace zcdp::activation
