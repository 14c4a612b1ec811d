#include "cli/interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdio>

#include <unistd.h>

namespace zcdp::cli {
namespace {

std::atomic<int> g_write_fd{-1};
std::atomic<int> g_signals{0};
struct sigaction g_old_int, g_old_term;

void OnSignal(int sig) {
  if (g_signals.fetch_add(1) >= 1) {  // the second one: end the process as usual
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const char c = 'c';
    (void)!::write(fd, &c, 1);
  }
}

}  // namespace

CancelOnInterrupt::CancelOnInterrupt(Warehouse& wh) : wh_(wh) {
  if (::pipe(pipe_) != 0) return;  // no cancellation; signals keep their default action
  g_signals = 0;
  g_write_fd = pipe_[1];
  watcher_ = std::thread([this] {
    char c = 0;
    while (::read(pipe_[0], &c, 1) == 1 && c == 'c') {
      std::fputs(
          "\nzcdp: interrupted: cancelling the running statement; its step rolls back "
          "(press Ctrl-C again to kill)\n",
          stderr);
      (void)wh_.Cancel();
    }
  });
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  if (!watcher_.joinable()) return;
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_write_fd = -1;
  const char q = 'q';
  (void)!::write(pipe_[1], &q, 1);
  watcher_.join();
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

}  // namespace zcdp::cli
