#include "activation/destinations/http/http_sender.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "zcdp/common/digest.h"
#include "zcdp/common/duration.h"
#include "zcdp/common/log.h"

namespace zcdp::activation {
namespace {

constexpr size_t kReasonBytes = 200;

bool IsSuccess(long status) { return status >= 200 && status <= 299; }

// A 4xx that refuses the destination as a whole (credentials, address, method): splitting
// the batch would only repeat the refusal for every record.
bool RefusesDestination(long status) {
  return status == 401 || status == 403 || status == 404 || status == 405 || status == 407;
}

bool IsRecordRejection(long status) {
  return status >= 400 && status <= 499 && !IsTransientStatus(status) &&
         !RefusesDestination(status);
}

// At most `limit` bytes of `text`, not cutting a UTF-8 sequence in two.
std::string_view Prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string StatusReason(const HttpResponse& response) {
  return "HTTP " + std::to_string(response.status) + ": " +
         std::string(Prefix(response.body, kReasonBytes));
}

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t UnixNowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

uint64_t JitterSeed(const std::optional<uint64_t>& seed) {
  if (seed) return *seed;
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

// `options` with its empty clocks and sleeper replaced by the real ones.
HttpDestinationOptions WithDefaults(HttpDestinationOptions options) {
  if (!options.sleeper) options.sleeper = RealSleeper();
  if (!options.monotonic_ms) options.monotonic_ms = &SteadyNowMs;
  if (!options.unix_seconds) options.unix_seconds = &UnixNowSeconds;
  return options;
}

// "<parent>/<first index>-<last index>": stable across resends of the same records.
std::string PartKey(const std::string& parent, std::span<const size_t> indices) {
  return parent + "/" + std::to_string(indices.front()) + "-" + std::to_string(indices.back());
}

void WarnMalformedRejected(const std::string& destination) {
  LogWarn("destination '" + destination +
          "': the answer's \"rejected\" should be a list of {\"key\": string, \"reason\": "
          "string} objects; entries that are not were ignored and their records count as "
          "delivered");
}

// The entries of `rejected` as (key, reason), skipping those without a string key. Warns
// (without customer values) when the list is not what the protocol says.
std::vector<std::pair<std::string, std::string>> RejectedEntries(const nlohmann::json& rejected,
                                                                 const std::string& destination) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!rejected.is_array()) {
    WarnMalformedRejected(destination);
    return out;
  }
  bool malformed = false;
  for (const nlohmann::json& entry : rejected) {
    const auto key = entry.is_object() ? entry.find("key") : entry.end();
    if (key == entry.end() || !key->is_string()) {
      malformed = true;
      continue;
    }
    const auto reason = entry.find("reason");
    out.emplace_back(key->get<std::string>(), reason != entry.end() && reason->is_string()
                                                  ? reason->get<std::string>()
                                                  : "rejected by the destination");
  }
  if (malformed) WarnMalformedRejected(destination);
  return out;
}

// The records of `indices` that a 2xx answer names in its "rejected" list. An answer that
// is not JSON, or has no "rejected", refuses nothing; keys not in the request are ignored.
std::vector<RowFailure> RejectedRows(const Batch& batch, std::span<const size_t> indices,
                                     const std::string& answer) {
  const nlohmann::json doc = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("rejected")) return {};
  std::multimap<std::string_view, size_t> by_key;
  for (size_t i : indices) by_key.emplace(batch.records[i].key, i);
  std::vector<RowFailure> failed;
  std::set<size_t> seen;
  for (auto& [key, reason] : RejectedEntries(doc["rejected"], batch.destination)) {
    const auto [begin, end] = by_key.equal_range(key);
    for (auto it = begin; it != end; ++it) {
      if (seen.insert(it->second).second) failed.push_back({it->second, reason});
    }
  }
  return failed;
}

}  // namespace

Status ValidateHttpOptions(const HttpDestinationOptions& options) {
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://")) {
    return Status::Invalid("destination url '" + RedactUrl(options.url) +
                           "' must start with http:// or https://");
  }
  if (options.timeout_ms <= 0) return Status::Invalid("timeout_ms must be positive");
  if (options.retry.max_attempts < 1) return Status::Invalid("max_attempts must be at least 1");
  if (!(options.rate_limit_per_second >= 0) || std::isinf(options.rate_limit_per_second)) {
    return Status::Invalid("rate_limit_per_second must be a finite number >= 0");
  }
  return Status::Ok();
}

Status CheckBatchShape(const Batch& batch) {
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const Record& record = batch.records[i];
    if (record.action == Action::kUpsert && record.values.size() != batch.fields.size()) {
      return Status::Internal("batch " + std::to_string(batch.index) + " of destination '" +
                              batch.destination + "': record " + std::to_string(i) + " has " +
                              std::to_string(record.values.size()) + " values for " +
                              std::to_string(batch.fields.size()) + " fields");
    }
  }
  return Status::Ok();
}

TokenBucket::TokenBucket(double rate, std::function<int64_t()> now_ms, Sleeper sleeper)
    : rate_(rate), now_ms_(std::move(now_ms)), sleeper_(std::move(sleeper)) {}

void TokenBucket::Acquire(size_t records) {
  if (rate_ <= 0) return;
  const double capacity = std::max(1.0, rate_);
  const int64_t now = now_ms_();
  if (!started_) {
    started_ = true;
    tokens_ = capacity;
    last_ms_ = now;
  }
  if (now > last_ms_) {
    tokens_ = std::min(capacity, tokens_ + static_cast<double>(now - last_ms_) * rate_ / 1000);
    last_ms_ = now;
  }
  tokens_ -= static_cast<double>(records);
  if (tokens_ >= 0) return;
  const auto wait = static_cast<int64_t>(std::ceil(-tokens_ * 1000 / rate_));
  sleeper_(wait);
  // The wait paid the debt. Time is counted from its end, so that a sleeper that does not
  // really sleep (a test's) still sees every later wait.
  tokens_ = 0;
  last_ms_ += wait;
}

struct HttpBatchSender::Progress {
  Delivery delivery;
  std::string accepted;  // acknowledged bodies, concatenated in sending order
};

HttpBatchSender::HttpBatchSender(HttpDestinationOptions options)
    : options_(WithDefaults(std::move(options))),
      bucket_(options_.rate_limit_per_second, options_.monotonic_ms, options_.sleeper),
      rng_(JitterSeed(options_.jitter_seed)) {}

Result<Delivery> HttpBatchSender::Send(const Batch& batch, const std::vector<size_t>& indices,
                                       const BodyBuilder& build) {
  Progress progress;
  progress.delivery.attempts = 0;
  if (!indices.empty()) {
    ZCDP_RETURN_IF_ERROR(SendPart(batch, indices, batch.idempotency_key, build, &progress));
  }
  Delivery& delivery = progress.delivery;
  delivery.bytes = static_cast<int64_t>(progress.accepted.size());
  delivery.payload_sha256 = Sha256Hex(progress.accepted);
  std::sort(delivery.failed.begin(), delivery.failed.end(),
            [](const RowFailure& a, const RowFailure& b) { return a.index < b.index; });
  return std::move(delivery);
}

Status HttpBatchSender::SendPart(const Batch& batch, std::span<const size_t> indices,
                                 const std::string& key, const BodyBuilder& build,
                                 Progress* progress) {
  const std::string body = build(batch, indices, key);
  ZCDP_ASSIGN_OR_RETURN(const HttpResponse response,
                        PostWithRetries(body, key, indices.size(), &progress->delivery.attempts));
  if (IsSuccess(response.status)) {
    progress->accepted += body;
    for (RowFailure& f : RejectedRows(batch, indices, response.body)) {
      progress->delivery.failed.push_back(std::move(f));
    }
    return Status::Ok();
  }
  if (!IsRecordRejection(response.status)) {
    return Status::Invalid("POST " + RedactUrl(options_.url) + " answered " +
                           StatusReason(response) + "; batch " + std::to_string(batch.index) +
                           " of destination '" + batch.destination + "' was not delivered");
  }
  if (options_.split_on_reject && indices.size() > 1) {
    const auto left = indices.first(indices.size() / 2);
    const auto right = indices.subspan(indices.size() / 2);
    ZCDP_RETURN_IF_ERROR(SendPart(batch, left, PartKey(key, left), build, progress));
    return SendPart(batch, right, PartKey(key, right), build, progress);
  }
  const std::string reason = StatusReason(response);
  for (size_t i : indices) progress->delivery.failed.push_back({i, reason});
  return Status::Ok();
}

Result<HttpResponse> HttpBatchSender::PostWithRetries(const std::string& body,
                                                      const std::string& key, size_t records,
                                                      int* attempts) {
  const auto headers = Headers(body, key);
  Status last;
  for (int attempt = 1;; ++attempt) {
    bucket_.Acquire(records);
    ++*attempts;
    Result<HttpResponse> response = client_.Post(options_.url, headers, body, options_.timeout_ms);
    if (response.ok() && !IsTransientStatus(response->status)) return response;
    last = response.ok() ? Status::Unavailable("POST " + RedactUrl(options_.url) + " answered " +
                                               StatusReason(*response))
                         : response.status();
    if (attempt >= options_.retry.max_attempts) break;
    const std::optional<int64_t> retry_after =
        response.ok() ? RetryAfterMs(*response) : std::nullopt;
    options_.sleeper(RetryDelayMs(options_.retry, attempt + 1, retry_after, rng_));
  }
  return Status::Unavailable(last.message() + "; gave up after " +
                             std::to_string(options_.retry.max_attempts) + " attempts");
}

std::vector<std::pair<std::string, std::string>> HttpBatchSender::Headers(
    const std::string& body, const std::string& key) const {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"},
      {"Idempotency-Key", key},
      {"User-Agent", std::string("zcdp/") + ZCDP_VERSION},
  };
  if (!options_.secret.empty()) {
    headers.emplace_back("X-Zcdp-Signature", "sha256=" + HmacSha256Hex(options_.secret, body));
  }
  return headers;
}

// Retry-After counts only on the statuses that define it for retrying: 429 and 503.
std::optional<int64_t> HttpBatchSender::RetryAfterMs(const HttpResponse& response) const {
  if (response.status != 429 && response.status != 503) return std::nullopt;
  const auto it = response.headers.find("retry-after");
  if (it == response.headers.end()) return std::nullopt;
  return ParseRetryAfterMs(it->second, options_.unix_seconds());
}

Result<HttpDestinationOptions> HttpOptionsFor(const DestinationConfig& dest) {
  HttpDestinationOptions o;
  o.url = dest.url ? dest.url->value : "";
  if (dest.secret) {
    Result<std::string> secret = ResolveSecret(*dest.secret);
    if (!secret.ok()) return secret.status().WithContext("secret");
    o.secret = std::move(secret).value();
  }
  if (dest.timeout) {
    ZCDP_ASSIGN_OR_RETURN(Duration timeout, ParseDuration(dest.timeout->value));
    o.timeout_ms = timeout.Millis();
  }
  o.rate_limit_per_second = static_cast<double>(dest.rate_limit);
  return o;
}

}  // namespace zcdp::activation
