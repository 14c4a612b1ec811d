#include "zcdp/identity/normalize.h"

#include <gtest/gtest.h>

namespace zcdp {
namespace {

const std::vector<std::string> kBlocklist = {"^(test|noreply)@", "^[0-]*$", "^unknown$",
                                             "^anonymous$"};

IdentifierNormalizer Make(NormalizeRule rule, std::string region = "") {
  auto n = IdentifierNormalizer::Create(rule, std::move(region), std::nullopt, kBlocklist);
  EXPECT_TRUE(n.ok()) << n.status().message();
  return std::move(n).value();
}

std::string Norm(const IdentifierNormalizer& n, std::string_view raw) {
  auto r = n.Normalize(raw);
  if (const auto* v = std::get_if<std::string>(&r)) return *v;
  return "<" + std::string(SkipReasonName(std::get<SkipReason>(r))) + ">";
}

struct Case {
  NormalizeRule rule;
  std::string raw;
  std::string expected;
};

TEST(IdentifierNormalizer, TableOfCases) {
  const std::vector<Case> cases = {
      {NormalizeRule::kEmail, "  Jane.Doe@Example.COM ", "jane.doe@example.com"},
      {NormalizeRule::kEmail, "jane.doe@example.com", "jane.doe@example.com"},
      {NormalizeRule::kEmail, "not-an-email", "<invalid>"},
      {NormalizeRule::kEmail, "a@b", "<invalid>"},
      {NormalizeRule::kEmail, "a@@b.com", "<invalid>"},
      {NormalizeRule::kEmail, "Test@shop.example", "<blocklisted>"},
      {NormalizeRule::kEmail, "Unknown", "<blocklisted>"},
      {NormalizeRule::kEmail, "", "<empty>"},
      {NormalizeRule::kEmail, "   ", "<empty>"},
      {NormalizeRule::kEmail, std::string(2000, 'a') + "@x.com", "<too_long>"},
      {NormalizeRule::kPhoneE164, "06 12 34 56 78", "+33612345678"},
      {NormalizeRule::kPhoneE164, "+33 6 12 34 56 78", "+33612345678"},
      {NormalizeRule::kPhoneE164, "0033612345678", "+33612345678"},
      {NormalizeRule::kPhoneE164, "0000000000", "<blocklisted>"},
      {NormalizeRule::kPhoneE164, "12", "<invalid>"},
      {NormalizeRule::kPhoneE164, "call me", "<invalid>"},
      {NormalizeRule::kLower, " ABC ", "abc"},
      {NormalizeRule::kTrim, " ABC ", "ABC"},
      {NormalizeRule::kNone, " ABC ", " ABC "},
      {NormalizeRule::kNone, "anonymous", "<blocklisted>"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Norm(Make(c.rule, "FR"), c.raw), c.expected) << c.raw;
  }
}

TEST(IdentifierNormalizer, NullAndBinaryInputNeverCrash) {
  const auto n = Make(NormalizeRule::kPhoneE164, "FR");
  EXPECT_EQ(std::get<SkipReason>(n.Normalize(std::nullopt)), SkipReason::kNull);
  std::string junk;
  for (int i = 0; i < 256; ++i) junk += static_cast<char>(i);
  EXPECT_TRUE(std::holds_alternative<SkipReason>(n.Normalize(junk)));
  EXPECT_TRUE(std::holds_alternative<SkipReason>(Make(NormalizeRule::kEmail).Normalize(junk)));
}

TEST(IdentifierNormalizer, ValidityRegexAndBadConfiguration) {
  auto n = IdentifierNormalizer::Create(NormalizeRule::kTrim, "", "^usr_[0-9]+$", {});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(Norm(*n, " usr_12 "), "usr_12");
  EXPECT_EQ(Norm(*n, "admin"), "<invalid>");
  EXPECT_FALSE(IdentifierNormalizer::Create(NormalizeRule::kTrim, "", "([", {}).ok());
  EXPECT_FALSE(
      IdentifierNormalizer::Create(NormalizeRule::kPhoneE164, "XX", std::nullopt, {}).ok());
  EXPECT_FALSE(ParseNormalizeRule("e-mail").ok());
  EXPECT_EQ(*ParseNormalizeRule("phone_e164"), NormalizeRule::kPhoneE164);
}

}  // namespace
}  // namespace zcdp
