#include <cctype>
#include <memory>
#include <mutex>
#include <string>

#include <curl/curl.h>

#include "zcdp/common/http.h"

namespace zcdp {
namespace {

// Beyond this, a response body is cut: zcdp reads only small acknowledgements.
constexpr size_t kMaxResponseBytes = size_t{16} << 20;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const size_t n = size * count;
  const size_t room = kMaxResponseBytes - std::min(kMaxResponseBytes, response->body.size());
  response->body.append(data, std::min(n, room));
  return n;
}

// Called once per header line, status lines included.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();  // a new response begins (after an interim 1xx)
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  response->headers[Lower(Trim(line.substr(0, colon)))] = std::string(Trim(line.substr(colon + 1)));
  return n;
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistFree>;

HeaderList MakeHeaderList(const std::vector<std::pair<std::string, std::string>>& headers) {
  HeaderList list;
  for (const auto& [name, value] : headers) {
    list.reset(curl_slist_append(list.release(), (name + ": " + value).c_str()));
  }
  // An empty "Expect:" stops curl from waiting for "100 Continue" before large bodies.
  list.reset(curl_slist_append(list.release(), "Expect:"));
  return list;
}

// Options that hold for every request of a handle.
void SetFixedOptions(CURL* curl) {
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // Proxies from the environment (http_proxy, ...) are ignored: a destination is reached
  // directly, and a test never leaves loopback.
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
}

std::string NetworkError(const std::string& url, CURLcode code, const char* detail) {
  std::string message = "POST " + RedactUrl(url) + " failed: " + curl_easy_strerror(code);
  if (detail[0] != '\0') message += std::string(" (") + detail + ")";
  return message;
}

}  // namespace

HttpClient::HttpClient() {
  GlobalInitOnce();
  curl_ = curl_easy_init();
  if (curl_ != nullptr) SetFixedOptions(static_cast<CURL*>(curl_));
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Result<HttpResponse> HttpClient::Post(
    const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view body, int64_t timeout_ms) {
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return Status::Internal("libcurl could not create a handle");
  HttpResponse response;
  char detail[CURL_ERROR_SIZE] = {};
  const HeaderList list = MakeHeaderList(headers);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  // A null POSTFIELDS would make curl read the body from stdin.
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  const CURLcode code = curl_easy_perform(curl);
  // The handle outlives this call: it must not keep pointers to these locals.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
  if (code != CURLE_OK) return Status::Unavailable(NetworkError(url, code, detail));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string RedactUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t authority_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const size_t rest = url.find_first_of("/?#", authority_begin);
  std::string_view authority = url.substr(authority_begin, rest - authority_begin);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view path;
  if (rest != std::string_view::npos) {
    path = url.substr(rest);
    path = path.substr(0, path.find_first_of("?#"));
  }
  return std::string(url.substr(0, authority_begin)) + std::string(authority) + std::string(path);
}

}  // namespace zcdp
