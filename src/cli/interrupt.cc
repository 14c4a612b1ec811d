#include "cli/interrupt.h"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include <unistd.h>

namespace zcdp::cli {
namespace {

// A signal this soon after the one being handled is the same interrupt delivered twice, not a
// second Ctrl-C: `timeout` and `kill -INT -PGID` signal the process and then its group.
constexpr int64_t kRepeatGraceNanos = 500'000'000;

std::atomic<int> g_write_fd{-1};
std::atomic<int64_t> g_first_signal_nanos{0};  // 0 until the first signal
struct sigaction g_old_int, g_old_term;

int64_t MonotonicNanos() {  // clock_gettime is async-signal-safe
  timespec ts = {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void OnSignal(int sig) {
  const int64_t now = MonotonicNanos();
  int64_t first = 0;
  if (!g_first_signal_nanos.compare_exchange_strong(first, now)) {
    if (now - first < kRepeatGraceNanos) return;  // the same interrupt
    std::signal(sig, SIG_DFL);                    // a second Ctrl-C: end the process as usual
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
  g_first_signal_nanos = 0;
  g_write_fd = pipe_[1];
  watcher_ = std::thread([this] {
    char c = 0;
    while (::read(pipe_[0], &c, 1) == 1 && c == 'c') {
      std::fputs(
          "\nzcdp: interrupted: cancelling the running statement; its step rolls back, and a "
          "sync stops after its current batch (press Ctrl-C again to kill)\n",
          stderr);
      interrupted_.store(true);
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
