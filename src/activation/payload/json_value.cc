#include "activation/payload/json_value.h"

#include <cmath>
#include <type_traits>

namespace zcdp::activation {

std::string TimestampJsonText(TimestampMicros t) {
  constexpr int64_t kMicros = 1'000'000;
  int64_t seconds = t.micros / kMicros;
  if (t.micros % kMicros < 0) --seconds;  // floor, for instants before 1970
  std::string fraction = std::to_string(t.micros - seconds * kMicros);
  fraction.insert(0, 6 - fraction.size(), '0');
  std::string text = FormatTimestamp(seconds * kMicros);  // "YYYY-MM-DD HH:MM:SS"
  text[10] = 'T';
  return text + "." + fraction + "Z";
}

nlohmann::json ValueToJson(const Value& value) {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
        } else if constexpr (std::is_same_v<T, TimestampMicros>) {
          return TimestampJsonText(v);
        } else if constexpr (std::is_same_v<T, DateDays>) {
          return FormatDate(v.days);
        } else {
          return v;  // bool, int64_t, std::string
        }
      },
      value.storage());
}

}  // namespace zcdp::activation
