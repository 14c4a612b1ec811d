#pragma once

// HTTP transport shared by the destinations that POST batches: a keep-alive client over
// libcurl, and the retry policy (exponential backoff with full jitter, Retry-After honoured).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp {

// A response as received. `headers` holds the last response's headers (after any interim
// 1xx), names lower-cased, values trimmed; a repeated header keeps its last value.
struct HttpResponse {
  long status = 0;  // libcurl's type for a status code
  std::map<std::string, std::string> headers;
  std::string body;
};

// One libcurl easy handle, reused so that connections are kept alive between requests.
// Proxies from the environment are ignored, only http and https are allowed, and redirects
// are not followed. Not thread-safe: one request at a time.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs `body` to `url` with `headers` (name, value) and waits at most `timeout_ms` for
  // the whole exchange. Any HTTP status is a response, not an error. A network failure
  // (DNS, connection refused, timeout, empty reply, dropped connection, TLS) is
  // Unavailable, with a message naming the URL without credentials or query, and curl's
  // reason.
  Result<HttpResponse> Post(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::string_view body, int64_t timeout_ms);

 private:
  void* curl_;  // CURL*, kept opaque so that users need not include curl.h
};

// `url` without userinfo, query or fragment: safe to put in messages and logs.
std::string RedactUrl(std::string_view url);

// How often and how patiently a request is retried.
struct RetryPolicy {
  int max_attempts = 6;                 // requests per payload, the first one included
  int64_t base_delay_ms = 250;          // the ceiling of the first backoff
  int64_t max_delay_ms = 30000;         // the ceiling of any backoff
  int64_t max_retry_after_ms = 120000;  // a longer Retry-After is cut to this
};

// True for statuses worth retrying: 408, 429 and every 5xx. Network failures are transient
// too; every other status is final.
bool IsTransientStatus(long status);

// Milliseconds a Retry-After header value asks for: delta-seconds ("120") or an HTTP-date
// (IMF-fixdate, RFC 850 or asctime), relative to `now_unix_seconds`; a date in the past is
// 0. nullopt when the value is neither.
std::optional<int64_t> ParseRetryAfterMs(std::string_view value, int64_t now_unix_seconds);

// The delay before attempt `attempt` (2 = the first retry). With `retry_after_ms` (from a
// 429 or 503), that value capped at policy.max_retry_after_ms. Otherwise full jitter: a
// uniform draw from [0, min(max_delay_ms, base_delay_ms * 2^(attempt-2))], taken from `rng`.
// REQUIRES: attempt >= 2.
int64_t RetryDelayMs(const RetryPolicy& policy, int attempt, std::optional<int64_t> retry_after_ms,
                     std::mt19937_64& rng);

// Waits `ms` milliseconds. Injected so that tests record delays instead of waiting.
using Sleeper = std::function<void(int64_t ms)>;
// A Sleeper that really sleeps (std::this_thread::sleep_for).
Sleeper RealSleeper();

}  // namespace zcdp
