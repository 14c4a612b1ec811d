#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp {

// How an identifier's raw value becomes the value that links records.
enum class NormalizeRule {
  kNone,       // used as is
  kTrim,       // surrounding whitespace removed
  kLower,      // trimmed and lower-cased
  kEmail,      // trimmed, lower-cased, and must look like local@domain.tld
  kPhoneE164,  // parsed with libphonenumber (default region for national numbers) to E.164
};

// Parses "none|trim|lower|email|phone_e164"; InvalidArgument otherwise.
Result<NormalizeRule> ParseNormalizeRule(std::string_view name);

// The shape of a valid email after trimming and lower-casing, shared with the SQL that
// normalises in the warehouse (RE2 and ECMAScript read it the same way).
inline constexpr const char* kEmailPattern = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

// Why a raw value links nothing.
enum class SkipReason { kNull, kEmpty, kTooLong, kInvalid, kBlocklisted };
std::string_view SkipReasonName(SkipReason reason);

// Normalisation rules of one identifier type. Immutable after construction; thread-safe
// for concurrent Normalize() calls.
class IdentifierNormalizer {
 public:
  // Values longer than this (in bytes, before normalisation) are skipped.
  static constexpr size_t kMaxValueBytes = 1024;

  // `validity` and `blocklist` are ECMAScript regular expressions; the blocklist is matched
  // against the normalised value with search semantics (anchor with ^ and $ as needed).
  // Fails with InvalidArgument naming the bad pattern or region.
  static Result<IdentifierNormalizer> Create(NormalizeRule rule, std::string default_region,
                                             std::optional<std::string> validity,
                                             const std::vector<std::string>& blocklist);

  // The linking value, or why the raw value links nothing. `raw` may be any bytes.
  std::variant<std::string, SkipReason> Normalize(std::optional<std::string_view> raw) const;

  NormalizeRule rule() const { return rule_; }

 private:
  IdentifierNormalizer() = default;
  std::optional<std::string> Apply(std::string_view trimmed) const;
  bool Blocklisted(const std::string& value) const;

  NormalizeRule rule_ = NormalizeRule::kNone;
  std::string default_region_;
  std::optional<std::regex> validity_;
  std::vector<std::regex> blocklist_;
};

// E.164 form of a phone number, or nullopt when libphonenumber rejects it.
std::optional<std::string> PhoneToE164(std::string_view raw, const std::string& default_region);

}  // namespace zcdp
