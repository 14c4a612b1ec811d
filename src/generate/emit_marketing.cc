// Email campaign engagement (marketing.email_events): sent, open, click, unsubscribe.
#include "generate/emitter.h"
#include "generate/format.h"

namespace zcdp::synth {
namespace {

constexpr int kCampaigns = 104;  // weekly over the two years
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kSendHour = 9;  // campaigns go out at 09:00 UTC
static_assert(1 + 7 * (kCampaigns - 1) < kWindowDays - 3, "campaigns end before as_of");

}  // namespace

Status PersonEmitter::EmitMarketing(const Person& p) {
  if (mail_address_.empty() || !email_consent_) return Status::Ok();
  Rng rng(PersonSeed(world_.seed, p.id, kMailStream));
  bool listed = false;
  for (int c = 0; c < kCampaigns; ++c) {
    const int64_t day = world_.window_start + (1 + 7 * c) * kMicrosPerDay;
    const int64_t at = day + kSendHour * 60 * kMicrosPerMinute;
    if (at < crm_created_ || !rng.Bernoulli(0.12)) continue;
    if (!listed) ids_.Add(IdType::kEmail, mail_address_);
    listed = true;
    bool unsubscribed = false;
    ZCDP_RETURN_IF_ERROR(EmitCampaign(c, at, rng, &unsubscribed));
    if (unsubscribed) break;
  }
  return Status::Ok();
}

Status PersonEmitter::EmitCampaign(int campaign, int64_t sent_at, Rng& rng, bool* unsubscribed) {
  id_.assign("cmp-");
  AppendDigits(campaign + 1, 3, id_);
  EmailEventRow row{id_, mail_address_, "sent", sent_at};
  ZCDP_RETURN_IF_ERROR(Put(row));
  if (!rng.Bernoulli(0.35)) return Status::Ok();
  row.event_time = sent_at + rng.Range(1, int64_t{48} * 60) * kMicrosPerMinute;
  if (row.event_time >= world_.as_of) return Status::Ok();
  row.action = "open";
  ZCDP_RETURN_IF_ERROR(Put(row));
  const int64_t opened_at = row.event_time;
  if (rng.Bernoulli(0.3)) {
    row.action = "click";
    row.event_time = opened_at + rng.Range(10, 1800) * kMicrosPerSecond;
    if (row.event_time < world_.as_of) ZCDP_RETURN_IF_ERROR(Put(row));
  }
  if (!rng.Bernoulli(0.03)) return Status::Ok();
  row.action = "unsubscribe";
  row.event_time = opened_at + rng.Range(10, 600) * kMicrosPerSecond;
  *unsubscribed = true;
  return row.event_time < world_.as_of ? Put(row) : Status::Ok();
}

}  // namespace zcdp::synth
