#include "generate/person.h"

#include <array>
#include <cctype>
#include <string>

#include "generate/format.h"

namespace zcdp::synth {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
constexpr double kStoreCustomerBrowses = 0.02;  // CRM, no account: browses anonymously

// A bijection of [0, modulus) for modulus = 10^k (mult is odd and not a multiple of 5), so
// distinct persons get distinct numbers that still look random.
uint64_t Permute(uint64_t x, uint64_t mult, uint64_t salt, uint64_t seed, uint64_t modulus) {
  const uint64_t offset = Mix64(seed ^ (salt * kGolden)) % modulus;
  return (x % modulus * mult + offset) % modulus;
}

void AppendCased(std::string_view word, bool upper_first, bool upper_rest, std::string& out) {
  for (size_t i = 0; i < word.size(); ++i) {
    const bool upper = i == 0 ? upper_first : upper_rest;
    const unsigned char c = static_cast<unsigned char>(word[i]);
    out.push_back(static_cast<char>(upper ? std::toupper(c) : std::tolower(c)));
  }
}

// "first.last<n>@" with the given capitalisation of each part.
void AppendLocalPart(const Person& p, bool cap, bool upper, std::string& out) {
  AppendCased(p.first_name, cap || upper, upper, out);
  out.push_back('.');
  AppendCased(p.last_name, cap || upper, upper, out);
  out.append(std::to_string(p.email_number));  // no leading zeros, so unique per person
  out.push_back('@');
}

// Anonymous visitors (no account, no CRM record) buy less often than customers: a guest
// checkout is the exception, not the rule.
Buyer PickBuyer(bool anonymous, Rng& rng) {
  static constexpr std::array<uint32_t, 3> kCustomer = {40, 90, 100};
  static constexpr std::array<uint32_t, 3> kAnonymous = {82, 98, 100};
  return static_cast<Buyer>(rng.Pick(anonymous ? kAnonymous : kCustomer));
}

// A valid French mobile number from a unique x < 10^8: the first two of the 8 digits after
// 06/07 take one of 100 values that libphonenumber accepts (06 00-29 and 40-79, 07 30-59;
// 0639, 0690-0694 or 0701-0729 are not in service). So distinct persons keep distinct
// numbers, about 70% of them 06.
void SetMobile(uint64_t x, Person& p) {
  const uint64_t head = x / 1'000'000;
  const uint64_t tail = x % 1'000'000;
  uint64_t pair = 0;
  if (head < 70) {
    p.phone_prefix = '6';
    pair = head < 30 ? head : head + 10;
  } else {
    p.phone_prefix = '7';
    pair = head - 70 + 30;
  }
  p.phone_number = static_cast<uint32_t>(pair * 1'000'000 + tail);
}

std::string_view PickDomain(Rng& rng) {
  static constexpr std::array<uint32_t, 3> kCumulative = {60, 85, 100};
  static constexpr std::string_view kDomains[] = {"example.com", "example.net", "example.org"};
  return kDomains[rng.Pick(kCumulative)];
}

}  // namespace

World MakeWorld(uint64_t seed, int32_t as_of_days) {
  World w;
  w.seed = seed;
  w.as_of = static_cast<int64_t>(as_of_days) * kMicrosPerDay;
  w.window_start = w.as_of - kWindowDays * kMicrosPerDay;
  return w;
}

Person MakePerson(const World& world, int64_t id) {
  Rng rng(PersonSeed(world.seed, id, kPersonStream));
  Person p;
  p.id = id;
  p.first_name = FirstNames()[rng.Uniform(FirstNames().size())];
  p.last_name = LastNames()[rng.Uniform(LastNames().size())];
  p.city = Cities()[rng.Uniform(Cities().size())];
  p.email_number = static_cast<uint32_t>(Permute(id, 2654435761u, 1, world.seed, 100'000'000));
  p.domain = PickDomain(rng);
  SetMobile(Permute(id, 2246822519u, 2, world.seed, 100'000'000), p);
  p.has_phone = rng.Bernoulli(0.75);
  p.has_account = rng.Bernoulli(0.60);
  // Opening an account creates a customer record, so every account holder is in the CRM,
  // together with store customers who never opened one.
  p.is_crm = p.has_account || rng.Bernoulli(0.50);
  p.second_record = p.is_crm && rng.Bernoulli(0.08);
  // Store customers seldom browse the site without logging in. Anonymous visitors (no account,
  // no CRM record) always do, so that every person shows at least one identifier of their own
  // (orders alone may carry only a placeholder email).
  p.web_active = p.has_account || !p.is_crm || rng.Bernoulli(kStoreCustomerBrowses);
  p.kiosk = p.has_account && rng.Bernoulli(0.008);
  p.buyer = PickBuyer(!p.is_crm, rng);
  const int64_t span = world.as_of - world.window_start;
  p.since = TimeBetween(rng, world.window_start, world.window_start + span * 9 / 10);
  return p;
}

void CanonicalEmail(const Person& p, std::string& out) {
  StyledEmail(p, EmailStyle::kCanonical, out);
}

void StyledEmail(const Person& p, EmailStyle style, std::string& out) {
  out.clear();
  switch (style) {
    case EmailStyle::kCanonical:
    case EmailStyle::kTrailingSpace:
      AppendLocalPart(p, false, false, out);
      AppendCased(p.domain, false, false, out);
      if (style == EmailStyle::kTrailingSpace) out.push_back(' ');
      return;
    case EmailStyle::kCapitalized:
      AppendLocalPart(p, true, false, out);
      AppendCased(p.domain, true, false, out);
      return;
    case EmailStyle::kUpper:
      AppendLocalPart(p, true, true, out);
      AppendCased(p.domain, true, true, out);
      return;
    case EmailStyle::kPadded:  // " Jane.Doe12345@Example.COM "
      out.push_back(' ');
      AppendLocalPart(p, true, false, out);
      const size_t dot = p.domain.find('.');
      AppendCased(p.domain.substr(0, dot), true, false, out);
      AppendCased(p.domain.substr(dot), true, true, out);
      out.push_back(' ');
      return;
  }
}

void TypoEmail(const Person& p, Rng& rng, std::string& out) {
  out.clear();
  AppendLocalPart(p, false, false, out);
  out.append(TypoDomains()[rng.Uniform(TypoDomains().size())]);
}

void Phone(const Person& p, bool international, std::string& out) {
  out.assign(international ? "+33 " : "0");
  out.push_back(p.phone_prefix);
  uint32_t rest = p.phone_number;
  for (int pair = 3; pair >= 0; --pair) {
    out.push_back(' ');
    uint32_t div = 1;
    for (int i = 0; i < pair; ++i) div *= 100;
    AppendDigits(rest / div, 2, out);
    rest %= div;
  }
}

void CustomerId(const World& w, const Person& p, int record, std::string& out) {
  out.assign("C");
  const uint64_t x = 2 * static_cast<uint64_t>(p.id) + record;
  AppendDigits(Permute(x, 3266489917u, 3, w.seed, 1'000'000'000), 9, out);
}

void UserId(const World& w, const Person& p, std::string& out) {
  out.assign("usr_");
  AppendDigits(Permute(p.id, 668265263u, 4, w.seed, 1'000'000'000), 9, out);
}

void Cookie(const World& w, const Person& p, int index, std::string& out) {
  const uint64_t key = Mix64(w.seed ^ (5 * kGolden));
  const uint64_t hi = Mix64(((static_cast<uint64_t>(p.id) << 3) | index) ^ key);
  const uint64_t lo = Mix64(hi ^ key);
  out.clear();
  AppendHex(hi >> 32, 8, out);
  out.push_back('-');
  AppendHex((hi >> 16) & 0xffff, 4, out);
  out.push_back('-');
  AppendHex(hi & 0xffff, 4, out);
  out.push_back('-');
  AppendHex(lo >> 48, 4, out);
  out.push_back('-');
  AppendHex(lo & 0xffffffffffffULL, 12, out);
}

void EventId(const World& w, int64_t person, int index, std::string& out) {
  const uint64_t key = Mix64(w.seed ^ (6 * kGolden));
  out.assign("evt_");
  AppendHex(Mix64(((static_cast<uint64_t>(person) << 20) | index) ^ key), 16, out);
}

void OrderId(const World& w, int64_t person, int index, std::string& out) {
  const uint64_t key = Mix64(w.seed ^ (7 * kGolden));
  out.assign("ord_");
  AppendHex(Mix64(((static_cast<uint64_t>(person) << 16) | index) ^ key), 16, out);
}

}  // namespace zcdp::synth
