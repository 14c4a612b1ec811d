#include "generate/tally.h"

namespace zcdp::synth {

std::string_view TrapName(Trap t) {
  static constexpr std::string_view kNames[kTrapCount] = {
      "kiosk_persons",          "unknown_email_persons",
      "test_email_persons",     "zero_phone_persons",
      "duplicate_crm_persons",  "email_case_whitespace_records",
      "email_typo_records",     "name_typo_records",
      "guest_checkout_persons", "crm_records_without_phone",
  };
  return kNames[t];
}

void Tally::Merge(const Tally& other) {
  for (int i = 0; i < kTableCount; ++i) rows[i] += other.rows[i];
  for (int i = 0; i < kTrapCount; ++i) traps[i] += other.traps[i];
  persons += other.persons;
  truth_rows += other.truth_rows;
}

int64_t Tally::TotalRows() const {
  int64_t total = 0;
  for (int64_t n : rows) total += n;
  return total;
}

}  // namespace zcdp::synth
