#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>

#include <curl/curl.h>

#include "zcdp/common/http.h"

namespace zcdp {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Seconds of a delta-seconds value, or -1 when `s` is not one. Absurdly long values are
// clamped rather than overflowed; the caller caps them anyway.
int64_t DeltaSeconds(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  int64_t seconds = 0;
  for (char c : s) seconds = std::min<int64_t>(seconds * 10 + (c - '0'), int64_t{1} << 40);
  return seconds;
}

}  // namespace

bool IsTransientStatus(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

std::optional<int64_t> ParseRetryAfterMs(std::string_view value, int64_t now_unix_seconds) {
  value = Trim(value);
  if (const int64_t seconds = DeltaSeconds(value); seconds >= 0) return seconds * 1000;
  if (value.empty()) return std::nullopt;
  // curl_getdate reads the three HTTP-date forms (RFC 9110 section 5.6.7).
  const time_t date = curl_getdate(std::string(value).c_str(), nullptr);
  if (date == -1) return std::nullopt;
  return std::max<int64_t>(0, static_cast<int64_t>(date) - now_unix_seconds) * 1000;
}

int64_t RetryDelayMs(const RetryPolicy& policy, int attempt, std::optional<int64_t> retry_after_ms,
                     std::mt19937_64& rng) {
  if (retry_after_ms) return std::clamp<int64_t>(*retry_after_ms, 0, policy.max_retry_after_ms);
  int64_t ceiling = std::max<int64_t>(0, policy.base_delay_ms);
  for (int k = 2; k < attempt && ceiling < policy.max_delay_ms; ++k) ceiling *= 2;
  ceiling = std::min(ceiling, policy.max_delay_ms);
  if (ceiling <= 0) return 0;
  return std::uniform_int_distribution<int64_t>(0, ceiling)(rng);
}

Sleeper RealSleeper() {
  return [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
}

}  // namespace zcdp
