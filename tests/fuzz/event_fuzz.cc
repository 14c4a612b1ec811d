// libFuzzer target for the collector's event parser: any body, sent to any path type, must
// give events and rejections or an error, never a crash, a hang or an escaped exception;
// every accepted event survives the spool record's round trip; gzip input inflates within
// its bound.

#include <cstddef>
#include <cstdint>
#include <string>

#include "zcdp/serve/event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kTypes[] = {"batch",  "track", "identify", "page",
                                       "screen", "group", "alias"};
  const char* type = kTypes[data[0] % 7];
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  if (zcdp::serve::LooksGzipped(body)) {
    zcdp::serve::Inflated z = zcdp::serve::Gunzip(body, 1 << 20);
    if (z.outcome == zcdp::serve::Inflated::Outcome::kOk && z.data.size() > (1 << 20)) {
      __builtin_trap();
    }
    if (z.outcome != zcdp::serve::Inflated::Outcome::kOk) return 0;
    body = std::move(z.data);
  }
  zcdp::serve::ParseLimits limits;
  limits.max_event_bytes = 4096;
  auto parsed = zcdp::serve::ParseRequest(body, type, 1'700'000'000'000'000, limits);
  if (!parsed.ok()) {
    if (parsed.status().message().empty()) __builtin_trap();
    return 0;
  }
  for (const auto& r : parsed->rejected) {
    if (r.reason.empty()) __builtin_trap();
  }
  for (const auto& e : parsed->events) {
    if (e.message_id.empty() || e.type.empty() || (!e.user_id && !e.anonymous_id)) {
      __builtin_trap();
    }
    const std::string record = zcdp::serve::EncodeEvent(e);
    auto back = zcdp::serve::DecodeEvent(record);
    if (!back.ok() || zcdp::serve::EncodeEvent(*back) != record) __builtin_trap();
  }
  return 0;
}
