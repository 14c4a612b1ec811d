#pragma once

// A small HTTP/1.1 (keep-alive) server on libmicrohttpd: it reads each request's body (up to
// a limit) and hands the request to one handler, called on the server's worker threads.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp::serve {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string authorization;     // the Authorization header, "" when absent
  std::string content_encoding;  // the Content-Encoding header, "" when absent
  std::string body;              // up to HttpServerOptions::max_body_bytes
  bool body_too_large = false;   // the body was longer than that: `body` is empty
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpReply(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 address
  int port = 8080;                 // 0: any free port (read it from port())
  int threads = 4;                 // worker threads, each polling its share of connections
  size_t max_body_bytes = 8 << 20;
  int idle_timeout_seconds = 30;  // a connection silent this long is closed (slow clients too)
  int max_connections = 20000;
};

class HttpServer {
 public:
  // Binds and starts serving. Unavailable when the address cannot be bound.
  // REQUIRES: `handler` is thread-safe.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   HttpHandler handler);
  // Stops (as Stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port it listens on.
  int port() const { return port_; }
  // Stops accepting and closes every connection; returns once no handler runs. Idempotent.
  void Stop();

 private:
  HttpServer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace zcdp::serve
