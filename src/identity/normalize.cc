#include "zcdp/identity/normalize.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <phonenumbers/phonenumberutil.h>

namespace zcdp {
namespace {

std::string_view Trim(std::string_view s) {
  // Spaces only, exactly like SQL's trim(), so that both paths give the same value.
  const auto is_space = [](char c) { return c == ' '; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool LooksLikeEmail(const std::string& s) {
  static const std::regex kEmail(kEmailPattern, std::regex::ECMAScript | std::regex::optimize);
  return std::regex_search(s, kEmail);
}

Result<std::regex> CompileRegex(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return Status::Invalid("invalid regular expression '" + pattern + "': " + e.what());
  }
}

}  // namespace

Result<NormalizeRule> ParseNormalizeRule(std::string_view name) {
  if (name == "none") return NormalizeRule::kNone;
  if (name == "trim") return NormalizeRule::kTrim;
  if (name == "lower") return NormalizeRule::kLower;
  if (name == "email") return NormalizeRule::kEmail;
  if (name == "phone_e164") return NormalizeRule::kPhoneE164;
  return Status::Invalid("unknown normalisation '" + std::string(name) +
                         "'; expected none, trim, lower, email or phone_e164");
}

std::string_view SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNull:
      return "null";
    case SkipReason::kEmpty:
      return "empty";
    case SkipReason::kTooLong:
      return "too_long";
    case SkipReason::kInvalid:
      return "invalid";
    case SkipReason::kBlocklisted:
      return "blocklisted";
  }
  return "invalid";
}

std::optional<std::string> PhoneToE164(std::string_view raw, const std::string& default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(std::string(raw), default_region, &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util->IsValidNumber(number)) {
    return std::nullopt;
  }
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

Result<IdentifierNormalizer> IdentifierNormalizer::Create(
    NormalizeRule rule, std::string default_region, std::optional<std::string> validity,
    const std::vector<std::string>& blocklist) {
  IdentifierNormalizer n;
  n.rule_ = rule;
  if (rule == NormalizeRule::kPhoneE164) {
    const auto& regions = [] {
      std::set<std::string> out;
      i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&out);
      return out;
    }();
    if (default_region.empty()) default_region = "ZZ";  // international numbers only
    if (default_region != "ZZ" && regions.count(default_region) == 0) {
      return Status::Invalid("unknown phone region '" + default_region +
                             "'; expected an ISO 3166 code such as FR or US");
    }
  }
  n.default_region_ = std::move(default_region);
  if (validity) {
    ZCDP_ASSIGN_OR_RETURN(std::regex re, CompileRegex(*validity));
    n.validity_ = std::move(re);
  }
  for (const auto& pattern : blocklist) {
    ZCDP_ASSIGN_OR_RETURN(std::regex re, CompileRegex(pattern));
    n.blocklist_.push_back(std::move(re));
  }
  return n;
}

std::optional<std::string> IdentifierNormalizer::Apply(std::string_view trimmed) const {
  switch (rule_) {
    case NormalizeRule::kNone:
      return std::nullopt;  // handled by the caller
    case NormalizeRule::kTrim:
      return std::string(trimmed);
    case NormalizeRule::kLower:
      return Lower(trimmed);
    case NormalizeRule::kEmail: {
      std::string v = Lower(trimmed);
      if (!LooksLikeEmail(v)) return std::nullopt;
      return v;
    }
    case NormalizeRule::kPhoneE164:
      return PhoneToE164(trimmed, default_region_);
  }
  return std::nullopt;
}

bool IdentifierNormalizer::Blocklisted(const std::string& value) const {
  return std::any_of(blocklist_.begin(), blocklist_.end(),
                     [&value](const std::regex& re) { return std::regex_search(value, re); });
}

std::variant<std::string, SkipReason> IdentifierNormalizer::Normalize(
    std::optional<std::string_view> raw) const {
  if (!raw) return SkipReason::kNull;
  if (raw->size() > kMaxValueBytes) return SkipReason::kTooLong;
  const std::string_view trimmed = Trim(*raw);
  if (trimmed.empty()) return SkipReason::kEmpty;
  // The blocklist sees the trimmed, lower-cased raw value first, so that placeholders such as
  // "Unknown" are reported as blocklisted rather than merely invalid.
  const std::string plain = Lower(trimmed);
  if (Blocklisted(plain)) return SkipReason::kBlocklisted;
  std::string value;
  if (rule_ == NormalizeRule::kNone) {
    value = std::string(*raw);
  } else {
    std::optional<std::string> applied = Apply(trimmed);
    if (!applied) return SkipReason::kInvalid;
    value = std::move(*applied);
  }
  if (validity_ && !std::regex_search(value, *validity_)) return SkipReason::kInvalid;
  if (value != plain && Blocklisted(value)) return SkipReason::kBlocklisted;
  return value;
}

}  // namespace zcdp
