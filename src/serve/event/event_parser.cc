// The tracking API's request bodies: a batch ({"batch": [...]}) or one event, each event
// validated on its own so that one bad event does not cost the others.

#include <array>
#include <random>

#include <nlohmann/json.hpp>

#include "zcdp/serve/event.h"

namespace zcdp::serve {
namespace {

using nlohmann::json;

constexpr size_t kMaxIdBytes = 1024;  // userId, anonymousId, messageId, event name

const std::array<std::string_view, 6> kTypes = {"track",  "identify", "page",
                                                "screen", "group",    "alias"};

bool KnownType(std::string_view type) {
  for (auto t : kTypes) {
    if (t == type) return true;
  }
  return false;
}

// The deepest nesting of objects and arrays in `text`, counting brackets outside strings. A
// bound checked before parsing, so that no parser or printer recurses deeper than it.
size_t NestingDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// A random (version 4) UUID. Thread-safe: one generator per thread.
std::string RandomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t hi = (rng() & ~0xf000ULL) | 0x4000ULL;
  const uint64_t lo = (rng() & ~(0xcULL << 60)) | (0x8ULL << 60);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const uint64_t word = i < 16 ? hi : lo;
    const int shift = 60 - 4 * (i % 16);
    out.push_back(kHex[(word >> shift) & 0xf]);
    if (i == 7 || i == 11 || i == 15 || i == 19) out.push_back('-');
  }
  return out;
}

// Reads an identifier (userId, anonymousId): a non-empty string, or a number written as text.
// Returns a reason on a wrong type; leaves `out` empty when absent or null.
std::string ReadId(const json& e, const char* key, std::optional<std::string>& out) {
  auto it = e.find(key);
  if (it == e.end() || it->is_null()) return "";
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > kMaxIdBytes) return std::string(key) + ": longer than 1024 bytes";
    if (!s.empty()) out = s;
    return "";
  }
  if (it->is_number_integer() || it->is_number_unsigned()) {
    out = it->dump();
    return "";
  }
  return std::string(key) + ": expected a string, got " + it->type_name();
}

// An optional object member as JSON text.
std::string ReadObject(const json& e, const char* key, std::optional<std::string>& out) {
  auto it = e.find(key);
  if (it == e.end() || it->is_null()) return "";
  if (!it->is_object()) return std::string(key) + ": expected an object, got " + it->type_name();
  out = it->dump();
  return "";
}

// An optional ISO 8601 member. Returns a reason when present and not an instant.
std::string ReadTime(const json& e, const char* key, std::optional<int64_t>& out) {
  auto it = e.find(key);
  if (it == e.end() || it->is_null()) return "";
  if (it->is_string()) {
    out = ParseIso8601(it->get_ref<const std::string&>());
    if (out) return "";
  }
  return std::string(key) + ": expected an ISO 8601 instant such as 2026-12-01T10:00:00.000Z";
}

// A string member that must be non-empty when `required`.
std::string ReadName(const json& e, const char* key, bool required,
                     std::optional<std::string>& out) {
  auto it = e.find(key);
  if (it == e.end() || it->is_null()) {
    return required ? std::string("missing '") + key + "'" : "";
  }
  if (!it->is_string()) return std::string(key) + ": expected a string, got " + it->type_name();
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > kMaxIdBytes) return std::string(key) + ": longer than 1024 bytes";
  if (s.empty() && required) return std::string(key) + ": expected a non-empty string";
  if (!s.empty()) out = s;
  return "";
}

// Adds `key: value` to the properties object (group's groupId, alias's previousId).
void AddProperty(CollectedEvent& ev, const char* key, const std::string& value) {
  json props = ev.properties ? json::parse(*ev.properties) : json::object();
  if (!props.contains(key)) props[key] = value;
  ev.properties = props.dump();
}

struct Batch {
  std::optional<int64_t> sent_at;  // the batch's sentAt, for events without their own
  int64_t received_at = 0;
};

std::string ReadType(const json& e, std::string_view path_type, CollectedEvent& ev) {
  if (path_type != "batch") {
    ev.type = std::string(path_type);  // the path says what it is
    return "";
  }
  auto it = e.find("type");
  if (it == e.end() || !it->is_string()) return "missing 'type' (a string)";
  ev.type = it->get<std::string>();
  if (!KnownType(ev.type)) {
    return "type: expected track, identify, page, screen, group or alias, got '" +
           ev.type.substr(0, 64) + "'";
  }
  return "";
}

// The event's time: receivedAt - (sentAt - originalTimestamp) when the client said when it
// sent it, which cancels the client clock's offset; the client's time as is otherwise.
std::string ReadTimes(const json& e, const Batch& batch, CollectedEvent& ev) {
  std::optional<int64_t> original, timestamp, sent;
  for (const auto& reason : {ReadTime(e, "originalTimestamp", original),
                             ReadTime(e, "timestamp", timestamp), ReadTime(e, "sentAt", sent)}) {
    if (!reason.empty()) return reason;
  }
  ev.received_at = batch.received_at;
  ev.sent_at = sent ? sent : batch.sent_at;
  const std::optional<int64_t> client = original ? original : timestamp;
  if (client && ev.sent_at) {
    ev.timestamp = batch.received_at - (*ev.sent_at - *client);
  } else {
    ev.timestamp = client.value_or(batch.received_at);
  }
  return "";
}

std::string ReadTypeFields(const json& e, CollectedEvent& ev) {
  if (ev.type == "track") return ReadName(e, "event", true, ev.event);
  if (ev.type == "page" || ev.type == "screen") return ReadName(e, "name", false, ev.event);
  if (ev.type == "group") {
    std::optional<std::string> group;
    std::string reason = ReadId(e, "groupId", group);
    if (!reason.empty()) return reason;
    if (!group) return "missing 'groupId'";
    AddProperty(ev, "groupId", *group);
  }
  if (ev.type == "alias") {
    std::optional<std::string> previous;
    std::string reason = ReadId(e, "previousId", previous);
    if (!reason.empty()) return reason;
    if (!previous) return "missing 'previousId'";
    AddProperty(ev, "previousId", *previous);
    if (!ev.anonymous_id) ev.anonymous_id = previous;
  }
  return "";
}

// Validates and normalises one event; returns the reason when it is refused.
std::string ReadEvent(const json& e, std::string_view path_type, const Batch& batch,
                      const ParseLimits& limits, CollectedEvent& ev) {
  if (!e.is_object()) return std::string("expected an event object, got ") + e.type_name();
  const size_t bytes = e.dump().size();
  if (bytes > limits.max_event_bytes) {
    return "the event is " + std::to_string(bytes) + " bytes, more than the limit of " +
           std::to_string(limits.max_event_bytes);
  }
  std::optional<std::string> message_id;
  for (const auto& reason :
       {ReadType(e, path_type, ev), ReadId(e, "userId", ev.user_id),
        ReadId(e, "anonymousId", ev.anonymous_id), ReadName(e, "messageId", false, message_id),
        ReadObject(e, "context", ev.context), ReadObject(e, "properties", ev.properties),
        ReadObject(e, "traits", ev.traits)}) {
    if (!reason.empty()) return reason;
  }
  std::string reason = ReadTypeFields(e, ev);
  if (!reason.empty()) return reason;
  if (!ev.user_id && !ev.anonymous_id) return "missing 'userId' or 'anonymousId'";
  ev.message_id = message_id ? *message_id : RandomUuid();
  return ReadTimes(e, batch, ev);
}

}  // namespace

std::optional<std::string> PathType(std::string_view path) {
  static const std::array<std::pair<std::string_view, std::string_view>, 7> kPaths = {{
      {"batch", "b"},
      {"track", "t"},
      {"identify", "i"},
      {"page", "p"},
      {"screen", "s"},
      {"group", "g"},
      {"alias", "a"},
  }};
  constexpr std::string_view kPrefix = "/v1/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rest = path.substr(kPrefix.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  for (const auto& [word, letter] : kPaths) {
    if (rest == word || rest == letter) return std::string(word);
  }
  return std::nullopt;
}

Result<ParsedRequest> ParseRequest(std::string_view body, std::string_view path_type,
                                   int64_t received_at, const ParseLimits& limits) {
  if (NestingDepth(body) > limits.max_depth) {
    return Status::Invalid("the body nests deeper than " + std::to_string(limits.max_depth) +
                           " levels");
  }
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Invalid("the body is not valid JSON");
  if (!doc.is_object()) return Status::Invalid("expected a JSON object");
  ParsedRequest out;
  if (auto it = doc.find("writeKey"); it != doc.end() && it->is_string()) {
    out.write_key = it->get<std::string>();
  }
  Batch batch;
  batch.received_at = received_at;
  if (std::string reason = ReadTime(doc, "sentAt", batch.sent_at); !reason.empty()) {
    return Status::Invalid(reason);
  }
  const json* events = &doc;
  size_t count = 1;
  if (path_type == "batch") {
    auto it = doc.find("batch");
    if (it == doc.end() || !it->is_array()) return Status::Invalid("missing 'batch' (a list)");
    events = &*it;
    count = it->size();
  }
  for (size_t i = 0; i < count; ++i) {
    const json& e = path_type == "batch" ? (*events)[i] : *events;
    CollectedEvent ev;
    std::string reason = ReadEvent(e, path_type, batch, limits, ev);
    if (reason.empty()) {
      out.events.push_back(std::move(ev));
    } else {
      out.rejected.push_back({i, std::move(reason)});
    }
  }
  return out;
}

}  // namespace zcdp::serve
