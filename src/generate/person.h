#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "generate/rng.h"
#include "generate/vocab.h"

namespace zcdp::synth {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
constexpr int64_t kWindowDays = 730;  // every timestamp falls in the 730 days before as_of

// Independent random streams per person, so each table can change on its own.
enum Stream : uint64_t { kPersonStream = 1, kCrmStream, kWebStream, kOrderStream, kMailStream };

// What every person shares: the seed and the time frame.
struct World {
  uint64_t seed = 0;
  int64_t as_of = 0;         // microseconds; exclusive upper bound of every timestamp
  int64_t window_start = 0;  // as_of - kWindowDays
};
World MakeWorld(uint64_t seed, int32_t as_of_days);

// How much a person buys: many never do, a few buy a lot.
enum class Buyer : uint8_t { kNone, kRegular, kLoyal };

// How an email address is written in one record.
enum class EmailStyle : uint8_t { kCanonical, kCapitalized, kUpper, kPadded, kTrailingSpace };

// One true person of the synthetic shop. Everything else about them is derived from this and
// their per-table random streams.
struct Person {
  int64_t id = 0;
  std::string_view first_name, last_name;
  City city;
  uint32_t email_number = 0;  // makes the address unique: first.last<number>@domain
  std::string_view domain;
  uint32_t phone_number = 0;  // the 8 digits after 06/07, unique per person, a valid number
  char phone_prefix = '6';
  bool has_phone = false;
  bool is_crm = false;         // every account holder, and some store customers
  bool second_record = false;  // a duplicate CRM record with another customer_id
  bool has_account = false;    // a web login (user_id)
  bool web_active = false;     // anonymous visitors (no account, no CRM record) always are
  bool kiosk = false;          // logs in once on the shop's shared kiosk
  Buyer buyer = Buyer::kNone;
  int64_t since = 0;  // first activity, microseconds
};

// The person with this id. Pure: the same world and id always give the same person.
Person MakePerson(const World& world, int64_t id);

// --- Identifiers, written into `out` (replacing its content). Unique per person. ----------
void CanonicalEmail(const Person& p, std::string& out);
void StyledEmail(const Person& p, EmailStyle style, std::string& out);
void TypoEmail(const Person& p, Rng& rng, std::string& out);
// "06 12 34 56 78" or "+33 6 12 34 56 78".
void Phone(const Person& p, bool international, std::string& out);
// "C#########", `record` 0 or 1.
void CustomerId(const World& w, const Person& p, int record, std::string& out);
void UserId(const World& w, const Person& p, std::string& out);
// A browser cookie, 8-4-4-4-12 hex digits. REQUIRES: index < 8.
void Cookie(const World& w, const Person& p, int index, std::string& out);
// Row keys: "evt_" / "ord_" + 16 hex digits. REQUIRES: index < 2^20 (events), 2^16 (orders).
void EventId(const World& w, int64_t person, int index, std::string& out);
void OrderId(const World& w, int64_t person, int index, std::string& out);

// A uniform timestamp in [from, to). REQUIRES: from < to.
inline int64_t TimeBetween(Rng& rng, int64_t from, int64_t to) {
  return from + static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(to - from)));
}

}  // namespace zcdp::synth
