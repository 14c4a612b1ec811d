#include "cli/progress.h"

#include <chrono>
#include <cstdio>

#include <unistd.h>

#include "zcdp/common/log.h"

namespace zcdp::cli {

Progress::Progress() : enabled_(::isatty(STDOUT_FILENO) == 1 && GetLogLevel() < LogLevel::kError) {}

void Progress::Update(const std::string& label, double fraction) {
  if (!enabled_) return;
  const int percent = static_cast<int>(fraction * 100.0);
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
  if (percent == last_percent_ || (now - last_draw_ms_ < 200 && percent < 100)) return;
  last_percent_ = percent;
  last_draw_ms_ = now;
  std::printf("\r\033[K  %s %3d%%", label.c_str(), percent);
  std::fflush(stdout);
  drawn_ = true;
}

void Progress::Done() {
  if (!drawn_) return;
  std::printf("\r\033[K");
  std::fflush(stdout);
  drawn_ = false;
  last_percent_ = -1;
}

}  // namespace zcdp::cli
