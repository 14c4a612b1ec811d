#include "activation/payload/json_writer.h"

#include <cmath>
#include <type_traits>

#include <nlohmann/json.hpp>
#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>

#include "activation/payload/json_value.h"

namespace zcdp::activation {
namespace {

struct Discard {
  using Ch = char;
  void Put(char /*c*/) {}
};

bool IsValidUtf8(std::string_view text) {
  rapidjson::MemoryStream in(text.data(), text.size());
  Discard out;
  while (in.Tell() < text.size()) {
    if (!rapidjson::UTF8<>::Validate(in, out)) return false;
  }
  return true;
}

}  // namespace

JsonWriter::JsonWriter() : w_(buffer_) {}

void JsonWriter::Key(std::string_view key) {
  if (IsValidUtf8(key)) {
    w_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    return;
  }
  String(key);  // the writer takes any string value as the key in an object
}

void JsonWriter::String(std::string_view text) {
  if (IsValidUtf8(text)) {
    w_.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  const std::string quoted = nlohmann::json(std::string(text))
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  w_.RawValue(quoted.data(), quoted.size(), rapidjson::kStringType);
}

void JsonWriter::Write(const Value& value) {
  std::visit(
      [this](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          w_.Null();
        } else if constexpr (std::is_same_v<T, bool>) {
          w_.Bool(v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          w_.Int64(v);
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isfinite(v)) {
            w_.Double(v);
          } else {
            w_.Null();
          }
        } else if constexpr (std::is_same_v<T, std::string>) {
          String(v);
        } else if constexpr (std::is_same_v<T, TimestampMicros>) {
          String(TimestampJsonText(v));
        } else {
          String(FormatDate(v.days));
        }
      },
      value.storage());
}

}  // namespace zcdp::activation
