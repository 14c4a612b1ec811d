#pragma once

// The delivery logic shared by the destinations that POST JSON batches (webhook, hashed
// audience upload): signature, idempotency key, rate limit, retries, and splitting a
// rejected batch until only the poisoned records fail. Each destination supplies the body.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "zcdp/activation/destination.h"
#include "zcdp/common/http.h"
#include "zcdp/model/project.h"

namespace zcdp::activation {

// How an HTTP destination reaches its endpoint.
struct HttpDestinationOptions {
  std::string url;
  std::string secret;          // the resolved HMAC key; empty = no X-Zcdp-Signature header
  int64_t timeout_ms = 30000;  // per request, connection included
  RetryPolicy retry;
  // Records per second across batches, 0 = unlimited. Every request, retries and split
  // parts included, takes its records from the bucket.
  double rate_limit_per_second = 0;
  // On a 4xx answer to a request of several records, send each half on its own, so that
  // only the records the endpoint refuses fail. Off: every record of the request fails.
  bool split_on_reject = true;
  Sleeper sleeper = RealSleeper();        // backoff and rate-limit waits; empty = real
  std::function<int64_t()> monotonic_ms;  // empty = std::chrono::steady_clock
  std::function<int64_t()> unix_seconds;  // for Retry-After dates; empty = system clock
  std::optional<uint64_t> jitter_seed;    // empty = seeded from std::random_device
};

// The HTTP options a destination's config gives: url, secret (resolved from the environment
// now; NotFound when unset), timeout and rate limit.
Result<HttpDestinationOptions> HttpOptionsFor(const DestinationConfig& dest);

// InvalidArgument unless `options` can be used: an http(s) URL, a positive timeout, at least
// one attempt, a non-negative rate.
Status ValidateHttpOptions(const HttpDestinationOptions& options);

// Internal unless every upsert of `batch` has one value per field.
Status CheckBatchShape(const Batch& batch);

// Spaces requests so that at most `rate` records per second leave, allowing a burst of one
// second's worth (at least one request). Not thread-safe.
class TokenBucket {
 public:
  // rate <= 0 means unlimited.
  TokenBucket(double rate, std::function<int64_t()> now_ms, Sleeper sleeper);

  // Waits, through the sleeper, until `records` may leave, and takes them from the bucket.
  void Acquire(size_t records);

 private:
  double rate_;
  double tokens_ = 0;
  int64_t last_ms_ = 0;
  bool started_ = false;
  std::function<int64_t()> now_ms_;
  Sleeper sleeper_;
};

// The body of one request: the records of `batch` at `indices` (ascending), sent under
// `idempotency_key`. Must be deterministic: a resend must produce the same bytes.
using BodyBuilder = std::function<std::string(const Batch& batch, std::span<const size_t> indices,
                                              const std::string& idempotency_key)>;

// Sends batches for one destination over one keep-alive connection. Not thread-safe.
//
// A request is retried while it fails transiently (network, 408, 429, 5xx) and attempts
// remain. A 2xx acknowledges it; its answer may name refused records in
// {"rejected": [{"key": ..., "reason": ...}]}. Another 4xx (but 401, 403, 404, 405, 407,
// which refuse the destination as a whole) splits the request in halves, each sent under
// "<parent key>/<first index>-<last index>", down to single records, which then fail with
// "HTTP <status>: <first 200 bytes of the answer>".
class HttpBatchSender {
 public:
  // REQUIRES: ValidateHttpOptions(options).ok().
  explicit HttpBatchSender(HttpDestinationOptions options);

  // Sends the records `indices` (ascending indices into batch.records) of `batch` under
  // batch.idempotency_key. Returns the Delivery of the acknowledged requests: `bytes` sums
  // their bodies, `payload_sha256` is the SHA-256 of their bodies concatenated in sending
  // order (so of the single body when the batch was not split; of "" when nothing was
  // accepted), `attempts` counts every request made (0 when `indices` is empty).
  // Returns Unavailable when a request stays unacknowledged after the retries, and
  // InvalidArgument when the endpoint refuses the destination as a whole or answers
  // with a status that is neither 2xx nor 4xx. Parts acknowledged before such an error were
  // delivered; a resend carries the same part keys, so the receiver can drop them.
  Result<Delivery> Send(const Batch& batch, const std::vector<size_t>& indices,
                        const BodyBuilder& build);

 private:
  struct Progress;
  Status SendPart(const Batch& batch, std::span<const size_t> indices, const std::string& key,
                  const BodyBuilder& build, Progress* progress);
  Result<HttpResponse> PostWithRetries(const std::string& body, const std::string& key,
                                       size_t records, int* attempts);
  std::vector<std::pair<std::string, std::string>> Headers(const std::string& body,
                                                           const std::string& key) const;
  std::optional<int64_t> RetryAfterMs(const HttpResponse& response) const;

  HttpDestinationOptions options_;
  HttpClient client_;
  TokenBucket bucket_;
  std::mt19937_64 rng_;
};

}  // namespace zcdp::activation
