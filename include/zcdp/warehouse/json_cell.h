#pragma once

// Writes warehouse cells as exact JSON text. The engines decode their own values (nested ones
// included) and drive a JsonCellWriter; the writer holds the one set of rules for what each
// kind becomes, which docs/cli.md ("JSON values") documents:
//   - integers: a JSON number in the 64-bit signed range, else a string of the exact digits;
//   - decimals: a JSON number when a 64-bit integer or a double holds the value exactly (the
//     double's shortest text reads back as the same decimal), else a string of the digits;
//     both without trailing zeros ("12.5" for 12.50, "1234" for 1234.000); NaN and
//     infinities as the strings below;
//   - floats: the shortest text that reads back as the same float; "NaN", "Infinity" and
//     "-Infinity" as strings;
//   - binary: a string, standard base64 with padding;
//   - lists and arrays: JSON arrays; structs: objects; maps: arrays of {"key","value"}.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zcdp {

// Appends one JSON value (which may nest) to a string. Calls must form one well-nested value:
// inside an object, Key() precedes each member's value. Not thread-safe.
class JsonCellWriter {
 public:
  void Null();
  void Bool(bool v);
  void Int(int64_t v);
  // REQUIRES: `digits` is an optional '-' followed by decimal digits.
  void Integer(std::string_view digits);
  // REQUIRES: `text` is [-]digits[.digits], or NaN, Infinity, -Infinity (any case).
  void Decimal(std::string_view text);
  void Double(double v);
  void Real(float v);
  void Text(std::string_view utf8);  // invalid UTF-8 is replaced by U+FFFD
  void Blob(std::string_view bytes);
  // Embeds JSON text as it is. REQUIRES: `json` is one valid JSON value (PostgreSQL json).
  void RawJson(std::string_view json);
  void BeginArray();
  void EndArray();
  void BeginObject();
  void Key(std::string_view name);
  void EndObject();

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> has_member_;  // per open array or object
  bool after_key_ = false;
};

// Standard base64 (RFC 4648, with padding).
std::string Base64(std::string_view bytes);

// ISO-8601 text for JSON: "2026-11-01T12:34:56.789" (fraction trimmed), with "Z" when `utc`
// (a time-zone-aware type). `nanos` (0-999) are nanoseconds past `micros`.
std::string IsoTimestamp(int64_t micros, bool utc, int nanos = 0);

}  // namespace zcdp
