#include "zcdp/common/http.h"

#include <chrono>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/common/digest.h"

#include "support/http_receiver.h"

namespace zcdp::activation {
namespace {

using testing::ClosedLoopbackPort;
using testing::HttpReceiver;
using testing::ScriptedResponse;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Digest, Sha256MatchesPublishedVectors) {
  // FIPS 180-2 examples, and the hash the X Ads API documentation gives for "adsapi".
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex("adsapi"),
            "49e0be2aeccfb51a8dee4c945c8a70a9ac500cf6f5cb08112575f74db9b1470d");
}

TEST(Digest, HmacSha256MatchesRfc4231) {
  // RFC 4231, test case 2, and the HMAC of empty key and data.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Retry, TransientStatuses) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) {
    EXPECT_TRUE(IsTransientStatus(status)) << status;
  }
  for (long status : {200L, 204L, 301L, 400L, 401L, 404L, 409L, 413L, 422L}) {
    EXPECT_FALSE(IsTransientStatus(status)) << status;
  }
}

TEST(Retry, ParsesRetryAfterInBothForms) {
  const int64_t date = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfterMs("2", 0), 2000);
  EXPECT_EQ(ParseRetryAfterMs(" 120 ", 0), 120000);
  EXPECT_EQ(ParseRetryAfterMs("0", 0), 0);
  EXPECT_EQ(ParseRetryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", date - 5), 5000);
  EXPECT_EQ(ParseRetryAfterMs("Sunday, 06-Nov-94 08:49:37 GMT", date - 7), 7000);
  EXPECT_EQ(ParseRetryAfterMs("Sun Nov  6 08:49:37 1994", date - 1), 1000);
  EXPECT_EQ(ParseRetryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", date + 60), 0);  // past
  EXPECT_EQ(ParseRetryAfterMs("soon", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("", 0), std::nullopt);
}

TEST(Retry, RetryAfterWinsAndIsCapped) {
  RetryPolicy policy;
  policy.max_retry_after_ms = 10000;
  std::mt19937_64 rng(1);
  EXPECT_EQ(RetryDelayMs(policy, 2, 2000, rng), 2000);
  EXPECT_EQ(RetryDelayMs(policy, 6, 0, rng), 0);
  EXPECT_EQ(RetryDelayMs(policy, 2, 3'600'000, rng), 10000);
}

TEST(Retry, FullJitterStaysUnderAnExponentialCeiling) {
  RetryPolicy policy;
  policy.base_delay_ms = 100;
  policy.max_delay_ms = 1000;
  std::mt19937_64 rng(42);
  for (int attempt = 2; attempt <= 8; ++attempt) {
    const int64_t ceiling = std::min<int64_t>(1000, int64_t{100} << (attempt - 2));
    int64_t highest = 0;
    for (int draw = 0; draw < 400; ++draw) {
      const int64_t delay = RetryDelayMs(policy, attempt, std::nullopt, rng);
      ASSERT_GE(delay, 0);
      ASSERT_LE(delay, ceiling) << "attempt " << attempt;
      highest = std::max(highest, delay);
    }
    EXPECT_GT(highest, ceiling * 8 / 10) << "attempt " << attempt << " never drew near its ceiling";
  }
}

TEST(Retry, JitterIsReproducibleFromTheSeed) {
  const RetryPolicy policy;
  std::mt19937_64 a(7), b(7);
  for (int attempt = 2; attempt <= 6; ++attempt) {
    EXPECT_EQ(RetryDelayMs(policy, attempt, std::nullopt, a),
              RetryDelayMs(policy, attempt, std::nullopt, b));
  }
}

TEST(Url, RedactionDropsCredentialsQueryAndFragment) {
  EXPECT_EQ(RedactUrl("https://user:pw@hooks.example.com:8443/a/b?token=abc#frag"),
            "https://hooks.example.com:8443/a/b");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:9/hook"), "http://127.0.0.1:9/hook");
  EXPECT_EQ(RedactUrl("http://host?x=1"), "http://host");
}

TEST(HttpClient, PostsAndReadsTheAnswer) {
  HttpReceiver receiver;
  ScriptedResponse answer;
  answer.status = 202;
  answer.headers = {{"X-Answer", " yes "}};
  answer.body = R"({"ok":true})";
  receiver.Enqueue(answer);
  HttpClient client;
  auto response = client.Post(receiver.url(), {{"X-Test", "1"}}, "payload", 5000);
  ASSERT_TRUE(response.ok()) << response.status().message();
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->headers["x-answer"], "yes");
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/hook");
  EXPECT_EQ(requests[0].body, "payload");
  EXPECT_EQ(requests[0].header("x-test"), "1");
}

TEST(HttpClient, ErrorStatusesAreResponsesNotErrors) {
  HttpReceiver receiver;
  receiver.Enqueue(503, "busy");
  HttpClient client;
  auto response = client.Post(receiver.url(), {}, "{}", 5000);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->body, "busy");
}

TEST(HttpClient, RefusedConnectionIsUnavailableAndNamesTheUrl) {
  const std::string url =
      "http://user:secretpw@127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/hook?t=tok";
  HttpClient client;
  auto response = client.Post(url, {}, "{}", 2000);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  const std::string message = response.status().message();
  EXPECT_TRUE(Contains(message, "/hook")) << message;
  EXPECT_TRUE(Contains(message, "connect")) << message;
  EXPECT_FALSE(Contains(message, "secretpw")) << message;
  EXPECT_FALSE(Contains(message, "tok")) << message;
}

TEST(HttpClient, SlowAnswerTimesOut) {
  HttpReceiver receiver;
  ScriptedResponse slow;
  slow.delay_ms = 2000;
  receiver.Enqueue(slow);
  HttpClient client;
  const auto start = std::chrono::steady_clock::now();
  auto response = client.Post(receiver.url(), {}, "{}", 300);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(response.status().message(), "imeout")) << response.status().message();
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  // The handle stays usable: the next request is answered.
  auto next = client.Post(receiver.url(), {}, "{}", 2000);
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(next->status, 200);
}

TEST(HttpClient, DroppedConnectionIsUnavailable) {
  HttpReceiver receiver;
  ScriptedResponse drop;
  drop.drop = true;
  receiver.Enqueue(drop);
  HttpClient client;
  auto response = client.Post(receiver.url(), {}, "{}", 2000);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(response.status().message(), "127.0.0.1")) << response.status().message();
}

}  // namespace
}  // namespace zcdp::activation
