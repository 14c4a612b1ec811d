#include "zcdp/serve/server.h"

#include <nlohmann/json.hpp>

#include "zcdp/common/log.h"

namespace zcdp::serve {
namespace {

// Every collecting source's write keys, resolved from the environment now.
Result<std::map<std::string, std::string>> ResolveWriteKeys(const Project& project) {
  std::map<std::string, std::string> keys;
  for (const auto& s : project.sources) {
    if (!s.collect) continue;
    for (const auto& ref : s.collect->write_keys) {
      Result<std::string> key = ResolveSecret(ref);
      if (!key.ok()) {
        return Status::NotFound("source '" + s.name.value +
                                "': collect.write_keys: " + key.status().message());
      }
      if (key->empty()) {
        return Status::Invalid("source '" + s.name.value + "': collect.write_keys: $" +
                               ref.env_var + " is empty");
      }
      keys[*key] = s.name.value;
    }
  }
  if (keys.empty()) {
    return Status::Invalid(
        "no source collects events: add `collect: {write_keys: ['${APP_WRITE_KEY}'], table: "
        "events.app_tracks}` to an events source (docs/serve.md)");
  }
  return keys;
}

void Add(LoadStats& into, const LoadStats& s) {
  into.segments += s.segments;
  into.events += s.events;
  into.loaded += s.loaded;
  into.duplicates += s.duplicates;
}

}  // namespace

Status ParseListen(std::string_view text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  const std::string expected =
      "--listen: expected HOST:PORT such as 127.0.0.1:8080 (port 0 picks a free one), got '" +
      std::string(text) + "'";
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::Invalid(expected);
  }
  int p = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || p > 65535) return Status::Invalid(expected);
    p = p * 10 + (c - '0');
  }
  if (p > 65535) return Status::Invalid(expected);
  *host = std::string(text.substr(0, colon));
  *port = p;
  return Status::Ok();
}

Result<std::unique_ptr<Server>> Server::Start(const Project& project, std::unique_ptr<Warehouse> wh,
                                              const ServeOptions& options, const Clock& clock) {
  HttpServerOptions http;
  ZCDP_RETURN_IF_ERROR(ParseListen(options.listen, &http.host, &http.port));
  ZCDP_ASSIGN_OR_RETURN(auto keys, ResolveWriteKeys(project));
  std::unique_ptr<Server> server(new Server);
  server->project_ = project;
  server->options_ = options;
  server->wh_ = std::move(wh);
  ZCDP_RETURN_IF_ERROR(EnsureCollectTables(server->project_, *server->wh_));
  SpoolOptions spool;
  spool.dir = options.spool_dir.empty() ? project.StateDir() + "/spool" : options.spool_dir;
  spool.max_bytes = options.spool_max_bytes;
  spool.segment_bytes = options.segment_bytes;
  spool.fsync = options.fsync;
  ZCDP_ASSIGN_OR_RETURN(server->spool_, Spool::Open(spool, &server->recovery_));
  server->loader_ = std::make_unique<Loader>(server->project_, *server->wh_, *server->spool_,
                                             options.dedupe_window_micros);
  // What the last run acknowledged and did not load goes in before anything new.
  if (options.load_interval_ms > 0) ZCDP_RETURN_IF_ERROR(server->LoadOnce());
  server->collector_ =
      std::make_unique<Collector>(std::move(keys), *server->spool_, clock, options.collector);
  http.threads = options.threads;
  // The compressed body is at most the inflated limit (and a little for gzip's framing).
  http.max_body_bytes = options.collector.max_request_bytes + size_t{64} * 1024;
  Server* self = server.get();
  ZCDP_ASSIGN_OR_RETURN(server->http_, HttpServer::Start(http, [self](const HttpRequest& r) {
                          return self->Route(r);
                        }));
  if (options.load_interval_ms > 0) {
    server->loader_thread_ = std::thread([self] { self->LoaderLoop(); });
  }
  return server;
}

Server::~Server() { (void)Stop(); }

HttpReply Server::Route(const HttpRequest& request) {
  if (request.path == "/healthz") {
    return {200, "application/json", R"({"status":"ok"})", {}};
  }
  return collector_->Handle(request);
}

Status Server::LoadOnce() {
  std::lock_guard<std::mutex> lock(load_mu_);
  Result<LoadStats> stats = loader_->Load();
  if (!stats.ok()) return stats.status();
  if (stats->segments > 0) {
    LogDebug("serve: loaded " + std::to_string(stats->loaded) + " events (" +
             std::to_string(stats->duplicates) + " duplicates dropped) from " +
             std::to_string(stats->segments) + " spool segments");
  }
  std::lock_guard<std::mutex> totals(mu_);
  Add(totals_, *stats);
  return Status::Ok();
}

void Server::LoaderLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.load_interval_ms));
    if (stopping_) break;
    lock.unlock();
    Status s = LoadOnce();
    // The segments stay in the spool; the next load retries them.
    if (!s.ok()) LogWarn("serve: the loader failed and will retry: " + s.message());
    lock.lock();
  }
}

LoadStats Server::loaded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return totals_;
}

Status Server::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return Status::Ok();
    stopped_ = true;
    stopping_ = true;
  }
  cv_.notify_all();
  if (http_) http_->Stop();
  if (loader_thread_.joinable()) loader_thread_.join();
  Status last = Status::Ok();
  if (options_.load_on_stop && loader_) last = LoadOnce();
  return last;
}

}  // namespace zcdp::serve
