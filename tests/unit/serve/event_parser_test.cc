// The collector's event parser: per-event validation with reasons, clock-skew correction,
// ISO 8601 instants, the spool record's round trip and bounded gzip inflation.
#include <gtest/gtest.h>
#include <zlib.h>

#include "zcdp/serve/event.h"

namespace zcdp::serve {
namespace {

const int64_t kReceived = *ParseIso8601("2026-12-02T12:00:00Z");

std::string Gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(ServeEvents, PathsAndShortForms) {
  EXPECT_EQ(PathType("/v1/batch"), "batch");
  EXPECT_EQ(PathType("/v1/b"), "batch");
  EXPECT_EQ(PathType("/v1/t"), "track");
  EXPECT_EQ(PathType("/v1/identify"), "identify");
  EXPECT_EQ(PathType("/v1/a"), "alias");
  EXPECT_EQ(PathType("/v1/g/"), "group");
  EXPECT_FALSE(PathType("/v1/x"));
  EXPECT_FALSE(PathType("/v2/track"));
  EXPECT_FALSE(PathType("/track"));
}

TEST(ServeEvents, InvalidEventsAreRejectedOneByOneAndTheOthersKept) {
  const std::string body = R"({"batch": [
    {"type": "track", "event": "Buy", "userId": "u1", "messageId": "m1"},
    {"type": "track", "userId": "u1"},
    {"type": "identify"},
    {"type": "nope", "userId": "u1"},
    {"type": "identify", "userId": 42, "traits": {"plan": "pro"}},
    {"type": "page", "anonymousId": "a1", "properties": [1]},
    {"type": "group", "userId": "u1"},
    {"type": "alias", "userId": "u2", "previousId": "a9"},
    {"type": "track", "event": "X", "userId": {"id": 1}},
    {"type": "track", "event": "X", "userId": "u", "timestamp": "yesterday"},
    7
  ]})";
  Result<ParsedRequest> r = ParseRequest(body, "batch", kReceived);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->events.size(), 3u);
  EXPECT_EQ(r->events[0].message_id, "m1");
  EXPECT_EQ(r->events[0].event, "Buy");
  EXPECT_EQ(r->events[1].user_id, "42");
  EXPECT_EQ(r->events[1].traits, R"({"plan":"pro"})");
  EXPECT_EQ(r->events[1].message_id.size(), 36u);  // generated
  EXPECT_EQ(r->events[2].type, "alias");
  EXPECT_EQ(r->events[2].anonymous_id, "a9");  // previousId links the two ids
  EXPECT_EQ(r->events[2].properties, R"({"previousId":"a9"})");
  std::vector<std::pair<size_t, std::string>> rejected;
  for (const auto& x : r->rejected) rejected.emplace_back(x.index, x.reason);
  const std::vector<std::pair<size_t, std::string>> expected = {
      {1, "missing 'event'"},
      {2, "missing 'userId' or 'anonymousId'"},
      {3, "type: expected track, identify, page, screen, group or alias, got 'nope'"},
      {5, "properties: expected an object, got array"},
      {6, "missing 'groupId'"},
      {8, "userId: expected a string, got object"},
      {9, "timestamp: expected an ISO 8601 instant such as 2026-12-01T10:00:00.000Z"},
      {10, "expected an event object, got number"},
  };
  EXPECT_EQ(rejected, expected);
}

TEST(ServeEvents, MalformedBodiesFailAsAWhole) {
  for (const std::string& body :
       std::vector<std::string>{"{not json", "[1, 2]", R"({"batch": 3})", R"({"events": []})",
                                std::string(100, '[') + std::string(100, ']')}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(ParseRequest(body, "batch", kReceived).status().code(), StatusCode::kInvalidArgument);
  }
  // A single event sent to its path needs no type; the path gives it.
  Result<ParsedRequest> one = ParseRequest(R"({"anonymousId": "a", "event": "E",
      "writeKey": "k"})",
                                           "track", kReceived);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->events.size(), 1u);
  EXPECT_EQ(one->events[0].type, "track");
  EXPECT_EQ(one->write_key, "k");
}

TEST(ServeEvents, OversizedEventIsRejectedWithItsSize) {
  ParseLimits limits;
  limits.max_event_bytes = 100;
  const std::string big(200, 'x');
  Result<ParsedRequest> r = ParseRequest(
      R"({"batch": [{"type": "track", "event": "E", "userId": "u", "properties": {"p": ")" + big +
          R"("}}, {"type": "track", "event": "E", "userId": "u"}]})",
      "batch", kReceived, limits);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events.size(), 1u);
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_NE(r->rejected[0].reason.find("more than the limit of 100"), std::string::npos);
}

TEST(ServeEvents, ClockSkewIsCorrectedFromSentAt) {
  // The client's clock is 1 h ahead: it stamped the event 10 s before it sent the batch.
  Result<ParsedRequest> r = ParseRequest(R"({"sentAt": "2026-12-02T13:00:10Z", "batch": [
      {"type": "track", "event": "E", "userId": "u", "originalTimestamp": "2026-12-02T13:00:00Z"},
      {"type": "track", "event": "E", "userId": "u", "timestamp": "2026-12-02T13:00:05+01:00",
       "sentAt": "2026-12-02T13:00:06+01:00"},
      {"type": "track", "event": "E", "userId": "u"}]})",
                                         "batch", kReceived);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->events.size(), 3u);
  EXPECT_EQ(r->events[0].timestamp, kReceived - 10'000'000);
  EXPECT_EQ(r->events[0].sent_at, *ParseIso8601("2026-12-02T13:00:10Z"));
  EXPECT_EQ(r->events[1].timestamp, kReceived - 1'000'000);  // its own sentAt wins
  EXPECT_EQ(r->events[2].timestamp, kReceived);              // no client time: when it arrived
  EXPECT_EQ(r->events[2].received_at, kReceived);
  // Without sentAt the client's time is kept as sent.
  Result<ParsedRequest> plain =
      ParseRequest(R"({"userId": "u", "event": "E", "timestamp": "2020-01-01T00:00:00.5Z"})",
                   "track", kReceived);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->events.at(0).timestamp, *ParseIso8601("2020-01-01T00:00:00Z") + 500000);
}

TEST(ServeEvents, Iso8601) {
  EXPECT_EQ(ParseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseIso8601("1970-01-01 00:00:01.123456789Z"), 1123456);
  EXPECT_EQ(ParseIso8601("1969-12-31T23:00:00-0100"), 0);
  EXPECT_EQ(ParseIso8601("2024-02-29"), *ParseIso8601("2024-02-29T00:00Z"));
  for (const char* bad : {"", "2023-02-29", "2026-13-01", "2026-12-01T25:00:00Z", "12/01/2026",
                          "2026-12-01T10:00:00Zjunk", "2026-12-01T10:00:00."}) {
    EXPECT_FALSE(ParseIso8601(bad)) << bad;
  }
}

TEST(ServeEvents, RecordRoundTripAndCorruptRecords) {
  CollectedEvent e;
  e.source = "app";
  e.message_id = "m";
  e.type = "identify";
  e.user_id = "u";
  e.timestamp = -5;
  e.received_at = 7;
  e.sent_at = 0;
  e.traits = R"({"a":"\u0000"})";
  const std::string bytes = EncodeEvent(e);
  Result<CollectedEvent> back = DecodeEvent(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(EncodeEvent(*back), bytes);
  EXPECT_EQ(back->sent_at, 0);
  EXPECT_FALSE(back->event);
  EXPECT_EQ(back->traits, e.traits);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(DecodeEvent(std::string_view(bytes).substr(0, cut)).ok()) << cut;
  }
}

TEST(ServeEvents, GunzipStopsAtTheLimit) {
  const std::string text = R"({"batch": []})";
  Inflated ok = Gunzip(Gzip(text), 1000);
  ASSERT_EQ(ok.outcome, Inflated::Outcome::kOk);
  EXPECT_EQ(ok.data, text);
  // 64 MiB of zeros compress to about 64 KiB: refused at 1 MiB, never inflated in full.
  const std::string bomb = Gzip(std::string(64 << 20, '\0'));
  EXPECT_LT(bomb.size(), 200u << 10);
  EXPECT_EQ(Gunzip(bomb, 1 << 20).outcome, Inflated::Outcome::kTooLarge);
  const std::string gz = Gzip(text);
  EXPECT_EQ(Gunzip(gz.substr(0, gz.size() - 6), 1000).outcome, Inflated::Outcome::kCorrupt);
  EXPECT_EQ(Gunzip("\x1f\x8bgarbage", 1000).outcome, Inflated::Outcome::kCorrupt);
  EXPECT_TRUE(LooksGzipped(gz));
  EXPECT_FALSE(LooksGzipped(text));
}

}  // namespace
}  // namespace zcdp::serve
