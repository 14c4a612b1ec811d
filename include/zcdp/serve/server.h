#pragma once

// `zcdp serve`: one process holding the collector (HTTP), the spool and the loader. On
// DuckDB it owns the warehouse file for as long as it runs.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "zcdp/common/clock.h"
#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/serve/collector.h"
#include "zcdp/serve/http_server.h"
#include "zcdp/serve/loader.h"
#include "zcdp/serve/spool.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::serve {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  // The spool's directory; "" means the project's state dir + "/spool".
  std::string spool_dir;
  int64_t spool_max_bytes = 1LL << 30;
  int64_t segment_bytes = 64LL << 20;
  bool fsync = true;
  CollectorOptions collector;
  int threads = 4;
  // The loader runs this often; 0 never (until Stop(), when `load_on_stop`).
  int64_t load_interval_ms = 200;
  bool load_on_stop = true;
  int64_t dedupe_window_micros = 24LL * 3600 * 1000000;
};

// Splits "HOST:PORT"; InvalidArgument naming what was expected otherwise.
Status ParseListen(std::string_view text, std::string* host, int* port);

class Server {
 public:
  // Resolves the write keys (every collecting source's ${ENV_VAR}s must be set), creates the
  // collect tables, recovers the spool, loads what a previous run left in it, and starts
  // listening. `wh` is the project's warehouse, opened for writing; the server owns it.
  static Result<std::unique_ptr<Server>> Start(const Project& project,
                                               std::unique_ptr<Warehouse> wh,
                                               const ServeOptions& options,
                                               const Clock& clock = SystemClock::Instance());
  // Stop(), ignoring its error.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return http_->port(); }
  const SpoolRecovery& recovery() const { return recovery_; }
  const CollectorCounts& counts() const { return collector_->counts(); }
  // Totals of every load so far.
  LoadStats loaded() const;

  // Stops listening (in-flight requests finish), then loads what the spool holds (with
  // `load_on_stop`) and stops the loader. The error of that last load, if any. Idempotent.
  Status Stop();

 private:
  Server() = default;
  HttpReply Route(const HttpRequest& request);
  void LoaderLoop();
  Status LoadOnce();

  Project project_;
  ServeOptions options_;
  std::unique_ptr<Warehouse> wh_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<Loader> loader_;
  std::unique_ptr<Collector> collector_;
  std::unique_ptr<HttpServer> http_;
  SpoolRecovery recovery_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool stopped_ = false;   // GUARDED_BY(mu_)
  LoadStats totals_;       // GUARDED_BY(mu_)
  std::mutex load_mu_;     // one load at a time
  std::thread loader_thread_;
};

}  // namespace zcdp::serve
