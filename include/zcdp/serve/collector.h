#pragma once

// The collector: the tracking API's endpoints (/v1/batch, /v1/track, ... and /v1/b, /v1/t,
// ...). It authenticates the write key, inflates gzip bodies within the limit, validates each
// event, and acknowledges (200) only once the valid events are in the durable spool.
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "zcdp/common/clock.h"
#include "zcdp/serve/event.h"
#include "zcdp/serve/http_server.h"
#include "zcdp/serve/spool.h"

namespace zcdp::serve {

struct CollectorOptions {
  // A request's body after decompression. RudderStack's Python SDK sends up to 4 MB.
  size_t max_request_bytes = 8 << 20;
  ParseLimits limits;
  int retry_after_seconds = 5;  // told to clients when the spool is full
};

// Counters since start.
struct CollectorCounts {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> accepted{0};  // events spooled
  std::atomic<int64_t> rejected{0};  // events refused one by one
  std::atomic<int64_t> refused{0};   // requests answered 4xx or 5xx
};

class Collector {
 public:
  // `write_keys` maps each accepted write key to its source's name. `spool` and `clock`
  // must outlive the collector.
  Collector(std::map<std::string, std::string> write_keys, Spool& spool, const Clock& clock,
            CollectorOptions options);

  // Answers one request to a /v1/ path. 200 with {"success": true, "accepted": N,
  // "rejected": [{"index", "reason"}]}; otherwise {"code", "message"} with 400 (malformed),
  // 401 (unknown write key), 404 (no such endpoint), 405, 413 (too large), 503 (spool full,
  // with Retry-After) or 500 (the spool failed).
  HttpReply Handle(const HttpRequest& request);

  const CollectorCounts& counts() const { return counts_; }

 private:
  HttpReply Fail(int status, std::string_view code, std::string_view message);
  const std::string* SourceOf(std::string_view key) const;

  const std::map<std::string, std::string> write_keys_;
  Spool& spool_;
  const Clock& clock_;
  const CollectorOptions options_;
  CollectorCounts counts_;
};

// The write key of an "Authorization: Basic base64(key:)" header; "" when there is none.
std::string WriteKeyOfAuthorization(std::string_view header);

}  // namespace zcdp::serve
