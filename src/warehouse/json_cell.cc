#include "zcdp/warehouse/json_cell.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

#include <nlohmann/json.hpp>

#include "zcdp/warehouse/value.h"

namespace zcdp {
namespace {

// True when `digits` ([-]digits) lies in the signed 64-bit range.
bool FitsInt64(std::string_view digits) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return ec == std::errc() && end == digits.data() + digits.size();
}

// The decimal `text` ([-]int[.frac]) without leading zeros of the integer part, trailing
// zeros of the fraction and a sign on zero: equal values give equal strings.
std::string Canonical(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative || (!text.empty() && text[0] == '+')) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  while (!whole.empty() && whole[0] == '0') whole.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  if (whole.empty() && frac.empty()) return "0";
  std::string out = negative ? "-" : "";
  out += whole.empty() ? "0" : std::string(whole);
  if (!frac.empty()) out += "." + std::string(frac);
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

void JsonCellWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_member_.empty()) {
    if (has_member_.back()) out_ += ',';
    has_member_.back() = true;
  }
}

void JsonCellWriter::Null() {
  BeforeValue();
  out_ += "null";
}

void JsonCellWriter::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
}

void JsonCellWriter::Int(int64_t v) {
  BeforeValue();
  out_ += std::to_string(v);
}

void JsonCellWriter::Integer(std::string_view digits) {
  if (!FitsInt64(digits)) return Text(digits);
  BeforeValue();
  out_ += digits;
}

void JsonCellWriter::Decimal(std::string_view text) {
  if (IEquals(text, "NaN")) return Text("NaN");
  if (IEquals(text, "Infinity") || IEquals(text, "+Infinity")) return Text("Infinity");
  if (IEquals(text, "-Infinity")) return Text("-Infinity");
  const std::string canonical = Canonical(text);
  if (canonical.find('.') == std::string::npos) return Integer(canonical);
  double d = 0;
  const auto [end, ec] = std::from_chars(canonical.data(), canonical.data() + canonical.size(), d);
  char buf[512];
  if (ec == std::errc() && std::isfinite(d)) {
    const auto printed = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::fixed);
    if (printed.ec == std::errc() &&
        Canonical(std::string_view(buf, printed.ptr - buf)) == canonical) {
      BeforeValue();
      out_ += canonical;
      return;
    }
  }
  Text(canonical);
}

void JsonCellWriter::Double(double v) {
  if (std::isnan(v)) return Text("NaN");
  if (std::isinf(v)) return Text(v > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  BeforeValue();
  out_.append(buf, end);
}

void JsonCellWriter::Real(float v) {
  if (std::isnan(v)) return Text("NaN");
  if (std::isinf(v)) return Text(v > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  BeforeValue();
  out_.append(buf, end);
}

void JsonCellWriter::Text(std::string_view utf8) {
  BeforeValue();
  out_ += nlohmann::json(std::string(utf8))
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonCellWriter::Blob(std::string_view bytes) { Text(Base64(bytes)); }

void JsonCellWriter::RawJson(std::string_view json) {
  BeforeValue();
  out_ += json;
}

void JsonCellWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  has_member_.push_back(false);
}

void JsonCellWriter::EndArray() {
  out_ += ']';
  has_member_.pop_back();
}

void JsonCellWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  has_member_.push_back(false);
}

void JsonCellWriter::Key(std::string_view name) {
  Text(name);
  out_ += ':';
  after_key_ = true;
}

void JsonCellWriter::EndObject() {
  out_ += '}';
  has_member_.pop_back();
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = static_cast<uint8_t>(bytes[i]) << 16 |
                       static_cast<uint8_t>(bytes[i + 1]) << 8 | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    const bool two = i + 1 < bytes.size();
    const uint32_t n =
        static_cast<uint8_t>(bytes[i]) << 16 | (two ? static_cast<uint8_t>(bytes[i + 1]) << 8 : 0);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += two ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string IsoTimestamp(int64_t micros, bool utc, int nanos) {
  std::string out = FormatTimestamp(micros);
  out[10] = 'T';
  if (nanos != 0) {
    // FormatTimestamp trims the fraction; rebuild it to nine digits, then trim again.
    const size_t dot = out.find('.', 11);
    std::string frac = dot == std::string::npos ? "000000" : out.substr(dot + 1);
    frac.append(6 - frac.size(), '0');
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%03d", nanos);
    frac += buf;
    while (frac.back() == '0') frac.pop_back();
    out = out.substr(0, dot == std::string::npos ? out.size() : dot) + "." + frac;
  }
  if (utc) out += 'Z';
  return out;
}

}  // namespace zcdp
