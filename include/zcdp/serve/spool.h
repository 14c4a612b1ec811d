#pragma once

// The collector's durable spool: append-only segment files in a directory, one record per
// event (length, CRC-32, bytes). Append() returns once its records are on disk (a group
// commit: one fdatasync for every request waiting at that moment). Segments are sealed by
// Rotate(); the loader reads sealed segments and deletes each only after the warehouse
// commit that holds its events. Thread-safe.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp::serve {

struct SpoolOptions {
  std::string dir;                     // created if missing
  int64_t max_bytes = 1LL << 30;       // on disk, all segments; beyond it Append refuses
  int64_t segment_bytes = 64LL << 20;  // a segment is sealed once it is this large
  bool fsync = true;                   // false: acknowledged before reaching the disk
};

// What Recover found.
struct SpoolRecovery {
  int64_t segments = 0;
  int64_t records = 0;
  int64_t torn_bytes = 0;  // cut from the tails of segments (a record half written)
};

class Spool {
 public:
  // Opens the spool in `options.dir`: every segment found is checked record by record and
  // cut after its last whole record, then sealed; new records go to a new segment.
  static Result<std::unique_ptr<Spool>> Open(const SpoolOptions& options,
                                             SpoolRecovery* recovery = nullptr);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends `records` (each written with its own length and CRC) and returns once they are
  // durable. Unavailable when the spool is full (max_bytes): nothing was written, retry later.
  // IoError when the disk refused; the spool then refuses every later append.
  Status Append(const std::vector<std::string>& records);

  // Seals the segment being written when it holds records, so that the loader can take it.
  // Returns the numbers of every sealed segment, ascending.
  Result<std::vector<int64_t>> Rotate();

  // Calls `fn` with each record of sealed segment `segment`, in order. IoError when the
  // segment cannot be read; a record whose CRC fails ends the segment (it cannot be sealed
  // torn: Open cut it), reported as IoError.
  Status ForEachRecord(int64_t segment, const std::function<Status(std::string_view)>& fn);

  // Deletes sealed segments numbered up to `through`, and syncs the directory.
  Status DeleteThrough(int64_t through);

  // Bytes on disk in every segment, sealed or not.
  int64_t bytes() const;

  // The path of segment `n` (for tests).
  std::string SegmentPath(int64_t n) const;

 private:
  explicit Spool(SpoolOptions options);
  Status Recover(SpoolRecovery* recovery);
  Status OpenSegment(int64_t n);
  void WriterLoop();

  struct Pending {
    std::string bytes;
    Status status;
    bool done = false;
  };

  const SpoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits for pending appends
  std::condition_variable done_cv_;  // appenders wait for their batch to be durable
  std::deque<Pending*> queue_;       // GUARDED_BY(mu_)
  std::vector<int64_t> sealed_;      // GUARDED_BY(mu_), ascending
  int64_t current_ = 0;              // GUARDED_BY(mu_): the segment being written
  int fd_ = -1;                      // GUARDED_BY(mu_) for rotation; the writer writes to it
  int64_t current_bytes_ = 0;        // GUARDED_BY(mu_)
  int64_t total_bytes_ = 0;          // GUARDED_BY(mu_)
  int64_t reserved_bytes_ = 0;       // GUARDED_BY(mu_): queued, not written yet
  Status broken_;                    // GUARDED_BY(mu_): the write error that stopped it
  bool writing_ = false;             // GUARDED_BY(mu_): the writer holds a batch
  bool stop_ = false;                // GUARDED_BY(mu_)
  std::thread writer_;
};

// CRC-32 (zlib's) of `bytes`.
uint32_t Crc32(std::string_view bytes);

}  // namespace zcdp::serve
