#include "activation/payload/json_value.h"

#include <cmath>
#include <type_traits>

namespace zcdp::activation {

nlohmann::json ValueToJson(const Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
        } else if constexpr (std::is_same_v<T, TimestampMicros>) {
          std::string text = FormatTimestamp(v.micros);  // "YYYY-MM-DD HH:MM:SS[.ffffff]"
          text[10] = 'T';
          return text + "Z";
        } else if constexpr (std::is_same_v<T, DateDays>) {
          return FormatDate(v.days);
        } else {
          return v;  // bool, int64_t, std::string
        }
      },
      value.storage());
}

}  // namespace zcdp::activation
