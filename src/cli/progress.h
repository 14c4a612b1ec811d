#pragma once

#include <string>

namespace zcdp::cli {

// A one-line progress display on stdout, drawn only when stdout is a terminal and the log
// level is below error (-q, --log-level error|quiet hide it). Not
// thread-safe: update it from one thread.
class Progress {
 public:
  Progress();
  ~Progress() { Done(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // Shows "<label> 42%". Throttled to a few redraws per second.
  void Update(const std::string& label, double fraction);
  // Clears the line.
  void Done();

 private:
  bool enabled_;
  bool drawn_ = false;
  long long last_draw_ms_ = 0;
  int last_percent_ = -1;
};

}  // namespace zcdp::cli
