#pragma once

#include <thread>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp::cli {

// While alive, Ctrl-C (SIGINT) or SIGTERM cancels the statement running on `wh`: its step
// fails and rolls back as a unit, and the run is recorded as failed. A second signal ends
// the process as usual. The handler only writes to a pipe; a watcher thread calls Cancel().
// One instance at a time.
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(Warehouse& wh);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

 private:
  Warehouse& wh_;
  int pipe_[2] = {-1, -1};
  std::thread watcher_;
};

}  // namespace zcdp::cli
