#include "zcdp/serve/http_server.h"

#include <cstring>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

namespace zcdp::serve {
namespace {

// One request being read.
struct Exchange {
  HttpRequest request;
  size_t limit = 0;
};

std::string Header(MHD_Connection* c, const char* name) {
  const char* v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  return v != nullptr ? v : "";
}

MHD_Result Reply(MHD_Connection* c, const HttpReply& reply) {
  MHD_Response* r = MHD_create_response_from_buffer(
      reply.body.size(), const_cast<char*>(reply.body.data()), MHD_RESPMEM_MUST_COPY);
  if (r == nullptr) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  for (const auto& [name, value] : reply.headers) {
    MHD_add_response_header(r, name.c_str(), value.c_str());
  }
  const MHD_Result rc = MHD_queue_response(c, static_cast<unsigned int>(reply.status), r);
  MHD_destroy_response(r);
  return rc;
}

}  // namespace

struct HttpServer::Impl {
  HttpHandler handler;
  size_t max_body_bytes = 0;
  MHD_Daemon* daemon = nullptr;

  static MHD_Result Access(void* cls, MHD_Connection* c, const char* url, const char* method,
                           const char* /*version*/, const char* upload, size_t* upload_size,
                           void** state) {
    auto* self = static_cast<Impl*>(cls);
    auto* x = static_cast<Exchange*>(*state);
    if (x == nullptr) {  // the headers are in; the body (if any) follows
      x = new Exchange;
      x->limit = self->max_body_bytes;
      x->request.method = method;
      x->request.path = url;
      x->request.authorization = Header(c, MHD_HTTP_HEADER_AUTHORIZATION);
      x->request.content_encoding = Header(c, MHD_HTTP_HEADER_CONTENT_ENCODING);
      *state = x;
      return MHD_YES;
    }
    if (*upload_size > 0) {
      // Past the limit the rest is read and dropped: memory stays bounded, and the client
      // still gets its 413 rather than a reset.
      if (!x->request.body_too_large && x->request.body.size() + *upload_size > x->limit) {
        x->request.body_too_large = true;
        std::string().swap(x->request.body);
      }
      if (!x->request.body_too_large) x->request.body.append(upload, *upload_size);
      *upload_size = 0;
      return MHD_YES;
    }
    HttpReply reply;
    try {
      reply = self->handler(x->request);
    } catch (const std::exception&) {
      // A bug, not the client's fault; the server stays up.
      reply = {500, "application/json", R"({"code":"internal","message":"internal error"})", {}};
    }
    return Reply(c, reply);
  }

  static void Completed(void* /*cls*/, MHD_Connection* /*c*/, void** state,
                        MHD_RequestTerminationCode /*why*/) {
    delete static_cast<Exchange*>(*state);
    *state = nullptr;
  }
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      HttpHandler handler) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options.port));
  if (options.port < 0 || options.port > 65535 ||
      inet_pton(AF_INET, options.host.c_str(), &addr.sin_addr) != 1) {
    return Status::Invalid(
        "listen: expected an IPv4 address and a port such as "
        "127.0.0.1:8080, got " +
        options.host + ":" + std::to_string(options.port));
  }
  std::unique_ptr<HttpServer> server(new HttpServer);
  server->impl_ = std::make_unique<Impl>();
  Impl* impl = server->impl_.get();
  impl->handler = std::move(handler);
  impl->max_body_bytes = options.max_body_bytes;
  impl->daemon = MHD_start_daemon(
      MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr, &Impl::Access, impl,
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr*>(&addr), MHD_OPTION_THREAD_POOL_SIZE,
      static_cast<unsigned int>(std::max(1, options.threads)), MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned int>(options.idle_timeout_seconds), MHD_OPTION_CONNECTION_LIMIT,
      static_cast<unsigned int>(options.max_connections), MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024U,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::Completed, impl, MHD_OPTION_END);
  if (impl->daemon == nullptr) {
    return Status::Unavailable("cannot listen on " + options.host + ":" +
                               std::to_string(options.port) +
                               " (address in use, or not an address of this machine)");
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(impl->daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : options.port;
  return server;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (impl_ && impl_->daemon != nullptr) {
    MHD_stop_daemon(impl_->daemon);
    impl_->daemon = nullptr;
  }
}

}  // namespace zcdp::serve
