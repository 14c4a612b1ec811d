#include "generate/emitter.h"

namespace zcdp::synth {

Status PersonEmitter::Emit(int64_t id) {
  const Person p = MakePerson(world_, id);
  ids_.Clear();
  shared_used_ = 0;
  event_index_ = 0;
  cookies_seen_ = 0;
  user_id_seen_ = false;
  // The CRM comes first: orders and campaigns reuse its address and consent.
  ZCDP_RETURN_IF_ERROR(EmitCrm(p));
  ZCDP_RETURN_IF_ERROR(EmitWeb(p));
  ZCDP_RETURN_IF_ERROR(EmitOrders(p));
  ZCDP_RETURN_IF_ERROR(EmitMarketing(p));
  for (int t = 0; t <= kZeroPhonePersons; ++t) {
    if ((shared_used_ >> t) & 1u) ++tally_.traps[t];
  }
  ++tally_.persons;
  return Status::Ok();
}

}  // namespace zcdp::synth
