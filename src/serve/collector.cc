#include "zcdp/serve/collector.h"

#include <nlohmann/json.hpp>

namespace zcdp::serve {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Decodes standard base64 (padding optional); nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '+' || c == '-') v = 62;
    if (c == '/' || c == '_') v = 63;
    if (c == '=') break;
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

std::string WriteKeyOfAuthorization(std::string_view header) {
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size() || header.substr(0, kBasic.size()) != kBasic) return "";
  std::optional<std::string> decoded = Base64Decode(header.substr(kBasic.size()));
  if (!decoded) return "";
  return decoded->substr(0, decoded->find(':'));
}

Collector::Collector(std::map<std::string, std::string> write_keys, Spool& spool,
                     const Clock& clock, CollectorOptions options)
    : write_keys_(std::move(write_keys)), spool_(spool), clock_(clock), options_(options) {}

HttpReply Collector::Fail(int status, std::string_view code, std::string_view message) {
  counts_.refused.fetch_add(1);
  return {status,
          "application/json",
          Dump({{"code", std::string(code)}, {"message", std::string(message)}}),
          {}};
}

const std::string* Collector::SourceOf(std::string_view key) const {
  auto it = write_keys_.find(std::string(key));
  return it == write_keys_.end() ? nullptr : &it->second;
}

HttpReply Collector::Handle(const HttpRequest& request) {
  counts_.requests.fetch_add(1);
  const std::optional<std::string> type = PathType(request.path);
  if (!type) return Fail(404, "not_found", "no such endpoint: " + request.path.substr(0, 200));
  if (request.method != "POST") return Fail(405, "method_not_allowed", "expected POST");
  const size_t limit = options_.max_request_bytes;
  const std::string too_large = "the request is larger than " + std::to_string(limit) + " bytes";
  if (request.body_too_large) return Fail(413, "request_too_large", too_large);
  // The header's key is checked before the body is read: an unknown key costs nothing.
  const std::string header_key = WriteKeyOfAuthorization(request.authorization);
  if (!header_key.empty() && SourceOf(header_key) == nullptr) {
    return Fail(401, "unauthorized", "unknown write key");
  }
  // RudderStack's Node SDK gzips without saying so (Content-Type form-urlencoded): the magic
  // bytes decide, whatever the headers claim.
  std::string inflated;
  std::string_view body = request.body;
  if (LooksGzipped(body) || request.content_encoding == "gzip") {
    Inflated z = Gunzip(body, limit);
    if (z.outcome == Inflated::Outcome::kTooLarge) return Fail(413, "request_too_large", too_large);
    if (z.outcome == Inflated::Outcome::kCorrupt) return Fail(400, "invalid_gzip", z.error);
    inflated = std::move(z.data);
    body = inflated;
  }
  if (body.size() > limit) return Fail(413, "request_too_large", too_large);
  const int64_t received_at = clock_.NowMicros();
  Result<ParsedRequest> parsed = ParseRequest(body, *type, received_at, options_.limits);
  if (!parsed.ok()) return Fail(400, "invalid_request", parsed.status().message());
  const std::string key = !header_key.empty() ? header_key : parsed->write_key.value_or("");
  if (key.empty()) {
    return Fail(401, "unauthorized",
                "missing write key: send Authorization: Basic base64(\"<key>:\") or writeKey");
  }
  const std::string* source = SourceOf(key);
  if (source == nullptr) return Fail(401, "unauthorized", "unknown write key");
  std::vector<std::string> records;
  records.reserve(parsed->events.size());
  for (auto& e : parsed->events) {
    e.source = *source;
    records.push_back(EncodeEvent(e));
  }
  Status spooled = spool_.Append(records);
  if (spooled.code() == StatusCode::kUnavailable) {
    HttpReply reply = Fail(503, "spool_full", spooled.message());
    reply.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_seconds));
    return reply;
  }
  if (!spooled.ok()) return Fail(500, "spool_failed", "the spool cannot write; see the server log");
  counts_.accepted.fetch_add(static_cast<int64_t>(records.size()));
  counts_.rejected.fetch_add(static_cast<int64_t>(parsed->rejected.size()));
  json rejected = json::array();
  for (const auto& r : parsed->rejected) {
    rejected.push_back({{"index", r.index}, {"reason", r.reason}});
  }
  return {200,
          "application/json",
          Dump({{"success", true}, {"accepted", records.size()}, {"rejected", rejected}}),
          {}};
}

}  // namespace zcdp::serve
