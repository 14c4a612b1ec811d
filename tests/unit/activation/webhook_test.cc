#include "activation/destinations/webhook/webhook.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/common/digest.h"

#include "support/http_receiver.h"

namespace zcdp::activation {
namespace {

using nlohmann::json;
using testing::ClosedLoopbackPort;
using testing::HttpReceiver;
using testing::RejectMode;
using testing::ScriptedResponse;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A batch of `n` upserts keyed k0..k<n-1>, each with one text field.
Batch KeyedBatch(size_t n, std::string key = "run7/dest/b0") {
  Batch batch;
  batch.destination = "crm";
  batch.purpose = "marketing";
  batch.run_id = 7;
  batch.index = 0;
  batch.idempotency_key = std::move(key);
  batch.fields = {"email"};
  for (size_t i = 0; i < n; ++i) {
    batch.records.push_back(
        {"k" + std::to_string(i), Action::kUpsert, {Value::Text("u" + std::to_string(i))}});
  }
  return batch;
}

// Webhook options aimed at `url` whose waits are recorded in `sleeps`, never slept.
WebhookOptions Options(const std::string& url, std::vector<int64_t>* sleeps) {
  WebhookOptions options;
  options.url = url;
  options.secret = "s3cret";
  options.timeout_ms = 2000;
  options.sleeper = [sleeps](int64_t ms) { sleeps->push_back(ms); };
  options.jitter_seed = 1;
  return options;
}

std::unique_ptr<WebhookDestination> Make(WebhookOptions options) {
  auto made = WebhookDestination::Create(std::move(options));
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(made).value() : nullptr;
}

TEST(Webhook, SendsTheDocumentedPayloadSignedWithTheSecret) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  auto webhook = Make(Options(receiver.url(), &sleeps));
  Batch batch;
  batch.destination = "crm";
  batch.purpose = "marketing";
  batch.run_id = 42;
  batch.index = 3;
  batch.idempotency_key = "42/crm/3";
  batch.fields = {"email", "orders", "score", "ratio", "vip", "note", "seen_at", "born"};
  batch.records.push_back(
      {"p1",
       Action::kUpsert,
       {Value::Text("a@example.com"), Value::Int(12), Value::Double(1.5),
        Value::Double(std::numeric_limits<double>::quiet_NaN()), Value::Bool(true), Value::Null(),
        Value::Timestamp(1'700'000'000'123'456), Value::Date(DaysFromCivil(2026, 11, 1))}});
  batch.records.push_back({"p2", Action::kRemove, {}});

  auto delivery = webhook->Deliver(batch);
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();

  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& request = requests[0];
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("idempotency-key"), "42/crm/3");
  EXPECT_EQ(request.header("user-agent"), std::string("zcdp/") + ZCDP_VERSION);
  EXPECT_EQ(request.header("x-zcdp-signature"), "sha256=" + HmacSha256Hex("s3cret", request.body));
  EXPECT_NE(request.header("x-zcdp-signature"), "sha256=" + HmacSha256Hex("other", request.body));

  const json body = json::parse(request.body);
  EXPECT_EQ(body["destination"], "crm");
  EXPECT_EQ(body["purpose"], "marketing");
  EXPECT_FALSE(body.contains("run_id"));  // a resend by a later run is the same bytes
  EXPECT_EQ(body["idempotency_key"], "42/crm/3");
  ASSERT_EQ(body["records"].size(), 2u);
  const json& upsert = body["records"][0];
  EXPECT_EQ(upsert["key"], "p1");
  EXPECT_EQ(upsert["action"], "upsert");
  const json expected_fields = {{"email", "a@example.com"},
                                {"orders", 12},
                                {"score", 1.5},
                                {"ratio", nullptr},
                                {"vip", true},
                                {"note", nullptr},
                                {"seen_at", "2023-11-14T22:13:20.123456Z"},
                                {"born", "2026-11-01"}};
  EXPECT_EQ(upsert["fields"], expected_fields);
  const json& removal = body["records"][1];
  EXPECT_EQ(removal["key"], "p2");
  EXPECT_EQ(removal["action"], "remove");
  EXPECT_FALSE(removal.contains("fields"));

  EXPECT_TRUE(delivery->failed.empty());
  EXPECT_EQ(delivery->attempts, 1);
  EXPECT_EQ(delivery->bytes, static_cast<int64_t>(request.body.size()));
  EXPECT_EQ(delivery->payload_sha256, Sha256Hex(request.body));
  EXPECT_TRUE(sleeps.empty());
}

// The body is written by a streaming writer: every value must round-trip through a JSON
// parser, and invalid UTF-8 must become U+FFFD rather than invalid JSON.
TEST(Webhook, BodyValuesRoundTripAndInvalidUtf8IsReplaced) {
  Batch batch = KeyedBatch(0);
  batch.fields = {"text", "big", "small", "tiny", "huge", "third", "bad", "cut"};
  const std::string tricky =
      "quote \" \\ back\tslash\n\x01 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  batch.records.push_back({"k\xc3\xa9",
                           Action::kUpsert,
                           {Value::Text(tricky), Value::Int(std::numeric_limits<int64_t>::max()),
                            Value::Int(std::numeric_limits<int64_t>::min()), Value::Double(5e-324),
                            Value::Double(1.7976931348623157e308), Value::Double(1.0 / 3),
                            Value::Text("ok \xff\xfe end"), Value::Text("cut \xe2\x82")}});
  const std::vector<size_t> all = {0};
  const std::string body = WebhookBody(batch, all, "key");
  const json doc = json::parse(body);  // throws on invalid JSON or UTF-8
  const json& fields = doc["records"][0]["fields"];
  EXPECT_EQ(doc["records"][0]["key"], "k\xc3\xa9");
  EXPECT_EQ(fields["text"], tricky);
  EXPECT_EQ(fields["big"].get<int64_t>(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(fields["small"].get<int64_t>(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(fields["tiny"].get<double>(), 5e-324);
  EXPECT_EQ(fields["huge"].get<double>(), 1.7976931348623157e308);
  EXPECT_EQ(fields["third"].get<double>(), 1.0 / 3);
  EXPECT_EQ(fields["bad"], "ok \xef\xbf\xbd\xef\xbf\xbd end");
  EXPECT_EQ(fields["cut"], "cut \xef\xbf\xbd");
}

TEST(Webhook, NoSecretMeansNoSignatureHeader) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.secret.clear();
  ASSERT_TRUE(Make(options)->Deliver(KeyedBatch(2)).ok());
  ASSERT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(receiver.requests()[0].headers.count("x-zcdp-signature"), 0u);
}

TEST(Webhook, ResendingABatchRepeatsItsBytesAndIdempotencyKey) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  const Batch batch = KeyedBatch(3);
  ASSERT_TRUE(Make(Options(receiver.url(), &sleeps))->Deliver(batch).ok());
  ASSERT_TRUE(Make(Options(receiver.url(), &sleeps))->Deliver(batch).ok());  // a rerun
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_EQ(requests[0].header("idempotency-key"), "run7/dest/b0");
  EXPECT_EQ(requests[1].header("idempotency-key"), "run7/dest/b0");
  EXPECT_EQ(receiver.DistinctAcceptedKeys(), 1u);
}

TEST(Webhook, RetriesServerErrorsThenSucceeds) {
  HttpReceiver receiver;
  receiver.Enqueue(500, "oops");
  receiver.Enqueue(502, "bad gateway");
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.retry.base_delay_ms = 100;
  auto delivery = Make(options)->Deliver(KeyedBatch(2));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  EXPECT_EQ(delivery->attempts, 3);
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_LE(sleeps[0], 100);  // full jitter under base * 2^0
  EXPECT_LE(sleeps[1], 200);  // and base * 2^1
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.body, requests[0].body);
    EXPECT_EQ(r.header("idempotency-key"), "run7/dest/b0");
  }
  EXPECT_EQ(delivery->payload_sha256, Sha256Hex(requests[0].body));
}

TEST(Webhook, RetriesATimeoutThenSucceeds) {
  HttpReceiver receiver;
  ScriptedResponse slow;
  slow.delay_ms = 1500;
  receiver.Enqueue(slow);
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.timeout_ms = 300;
  auto delivery = Make(options)->Deliver(KeyedBatch(1));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  EXPECT_EQ(delivery->attempts, 2);
  EXPECT_EQ(sleeps.size(), 1u);
  EXPECT_EQ(receiver.request_count(), 2u);
}

TEST(Webhook, RetriesADroppedConnectionThenSucceeds) {
  HttpReceiver receiver;
  ScriptedResponse drop;
  drop.drop = true;
  receiver.Enqueue(drop);
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(KeyedBatch(1));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  EXPECT_EQ(delivery->attempts, 2);
  EXPECT_EQ(receiver.request_count(), 2u);
}

TEST(Webhook, HonoursRetryAfterSeconds) {
  HttpReceiver receiver;
  ScriptedResponse busy;
  busy.status = 429;
  busy.headers = {{"Retry-After", "2"}};
  receiver.Enqueue(busy);
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(KeyedBatch(1));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  EXPECT_EQ(sleeps, std::vector<int64_t>{2000});
  EXPECT_EQ(delivery->attempts, 2);
}

TEST(Webhook, HonoursRetryAfterDateAndCapsIt) {
  HttpReceiver receiver;
  ScriptedResponse unavailable;
  unavailable.status = 503;
  unavailable.headers = {{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}};
  receiver.Enqueue(unavailable);
  ScriptedResponse far = unavailable;
  far.headers = {{"Retry-After", "86400"}};
  receiver.Enqueue(far);
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.unix_seconds = [] { return int64_t{784111777} - 3; };
  options.retry.max_retry_after_ms = 60000;
  ASSERT_TRUE(Make(options)->Deliver(KeyedBatch(1)).ok());
  EXPECT_EQ(sleeps, (std::vector<int64_t>{3000, 60000}));
}

TEST(Webhook, ExhaustedRetriesAreAnErrorNamingTheLastAnswer) {
  HttpReceiver receiver;
  for (int i = 0; i < 3; ++i) receiver.Enqueue(503, "overloaded");
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.retry.max_attempts = 3;
  auto delivery = Make(options)->Deliver(KeyedBatch(4));
  ASSERT_FALSE(delivery.ok());
  EXPECT_EQ(delivery.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(delivery.status().message(), "HTTP 503: overloaded"))
      << delivery.status().message();
  EXPECT_TRUE(Contains(delivery.status().message(), "3 attempts")) << delivery.status().message();
  EXPECT_EQ(receiver.request_count(), 3u);
  EXPECT_EQ(sleeps.size(), 2u);
}

TEST(Webhook, UnreachableEndpointIsAClearUnavailableError) {
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/hook";
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(url, &sleeps);
  options.retry.max_attempts = 3;
  auto delivery = Make(options)->Deliver(KeyedBatch(2));
  ASSERT_FALSE(delivery.ok());
  EXPECT_EQ(delivery.status().code(), StatusCode::kUnavailable);
  const std::string message = delivery.status().message();
  EXPECT_TRUE(Contains(message, url)) << message;
  EXPECT_TRUE(Contains(message, "connect")) << message;
  EXPECT_TRUE(Contains(message, "3 attempts")) << message;
  EXPECT_EQ(sleeps.size(), 2u);
}

TEST(Webhook, SplitsARejectedBatchUntilOnlyThePoisonedRecordFails) {
  HttpReceiver receiver;
  receiver.RejectKeys({"k5"}, RejectMode::kStatus400);
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(KeyedBatch(8, "b"));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  ASSERT_EQ(delivery->failed.size(), 1u);
  EXPECT_EQ(delivery->failed[0].index, 5u);
  EXPECT_EQ(delivery->failed[0].reason, "HTTP 400: poisoned record in request");
  EXPECT_EQ(receiver.AcceptedRecordKeys(),
            (std::multiset<std::string>{"k0", "k1", "k2", "k3", "k4", "k6", "k7"}));

  std::vector<std::string> keys;
  int64_t accepted_bytes = 0;
  for (const auto& r : receiver.requests()) {
    keys.push_back(r.header("idempotency-key"));
    EXPECT_EQ(json::parse(r.body)["idempotency_key"], keys.back());
    if (!Contains(r.body, "\"k5\"")) accepted_bytes += static_cast<int64_t>(r.body.size());
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "b/0-3", "b/4-7", "b/4-7/4-5", "b/4-7/4-5/4-4",
                                            "b/4-7/4-5/5-5", "b/4-7/6-7"}));
  EXPECT_EQ(delivery->attempts, 7);
  EXPECT_EQ(delivery->bytes, accepted_bytes);
  EXPECT_TRUE(sleeps.empty());
}

TEST(Webhook, WithoutSplittingARejectedBatchFailsEveryRecord) {
  HttpReceiver receiver;
  receiver.RejectKeys({"k1"}, RejectMode::kStatus400);
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.split_on_reject = false;
  auto delivery = Make(options)->Deliver(KeyedBatch(3));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  ASSERT_EQ(delivery->failed.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(delivery->failed[i].index, i);
  EXPECT_EQ(delivery->bytes, 0);
  EXPECT_EQ(receiver.request_count(), 1u);
}

TEST(Webhook, RejectedListInAnAcknowledgementFailsThoseRecords) {
  HttpReceiver receiver;
  receiver.RejectKeys({"k1", "k3"}, RejectMode::kRejectedList);
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(KeyedBatch(5));
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  ASSERT_EQ(delivery->failed.size(), 2u);
  EXPECT_EQ(delivery->failed[0].index, 1u);
  EXPECT_EQ(delivery->failed[1].index, 3u);
  EXPECT_EQ(delivery->failed[0].reason, "poisoned");
  EXPECT_EQ(delivery->attempts, 1);
  EXPECT_EQ(delivery->payload_sha256, Sha256Hex(receiver.requests()[0].body));
}

TEST(Webhook, MalformedAcknowledgementsStillAcknowledge) {
  HttpReceiver receiver;
  receiver.Enqueue(200, "ok, thanks");
  receiver.Enqueue(200, R"({"rejected": "k1"})");
  receiver.Enqueue(200, R"({"rejected": [7, {"key": 3}, {"key": "unknown"}, {"key": "k0"}]})");
  std::vector<int64_t> sleeps;
  auto webhook = Make(Options(receiver.url(), &sleeps));
  for (int i = 0; i < 2; ++i) {
    auto delivery = webhook->Deliver(KeyedBatch(2));
    ASSERT_TRUE(delivery.ok()) << delivery.status().message();
    EXPECT_TRUE(delivery->failed.empty());
  }
  auto partly = webhook->Deliver(KeyedBatch(2));
  ASSERT_TRUE(partly.ok()) << partly.status().message();
  ASSERT_EQ(partly->failed.size(), 1u);  // only the well-formed entry for a known key
  EXPECT_EQ(partly->failed[0].index, 0u);
  EXPECT_EQ(partly->failed[0].reason, "rejected by the destination");
}

TEST(Webhook, RefusalOfTheWholeDestinationIsAnErrorWithoutSplitting) {
  HttpReceiver receiver;
  receiver.Enqueue(401, "bad signature");
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(KeyedBatch(4));
  ASSERT_FALSE(delivery.ok());
  EXPECT_EQ(delivery.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(delivery.status().message(), "HTTP 401: bad signature"))
      << delivery.status().message();
  EXPECT_EQ(receiver.request_count(), 1u);
}

TEST(Webhook, RateLimitSpacesBatchesThroughTheSleeper) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  WebhookOptions options = Options(receiver.url(), &sleeps);
  options.rate_limit_per_second = 10;
  options.monotonic_ms = [] { return int64_t{0}; };  // time stands still: only waits count
  auto webhook = Make(options);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(webhook->Deliver(KeyedBatch(10)).ok());
  // The first 10 records use the one-second burst; each later 10 wait a second.
  EXPECT_EQ(sleeps, (std::vector<int64_t>{1000, 1000}));
  EXPECT_EQ(receiver.request_count(), 3u);
}

TEST(Webhook, CreateRejectsUnusableOptions) {
  std::vector<int64_t> sleeps;
  WebhookOptions ftp = Options("ftp://example.com/x", &sleeps);
  EXPECT_EQ(WebhookDestination::Create(ftp).status().code(), StatusCode::kInvalidArgument);
  WebhookOptions no_time = Options("http://127.0.0.1:1/x", &sleeps);
  no_time.timeout_ms = 0;
  EXPECT_EQ(WebhookDestination::Create(no_time).status().code(), StatusCode::kInvalidArgument);
  WebhookOptions no_attempt = Options("http://127.0.0.1:1/x", &sleeps);
  no_attempt.retry.max_attempts = 0;
  EXPECT_EQ(WebhookDestination::Create(no_attempt).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zcdp::activation
