// `zcdp serve`: the collector, its spool and the loader, until SIGINT or SIGTERM.
#include <cstdio>

#include <pthread.h>
#include <signal.h>

#include "zcdp/serve/server.h"

#include "cli/cli.h"
#include "cli/flags.h"

namespace zcdp::cli {
namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  int64_t load_interval_ms = 200;
  int64_t spool_max_mb = 1024;
  int64_t max_request_kb = 8192;
  bool no_fsync = false;
};

int RunServe(const GlobalOptions& global, const ServeFlags& flags) {
  serve::ServeOptions options;
  options.listen = flags.listen;
  std::string host;
  int port = 0;
  if (Status s = serve::ParseListen(flags.listen, &host, &port); !s.ok()) return FailUsage(s);
  options.load_interval_ms = flags.load_interval_ms;
  options.spool_max_bytes = flags.spool_max_mb << 20;
  options.collector.max_request_bytes = static_cast<size_t>(flags.max_request_kb) << 10;
  options.fsync = !flags.no_fsync;
  // Every thread the server starts inherits this mask, so the signals reach sigwait below
  // instead of interrupting a worker.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadWrite, /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  Result<std::unique_ptr<serve::Server>> server =
      serve::Server::Start(opened.project, std::move(opened.warehouse), options);
  if (!server.ok()) return Fail(server.status());
  const serve::SpoolRecovery& r = (*server)->recovery();
  if (r.records > 0 || r.torn_bytes > 0) {
    std::fprintf(
        stderr,
        "zcdp serve: recovered %lld events from %lld spool segments (%lld torn bytes cut)\n",
        static_cast<long long>(r.records), static_cast<long long>(r.segments),
        static_cast<long long>(r.torn_bytes));
  }
  // The first line on stdout, read by scripts and tests (port 0 picks a free port).
  std::printf("zcdp serve: listening on http://%s:%d\n", host.c_str(), (*server)->port());
  std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  Status stopped = (*server)->Stop();
  const serve::LoadStats loaded = (*server)->loaded();
  if (!Quiet()) {
    std::printf(
        "zcdp serve: stopped; %lld events accepted, %lld loaded (%lld duplicates dropped)\n",
        static_cast<long long>((*server)->counts().accepted.load()),
        static_cast<long long>(loaded.loaded), static_cast<long long>(loaded.duplicates));
  }
  if (!stopped.ok()) return Fail(stopped);
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Collect tracking-API events (Segment/RudderStack: /v1/batch, /v1/track, ...) for the "
      "sources with `collect:`, acknowledge them once they are in the durable spool, and load "
      "them into the warehouse exactly once. Runs until Ctrl-C or SIGTERM.");
  cmd->add_option("--listen", flags->listen,
                  "address to listen on (default 127.0.0.1:8080; "
                  "port 0 picks a free one, printed on stdout)")
      ->type_name("HOST:PORT");
  cmd->add_option("--load-interval-ms", flags->load_interval_ms,
                  "how often the loader moves spooled events into the warehouse (default 200)")
      ->type_name("MS")
      ->check(CLI::Validator(CLI::PositiveNumber).description(""));
  cmd->add_option("--spool-max-mb", flags->spool_max_mb,
                  "spool size on disk beyond which requests get 503 (default 1024)")
      ->type_name("MB")
      ->check(CLI::Validator(CLI::PositiveNumber).description(""));
  cmd->add_option("--max-request-kb", flags->max_request_kb,
                  "largest request body after decompression (default 8192)")
      ->type_name("KB")
      ->check(CLI::Validator(CLI::PositiveNumber).description(""));
  cmd->add_flag("--no-fsync", flags->no_fsync,
                "acknowledge before the spool reaches the disk (benchmarks only: a crash loses "
                "acknowledged events)");
  cmd->callback([&global, action, flags] {
    *action = [&global, flags] { return RunServe(global, *flags); };
  });
}

}  // namespace zcdp::cli
