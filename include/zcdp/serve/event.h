#pragma once

// The tracking API's events (Segment/RudderStack): parsing a request body into validated,
// normalised events, and the binary record the spool keeps them in. No I/O; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp::serve {

// One accepted event, normalised: the row the loader appends to the collect table.
struct CollectedEvent {
  std::string source;      // the collecting source's name
  std::string message_id;  // as sent, or generated
  std::string type;        // track | identify | page | screen | group | alias
  std::optional<std::string> event;
  std::optional<std::string> user_id;
  std::optional<std::string> anonymous_id;
  int64_t timestamp = 0;    // microseconds since the epoch, UTC, skew-corrected
  int64_t received_at = 0;  // microseconds since the epoch, UTC
  std::optional<int64_t> sent_at;
  std::optional<std::string> context;  // JSON text of an object
  std::optional<std::string> properties;
  std::optional<std::string> traits;
};

// An event of the request that was refused, and why.
struct RejectedEvent {
  size_t index = 0;  // 0-based position in the batch (0 for a single event)
  std::string reason;
};

struct ParseLimits {
  size_t max_event_bytes = size_t{256} * 1024;  // one event's JSON text
  size_t max_depth = 64;                        // nesting of objects and arrays in the body
};

// What a request body held.
struct ParsedRequest {
  std::optional<std::string> write_key;  // the body's `writeKey`, when given
  std::vector<CollectedEvent> events;    // every valid event, in order; `source` left empty
  std::vector<RejectedEvent> rejected;
};

// The event type a collector path implies: "batch" for /v1/batch and /v1/b, "track" for
// /v1/track and /v1/t, and so on; nullopt for any other path.
std::optional<std::string> PathType(std::string_view path);

// Parses `body` (JSON text, already decompressed) sent to a path of type `path_type`
// ("batch" or an event type), at `received_at` (micros since the epoch). A body that is not
// a JSON object, is nested deeper than the limit, or (batch) has no `batch` list fails with
// InvalidArgument saying so; each invalid event is rejected with its reason and the valid
// ones kept. Events without `messageId` get a random UUID.
Result<ParsedRequest> ParseRequest(std::string_view body, std::string_view path_type,
                                   int64_t received_at, const ParseLimits& limits = {});

// Parses an ISO 8601 instant ("2026-12-01T10:00:00.123Z", "+02:00" offsets, a space for 'T')
// into micros since the epoch. nullopt when it is not one.
std::optional<int64_t> ParseIso8601(std::string_view text);

// The spool record of an event (a compact binary form) and back. DecodeEvent fails with
// IoError on bytes EncodeEvent did not write.
std::string EncodeEvent(const CollectedEvent& event);
Result<CollectedEvent> DecodeEvent(std::string_view bytes);

// What inflating a body gave.
struct Inflated {
  enum class Outcome { kOk, kTooLarge, kCorrupt } outcome = Outcome::kOk;
  std::string data;   // kOk: the inflated bytes
  std::string error;  // otherwise: why
};

// Inflates a gzip stream, never producing more than `max_bytes` (a gzip bomb stops there:
// kTooLarge); kCorrupt on a corrupt or truncated stream.
Inflated Gunzip(std::string_view compressed, size_t max_bytes);

// True when `body` starts with the gzip magic bytes.
bool LooksGzipped(std::string_view body);

}  // namespace zcdp::serve
