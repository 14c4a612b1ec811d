#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "generate/person.h"
#include "generate/rows.h"
#include "generate/tally.h"
#include "generate/truth.h"

namespace zcdp::synth {

// Shared and placeholder values: several persons use them, so the ground truth lists them in
// shared.csv and never in persons.csv.
constexpr std::string_view kKioskCookie = "kiosk-store-001";
constexpr std::string_view kUnknownEmail = "unknown";
constexpr std::string_view kTestEmail = "test@test.com";
constexpr std::string_view kZeroPhone = "0000000000";

// Generates every row of one person at a time into a RowSink, and collects the person's
// identifiers for the ground truth. One per thread; not thread-safe.
class PersonEmitter {
 public:
  PersonEmitter(const World& world, RowSink& sink, Tally& tally)
      : world_(world), sink_(sink), tally_(tally) {}

  // Emits all rows of person `id`. Afterwards ids() holds the identifiers they showed.
  Status Emit(int64_t id);
  PersonIds& ids() { return ids_; }

 private:
  // One file per table: emit_crm.cc, emit_web.cc, emit_orders.cc, emit_marketing.cc.
  Status EmitCrm(const Person& p);
  Status EmitCrmRecord(const Person& p, int record, Rng& rng);
  void PickCrmEmail(const Person& p, int record, Rng& rng);
  void PickTillEmail(uint64_t r);
  void PickCrmPhone(const Person& p, int record, Rng& rng);
  Status EmitConsents(const CustomerRow& customer, int record, Rng& rng);
  Status EmitWeb(const Person& p);
  struct Session {
    int64_t start = 0;
    int cookie = 0;  // index of the cookie: device * 2 + (reset ? 1 : 0)
    std::string_view device;
    bool logged_in = false;  // still logged in from an earlier session on this cookie
    bool signup = false;     // the account is created in this session
  };
  Status EmitSession(const Person& p, const Session& s, Rng& rng, bool* logged_in);
  Status EmitKiosk(const Person& p, Rng& rng);
  Status EmitWebEvent(const Person& p, std::string_view anonymous_id, bool with_user,
                      std::string_view event, int64_t time, std::string_view path,
                      std::string_view device);
  Status EmitOrders(const Person& p);
  void PickOrderEmail(const Person& p, Rng& rng);
  Status EmitMarketing(const Person& p);
  Status EmitCampaign(int campaign, int64_t sent_at, Rng& rng, bool* unsubscribed);

  // Counts the row and hands it to the sink.
  template <typename Row>
  Status Put(const Row& row) {
    ++tally_.rows[static_cast<int>(Row::kTable)];
    return sink_.Add(row);
  }
  // Marks a shared value as used by this person (counted once per person).
  void UseShared(Trap trap) { shared_used_ |= 1u << trap; }

  const World& world_;
  RowSink& sink_;
  Tally& tally_;
  PersonIds ids_;
  uint32_t shared_used_ = 0;

  // What later tables of the same person need from the CRM.
  std::string mail_address_;  // where campaigns go; empty when none
  bool email_consent_ = false;
  int64_t crm_created_ = 0;
  int primary_email_style_ = -1;  // EmailStyle of record 0, -1 for none, placeholder or typo
  bool primary_phone_international_ = false;
  std::string primary_email_;
  std::string account_email_;  // of the web account, for checkouts; empty when none
  bool account_email_misspelt_ = false;

  // Scratch buffers reused across rows.
  std::string id_, user_id_, email_, phone_, name_, path_;
  std::string cookie_, event_id_;
  int event_index_ = 0;
  uint32_t cookies_seen_ = 0;
  bool user_id_seen_ = false;
};

}  // namespace zcdp::synth
