#pragma once

// A loopback HTTP receiver for tests, on libmicrohttpd: binds 127.0.0.1 on a free port,
// records every request, and answers from a script so that tests can make an endpoint
// fail in the ways real ones do (error statuses, Retry-After, slow answers, dropped
// connections, poisoned records). One thread per connection: a delayed answer does not
// hold up the next request.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

namespace zcdp::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent. `name` is lower-case.
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One scripted answer.
struct ScriptedResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Retry-After", "2"}
  std::string body = "{}";
  int64_t delay_ms = 0;  // wait this long before answering (to make a client time out)
  bool drop = false;     // close the connection without any answer
};

// How a request holding a poisoned record is answered.
enum class RejectMode {
  kStatus400,     // 400 for the whole request
  kRejectedList,  // 200 {"rejected": [{"key": ..., "reason": "poisoned"}]}
};

// What a receiver keeps of the requests it answers.
enum class Recording {
  kEverything,  // each request, and the keys it accepted: what tests assert on
  // Only request_count() and bytes_received(); bodies are not parsed, so RejectKeys has no
  // effect. For benchmarks, where a million records' bodies would cost memory, and parsing
  // them the CPU the client is measured on.
  kCountsOnly,
};

// Thread-safe. Stops, and waits for its connections, in the destructor.
class HttpReceiver {
 public:
  explicit HttpReceiver(Recording recording = Recording::kEverything) : recording_(recording) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_ = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, nullptr, nullptr,
        &HttpReceiver::OnRequest, this, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED,
        &HttpReceiver::OnCompleted, this, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (daemon_ == nullptr) {
      ADD_FAILURE() << "the test HTTP receiver could not start";
      return;
    }
    port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
  }

  ~HttpReceiver() {
    stopping_ = true;
    if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  }

  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  // The next requests are answered by these, in order; then the reject rule or 200 "{}".
  void Enqueue(ScriptedResponse response) {
    std::lock_guard<std::mutex> lock(mutex_);
    script_.push_back(std::move(response));
  }
  void Enqueue(unsigned status, std::string body = "{}") {
    ScriptedResponse response;
    response.status = status;
    response.body = std::move(body);
    Enqueue(std::move(response));
  }

  // Requests holding a record (or member) whose "key" is in `keys` are refused as `mode`
  // says, once the script is used up.
  void RejectKeys(std::set<std::string> keys, RejectMode mode) {
    std::lock_guard<std::mutex> lock(mutex_);
    poisoned_ = std::move(keys);
    reject_mode_ = mode;
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  size_t request_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return request_count_;
  }
  // The bytes of every request body received.
  size_t bytes_received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_received_;
  }

  // How many distinct Idempotency-Key values were answered 2xx: what a receiver that drops
  // duplicates would have processed.
  size_t DistinctAcceptedKeys() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_keys_.size();
  }

  // The record keys of the requests answered 2xx, minus those named in a rejected list.
  std::multiset<std::string> AcceptedRecordKeys() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_records_;
  }

 private:
  // The body being received, per request.
  struct Upload {
    std::string body;
  };

  // The string "key"s of the objects in the body's lists named `lists`.
  static std::vector<std::string> KeysIn(const std::string& body,
                                         std::initializer_list<const char*> lists) {
    const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    std::vector<std::string> keys;
    if (!doc.is_object()) return keys;
    for (const char* list : lists) {
      const auto it = doc.find(list);
      if (it == doc.end() || !it->is_array()) continue;
      for (const auto& r : *it) {
        if (r.is_object() && r.contains("key") && r["key"].is_string()) {
          keys.push_back(r["key"].get<std::string>());
        }
      }
    }
    return keys;
  }
  static std::vector<std::string> RecordKeys(const std::string& body) {
    return KeysIn(body, {"records", "members"});
  }
  static std::vector<std::string> RejectedKeys(const std::string& body) {
    return KeysIn(body, {"rejected"});
  }

  // Sets `out` to refuse the request when one of `keys` is poisoned; false when none is.
  bool Poisoned(const std::vector<std::string>& keys, ScriptedResponse* out) const {
    nlohmann::json rejected = nlohmann::json::array();
    for (const auto& k : keys) {
      if (poisoned_.count(k) > 0) rejected.push_back({{"key", k}, {"reason", "poisoned"}});
    }
    if (rejected.empty()) return false;
    if (reject_mode_ == RejectMode::kStatus400) {
      out->status = 400;
      out->body = "poisoned record in request";
    } else {
      out->body = nlohmann::json{{"rejected", rejected}}.dump();
    }
    return true;
  }

  // Records `request` and picks its answer. Called with the mutex held.
  ScriptedResponse Decide(const ReceivedRequest& request) {
    ++request_count_;
    bytes_received_ += request.body.size();
    ScriptedResponse answer;
    if (recording_ == Recording::kCountsOnly) {
      if (!script_.empty()) {
        answer = std::move(script_.front());
        script_.pop_front();
      }
      return answer;
    }
    requests_.push_back(request);
    const std::vector<std::string> keys = RecordKeys(request.body);
    if (!script_.empty()) {
      answer = std::move(script_.front());
      script_.pop_front();
    } else {
      Poisoned(keys, &answer);
    }
    if (!answer.drop && answer.status >= 200 && answer.status <= 299) {
      accepted_keys_.insert(request.header("idempotency-key"));
      const std::vector<std::string> refused = RejectedKeys(answer.body);
      for (const auto& k : keys) {
        if (std::find(refused.begin(), refused.end(), k) == refused.end()) {
          accepted_records_.insert(k);
        }
      }
    }
    return answer;
  }

  void Wait(int64_t ms) const {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!stopping_ && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  static MHD_Result CollectHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
    std::string name(key);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    (*static_cast<std::map<std::string, std::string>*>(cls))[name] = value ? value : "";
    return MHD_YES;
  }

  MHD_Result Answer(MHD_Connection* connection, const ReceivedRequest& request) {
    ScriptedResponse answer;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      answer = Decide(request);
    }
    if (answer.delay_ms > 0) Wait(answer.delay_ms);
    if (answer.drop || stopping_) return MHD_NO;  // closes the connection, answering nothing
    MHD_Response* response = MHD_create_response_from_buffer(answer.body.size(), answer.body.data(),
                                                             MHD_RESPMEM_MUST_COPY);
    for (const auto& [name, value] : answer.headers) {
      MHD_add_response_header(response, name.c_str(), value.c_str());
    }
    const MHD_Result queued = MHD_queue_response(connection, answer.status, response);
    MHD_destroy_response(response);
    return queued;
  }

  static MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url,
                              const char* method, const char* /*version*/, const char* upload_data,
                              size_t* upload_data_size, void** request_state) {
    if (*request_state == nullptr) {  // headers only so far
      *request_state = std::make_unique<Upload>().release();
      return MHD_YES;
    }
    auto* upload = static_cast<Upload*>(*request_state);
    if (*upload_data_size != 0) {
      upload->body.append(upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }
    ReceivedRequest request{method, url, {}, std::move(upload->body)};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, &HttpReceiver::CollectHeader,
                              &request.headers);
    return static_cast<HttpReceiver*>(cls)->Answer(connection, request);
  }

  static void OnCompleted(void* /*cls*/, MHD_Connection*, void** request_state,
                          MHD_RequestTerminationCode) {
    std::unique_ptr<Upload> owned(static_cast<Upload*>(*request_state));
    *request_state = nullptr;
  }

  const Recording recording_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::deque<ScriptedResponse> script_;
  std::set<std::string> poisoned_;
  RejectMode reject_mode_ = RejectMode::kStatus400;
  std::vector<ReceivedRequest> requests_;
  size_t request_count_ = 0;
  size_t bytes_received_ = 0;
  std::set<std::string> accepted_keys_;
  std::multiset<std::string> accepted_records_;
};

// A loopback port with nothing listening: bound, read, and closed again.
inline uint16_t ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    ADD_FAILURE() << "could not reserve a loopback port";
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace zcdp::testing
