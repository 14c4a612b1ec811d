#pragma once

// Writes JSON text straight into a buffer with RapidJSON's SAX writer: no document is built
// first, which makes a 1,000-record webhook body several times cheaper than through
// nlohmann::json. Internal to src/activation.

#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "zcdp/warehouse/value.h"

namespace zcdp::activation {

// REQUIRES: calls that form one JSON value (keys only inside objects, each object and array
// ended). Not thread-safe.
class JsonWriter {
 public:
  JsonWriter();
  void StartObject() { w_.StartObject(); }
  void EndObject() { w_.EndObject(); }
  void StartArray() { w_.StartArray(); }
  void EndArray() { w_.EndArray(); }
  // Text; invalid UTF-8 becomes U+FFFD, as nlohmann::json's replace handler does.
  void Key(std::string_view key);
  void String(std::string_view text);
  // As ValueToJson writes it: null, boolean, number (non-finite doubles as null), text; a
  // timestamp as "YYYY-MM-DDTHH:MM:SS.ffffffZ" and a date as "YYYY-MM-DD".
  void Write(const Value& value);
  // The text written so far.
  std::string_view view() const { return {buffer_.GetString(), buffer_.GetSize()}; }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace zcdp::activation
