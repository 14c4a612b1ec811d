// Orders (shop.orders): keyed by the email typed at checkout, including guest checkouts.
#include <algorithm>
#include <array>

#include "generate/emitter.h"

namespace zcdp::synth {
namespace {

int OrderCount(Buyer buyer, Rng& rng) {
  switch (buyer) {
    case Buyer::kNone:
      return 0;
    case Buyer::kRegular:
      return 1 + rng.Geometric(0.6, 60);
    case Buyer::kLoyal:
      return 4 + rng.Geometric(0.85, 400);
  }
  return 0;
}

std::string_view CurrencyOf(std::string_view country) {
  if (country == "CH") return "CHF";
  if (country == "CA") return "CAD";
  return "EUR";
}

std::string_view PickStatus(Rng& rng) {
  static constexpr std::array<uint32_t, 4> kCumulative = {86, 91, 96, 100};
  static constexpr std::string_view kStatuses[] = {"completed", "refunded", "cancelled", "pending"};
  return kStatuses[rng.Pick(kCumulative)];
}

// Per mille of an account holder's orders where the address is typed in, not autofilled.
constexpr uint64_t kRetypedAtCheckout = 400;

EmailStyle PickCheckoutStyle(Rng& rng) {
  static constexpr std::array<uint32_t, 5> kCumulative = {80, 90, 95, 99, 100};
  static constexpr EmailStyle kStyles[] = {EmailStyle::kCanonical, EmailStyle::kCapitalized,
                                           EmailStyle::kPadded, EmailStyle::kTrailingSpace,
                                           EmailStyle::kUpper};
  return kStyles[rng.Pick(kCumulative)];
}

}  // namespace

Status PersonEmitter::EmitOrders(const Person& p) {
  Rng rng(PersonSeed(world_.seed, p.id, kOrderStream));
  const int orders = OrderCount(p.buyer, rng);
  if (orders > 0 && !p.is_crm) ++tally_.traps[kGuestCheckoutPersons];
  // Loyal buyers order more recently: half of their orders fall in the last 180 days.
  const int64_t recent = std::max(p.since, world_.as_of - 180 * kMicrosPerDay);
  for (int i = 0; i < orders; ++i) {
    OrderId(world_, p.id, i, id_);
    PickOrderEmail(p, rng);
    OrderRow row;
    row.order_id = id_;
    row.customer_email = email_;
    const bool late = p.buyer == Buyer::kLoyal && rng.Bernoulli(0.5);
    row.ordered_at = TimeBetween(rng, late ? recent : p.since, world_.as_of);
    row.amount_cents = 990 + static_cast<int64_t>(rng.Uniform(15000));
    if (rng.Bernoulli(0.12)) row.amount_cents += static_cast<int64_t>(rng.Uniform(60000));
    row.currency = CurrencyOf(p.city.country);
    row.status = PickStatus(rng);
    ZCDP_RETURN_IF_ERROR(Put(row));
  }
  return Status::Ok();
}

void PersonEmitter::PickOrderEmail(const Person& p, Rng& rng) {
  const uint64_t r = rng.Uniform(1000);
  // Account holders check out logged in: the form is filled in with the account's address,
  // which they seldom retype (and never when the account's is misspelt: they would not
  // know better).
  const bool has_account_email = !account_email_.empty();
  if (has_account_email && (r >= kRetypedAtCheckout || account_email_misspelt_)) {
    email_ = account_email_;
    ids_.Add(IdType::kEmail, email_);
    return;
  }
  if (r < 4) {  // a till that records no address
    email_.assign(kUnknownEmail);
    UseShared(kUnknownEmailPersons);
    return;
  }
  if (r < 6) {
    email_.assign(kTestEmail);
    UseShared(kTestEmailPersons);
    return;
  }
  if (r < 9) {
    TypoEmail(p, rng, email_);
    ++tally_.traps[kEmailTypoRecords];
  } else if (r < 159 && !primary_email_.empty()) {  // autofilled from the customer account
    email_ = primary_email_;
  } else {
    StyledEmail(p, PickCheckoutStyle(rng), email_);
  }
  ids_.Add(IdType::kEmail, email_);
}

}  // namespace zcdp::synth
