// CRM records (crm.customers) and their consents (crm.consents).
#include <array>

#include "generate/emitter.h"

namespace zcdp::synth {
namespace {

constexpr std::string_view kPurposes[] = {"email_marketing", "ads", "analytics"};
constexpr double kGrantRate[] = {0.65, 0.45, 0.75};

// A misspelt name: two neighbouring letters swapped, or one dropped when they are equal.
void NameTypo(std::string_view name, Rng& rng, std::string& out) {
  out.assign(name);
  if (out.size() < 3) return;
  const size_t i = 1 + rng.Uniform(out.size() - 2);
  if (out[i] == out[i + 1]) {
    out.erase(i, 1);
  } else {
    std::swap(out[i], out[i + 1]);
  }
}

EmailStyle PickPrimaryStyle(Rng& rng) {
  static constexpr std::array<uint32_t, 4> kCumulative = {90, 95, 98, 100};
  static constexpr EmailStyle kStyles[] = {EmailStyle::kCanonical, EmailStyle::kCapitalized,
                                           EmailStyle::kPadded, EmailStyle::kUpper};
  return kStyles[rng.Pick(kCumulative)];
}

// Trimmed and lower-cased: how the email tool stores an address.
void MailAddressOf(std::string_view raw, std::string& out) {
  while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  out.clear();
  for (char c : raw) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
}

}  // namespace

Status PersonEmitter::EmitCrm(const Person& p) {
  mail_address_.clear();
  primary_email_.clear();
  account_email_.clear();
  account_email_misspelt_ = false;
  email_consent_ = false;
  primary_email_style_ = -1;
  crm_created_ = p.since;
  if (!p.is_crm) return Status::Ok();
  Rng rng(PersonSeed(world_.seed, p.id, kCrmStream));
  ZCDP_RETURN_IF_ERROR(EmitCrmRecord(p, 0, rng));
  if (!p.second_record) return Status::Ok();
  ++tally_.traps[kDuplicateCrmPersons];
  return EmitCrmRecord(p, 1, rng);
}

Status PersonEmitter::EmitCrmRecord(const Person& p, int record, Rng& rng) {
  CustomerRow row;
  CustomerId(world_, p, record, id_);
  ids_.Add(IdType::kCrmId, id_);
  row.customer_id = id_;
  // The record the account created carries its user_id. A duplicate made in a store does
  // not, but shares the email (in another case or whitespace) or the phone.
  if (record == 0 && p.has_account) {
    UserId(world_, p, user_id_);
    ids_.Add(IdType::kUserId, user_id_);
    row.user_id = user_id_;
  }
  PickCrmEmail(p, record, rng);
  if (!email_.empty()) row.email = email_;
  PickCrmPhone(p, record, rng);
  if (!phone_.empty()) row.phone = phone_;
  if (phone_.empty()) ++tally_.traps[kCrmWithoutPhone];
  row.first_name = p.first_name;
  row.last_name = p.last_name;
  if (rng.Bernoulli(record == 0 ? 0.01 : 0.25)) {
    NameTypo(p.last_name, rng, name_);
    row.last_name = name_;
    ++tally_.traps[kNameTypoRecords];
  }
  row.city = p.city.name;
  row.country = p.city.country;
  row.created_at = record == 0 ? TimeBetween(rng, p.since, p.since + 3 * kMicrosPerDay)
                               : TimeBetween(rng, crm_created_, world_.as_of);
  row.updated_at = TimeBetween(rng, row.created_at, world_.as_of);
  if (record == 0) crm_created_ = row.created_at;
  ZCDP_RETURN_IF_ERROR(Put(row));
  return EmitConsents(row, record, rng);
}

void PersonEmitter::PickCrmEmail(const Person& p, int record, Rng& rng) {
  if (record == 1) {  // the duplicate: the same address in another case or whitespace
    int style = 1 + static_cast<int>(rng.Uniform(4));
    if (style == primary_email_style_) style = style % 4 + 1;
    StyledEmail(p, static_cast<EmailStyle>(style), email_);
    ids_.Add(IdType::kEmail, email_);
    ++tally_.traps[kEmailStyleRecords];
    return;
  }
  const uint64_t r = rng.Uniform(1000);
  // Opening an account takes an address (maybe misspelt); a record typed in at the till may
  // hold a placeholder or nothing.
  if (r < 35 && !p.has_account) {
    PickTillEmail(r);
    return;
  }
  if (r >= 35 && r < 45) {
    TypoEmail(p, rng, email_);
    account_email_misspelt_ = p.has_account;
    ++tally_.traps[kEmailTypoRecords];
  } else {
    const EmailStyle style = PickPrimaryStyle(rng);
    StyledEmail(p, style, email_);
    primary_email_style_ = static_cast<int>(style);
    primary_email_ = email_;
    if (style != EmailStyle::kCanonical) ++tally_.traps[kEmailStyleRecords];
  }
  ids_.Add(IdType::kEmail, email_);
  MailAddressOf(email_, mail_address_);
  if (p.has_account) account_email_ = email_;
}

void PersonEmitter::PickTillEmail(uint64_t r) {
  email_.clear();  // no email on file
  if (r < 10) {
    email_.assign(kUnknownEmail);
    UseShared(kUnknownEmailPersons);
  } else if (r < 15) {
    email_.assign(kTestEmail);
    UseShared(kTestEmailPersons);
  }
}

void PersonEmitter::PickCrmPhone(const Person& p, int record, Rng& rng) {
  phone_.clear();
  if (!p.has_phone) return;
  if (record == 1) {  // the duplicate has the phone in the other format, or none
    // When the first record's email cannot match the duplicate's, the phone always does.
    const bool email_links = primary_email_style_ >= 0;
    if (!rng.Bernoulli(0.8) && email_links) return;
    Phone(p, !primary_phone_international_, phone_);
  } else if (rng.Bernoulli(0.005)) {
    phone_.assign(kZeroPhone);
    UseShared(kZeroPhonePersons);
    primary_phone_international_ = true;
    return;
  } else {
    primary_phone_international_ = rng.Bernoulli(0.3);
    Phone(p, primary_phone_international_, phone_);
  }
  ids_.Add(IdType::kPhone, phone_);
}

Status PersonEmitter::EmitConsents(const CustomerRow& customer, int record, Rng& rng) {
  for (int i = 0; i < 3; ++i) {
    ConsentRow row;
    row.customer_id = customer.customer_id;
    row.email = customer.email;
    row.purpose = kPurposes[i];
    row.granted = rng.Bernoulli(kGrantRate[i]);
    row.updated_at = TimeBetween(rng, customer.created_at, world_.as_of);
    if (record == 0 && i == 0) email_consent_ = row.granted;
    ZCDP_RETURN_IF_ERROR(Put(row));
  }
  return Status::Ok();
}

}  // namespace zcdp::synth
