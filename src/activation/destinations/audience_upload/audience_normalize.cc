// NormalizeIdentifier: the per-rule normalisation of hashed audience uploads, documented
// in audience_upload.h.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include <locale.h>
#include <wctype.h>

#include "zcdp/common/digest.h"
#include "zcdp/identity/normalize.h"

#include "activation/destinations/audience_upload/audience_upload.h"

namespace zcdp::activation {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

// glibc's C.UTF-8 holds Unicode's letter classes and case mappings. Null when missing:
// then only ASCII is lower-cased, and every non-ASCII character counts as a letter.
locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  return locale;
}

char32_t Lower(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  const locale_t locale = Utf8Locale();
  return locale == nullptr ? c : static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), locale));
}

bool IsLetter(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c >= 0x300 && c <= 0x36F) return true;  // combining accents belong to their letter
  const locale_t locale = Utf8Locale();
  return locale == nullptr || iswalpha_l(static_cast<wint_t>(c), locale) != 0;
}

// Decodes the UTF-8 sequence at the start of `s` into `c`; its length, or 0 when invalid.
size_t DecodeUtf8(std::string_view s, char32_t* c) {
  const auto byte = [&s](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  size_t length = lead < 0x80           ? 1
                  : (lead >> 5) == 0x6  ? 2
                  : (lead >> 4) == 0xE  ? 3
                  : (lead >> 3) == 0x1E ? 4
                                        : 0;
  if (length == 0 || length > s.size()) return 0;
  char32_t value = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMin[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *c = value;
  return length;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// `s` lower-cased, keeping only the characters `keep` accepts; nullopt when not UTF-8.
template <typename Keep>
std::optional<std::string> LowerUtf8(std::string_view s, Keep keep) {
  std::string out;
  while (!s.empty()) {
    char32_t c = 0;
    const size_t length = DecodeUtf8(s, &c);
    if (length == 0) return std::nullopt;
    if (keep(c)) AppendUtf8(Lower(c), &out);
    s.remove_prefix(length);
  }
  return out;
}

Status Malformed(std::string_view rule, std::string_view expected) {
  return Status::Invalid(std::string(rule) + " value " + std::string(expected));
}

Result<std::string> NormalizeEmail(std::string_view raw) {
  const auto lowered =
      LowerUtf8(raw, [](char32_t c) { return c >= 0x80 || !IsAsciiSpace(static_cast<char>(c)); });
  if (!lowered) return Malformed("email", "is not valid UTF-8");
  const std::string& email = *lowered;
  const size_t at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return Malformed("email", "should read local@domain");
  }
  std::string local = email.substr(0, at);
  const std::string domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.') {
    return Malformed("email", "should have a domain such as example.com after the @");
  }
  if (domain == "gmail.com" || domain == "googlemail.com") {
    local = local.substr(0, local.find('+'));
    local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
    if (local.empty()) return Malformed("email", "has nothing before the @ once normalised");
  }
  return local + "@" + domain;
}

Result<std::string> NormalizePhone(std::string_view raw) {
  const std::string_view trimmed = Trim(raw);
  std::string digits;
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if ((c == '+' && i == 0) || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
               c == '/') {
      continue;
    } else {
      return Malformed("phone", "may hold only digits, a leading +, spaces and - . ( ) /");
    }
  }
  if (digits.empty()) return Malformed("phone", "has no digits");
  // "00" is the international call prefix in most countries: "0033..." is "+33...".
  if (!trimmed.starts_with('+') && digits.starts_with("00")) digits.erase(0, 2);
  std::optional<std::string> e164 = PhoneToE164("+" + digits, "ZZ");
  if (!e164) return Malformed("phone", "is not a valid number with its country code (E.164)");
  return *std::move(e164);
}

Result<std::string> NormalizeName(std::string_view rule, std::string_view raw) {
  const auto name = LowerUtf8(raw, &IsLetter);
  if (!name) return Malformed(rule, "is not valid UTF-8");
  if (name->empty()) return Malformed(rule, "has no letters");
  return *name;
}

}  // namespace

bool IsIdentifierRule(std::string_view rule) {
  return rule == "email" || rule == "phone" || rule == "first_name" || rule == "last_name";
}

Result<std::string> NormalizeIdentifier(std::string_view rule, std::string_view value) {
  if (rule == "email") return NormalizeEmail(value);
  if (rule == "phone") return NormalizePhone(value);
  if (rule == "first_name" || rule == "last_name") return NormalizeName(rule, value);
  return Status::Invalid("unknown identifier rule '" + std::string(rule) +
                         "'; expected email, phone, first_name or last_name");
}

Result<std::string> HashedIdentifier(std::string_view rule, std::string_view value) {
  ZCDP_ASSIGN_OR_RETURN(const std::string normalized, NormalizeIdentifier(rule, value));
  return Sha256Hex(normalized);
}

}  // namespace zcdp::activation
