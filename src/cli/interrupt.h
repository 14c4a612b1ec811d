#pragma once

#include <atomic>
#include <thread>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp::cli {

// While alive, Ctrl-C (SIGINT) or SIGTERM cancels the statement running on `wh`: its step
// fails and rolls back as a unit, and the step and the run are recorded as interrupted. Steps that
// run outside one statement (a sync) see interrupted() and stop after their current unit of work. A
// second signal ends the process as usual. The handler only writes to a pipe; a watcher thread
// calls Cancel(). One instance at a time.
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(Warehouse& wh);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  // True once a signal arrived: long steps (a sync) stop at their next safe point.
  bool interrupted() const { return interrupted_.load(); }

 private:
  Warehouse& wh_;
  std::atomic<bool> interrupted_{false};
  int pipe_[2] = {-1, -1};
  std::thread watcher_;
};

}  // namespace zcdp::cli
