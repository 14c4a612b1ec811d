#pragma once

#include <string>

#include "zcdp/common/status.h"
#include "zcdp/run/pipeline.h"

namespace zcdp {

// zcdp's own state directory beside the project file (<project dir>/.zcdp). It holds run
// metadata and a lock, never customer values: the warehouse is the system of record.
class StateDir {
 public:
  // Creates the directory if missing.
  static Result<StateDir> Open(const Project& project);

  // Holds an exclusive lock on <state>/run.lock until destroyed, so that two runs of the same
  // project never interleave. Fails with Unavailable when another process holds it.
  class Lock {
   public:
    explicit Lock(int fd) : fd_(fd) {}
    Lock(Lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    Lock& operator=(Lock&&) = delete;
    ~Lock();

   private:
    int fd_;
  };
  Result<Lock> LockRuns() const;

  // Writes <state>/last_run.json: run id, status, times, and per-step names and counts.
  // Error texts are left out: they may quote warehouse values and live in the warehouse's
  // run record instead.
  Status WriteLastRun(const RunSummary& summary) const;

  const std::string& path() const { return path_; }

 private:
  explicit StateDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace zcdp
