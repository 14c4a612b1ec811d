#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "generate/rows.h"

namespace zcdp::synth {

// Counted traps. The first four are the shared values written to truth/shared.csv; they
// count persons, the others count persons or records as named.
enum Trap : uint8_t {
  kKioskPersons,          // persons with a session on the shared kiosk cookie
  kUnknownEmailPersons,   // persons with 'unknown' as an email somewhere
  kTestEmailPersons,      // persons with 'test@test.com' as an email somewhere
  kZeroPhonePersons,      // persons with '0000000000' as a phone
  kDuplicateCrmPersons,   // persons with two CRM records
  kEmailStyleRecords,     // CRM records whose email differs from canonical in case/whitespace
  kEmailTypoRecords,      // CRM or order rows with a misspelt email domain
  kNameTypoRecords,       // CRM records with a misspelt last name
  kGuestCheckoutPersons,  // persons with orders but no CRM record
  kCrmWithoutPhone,       // CRM records without a phone
  kTrapCount,
};
std::string_view TrapName(Trap t);

// Counts from one thread, merged at the end.
struct Tally {
  std::array<int64_t, kTableCount> rows{};
  std::array<int64_t, kTrapCount> traps{};
  int64_t persons = 0;
  int64_t truth_rows = 0;

  void Merge(const Tally& other);
  int64_t TotalRows() const;
};

}  // namespace zcdp::synth
