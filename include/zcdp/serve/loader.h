#pragma once

// The loader: moves spooled events into each collecting source's table, exactly once. Each
// load seals the spool's current segment, appends the events of every sealed segment after
// the committed position, and records the last segment in `collect_positions` in the same
// transaction; only then are those segments deleted. After a crash anywhere in between, the
// next load starts from the committed position: nothing is lost and nothing loaded twice.
// Events whose (source, message_id) is already in the table within the dedupe window are
// dropped. Not thread-safe: one thread drives a loader.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/serve/spool.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::serve {

// The name of the spool in collect_positions.
inline constexpr std::string_view kSpoolName = "default";

// Creates (where absent) the output schema's collect_positions and every collecting source's
// table, marked as zcdp's. AlreadyExists when a collect table exists and zcdp did not create
// it: zcdp never writes into another's table.
Status EnsureCollectTables(const Project& project, Warehouse& wh);

// What one Load() did.
struct LoadStats {
  int64_t segments = 0;    // segments committed and deleted
  int64_t events = 0;      // events read from them
  int64_t loaded = 0;      // rows appended (events minus duplicates)
  int64_t duplicates = 0;  // dropped: their message id was loaded before
};

class Loader {
 public:
  // REQUIRES: EnsureCollectTables ran on `wh`; `project`, `wh` and `spool` outlive the loader.
  // `dedupe_window_micros` 0 turns deduplication off.
  Loader(const Project& project, Warehouse& wh, Spool& spool, int64_t dedupe_window_micros);

  // Loads every sealed segment (sealing the current one first) in one transaction. On an
  // error the transaction rolls back and the segments stay for the next call.
  Result<LoadStats> Load();

 private:
  Result<int64_t> CommittedSegment();
  Status AppendSegments(const std::vector<int64_t>& segments, LoadStats& stats);
  Status MoveStaged(LoadStats& stats);
  Status RecordPosition(int64_t segment, int64_t events);

  const Project& project_;
  Warehouse& wh_;
  Spool& spool_;
  int64_t dedupe_window_micros_;
  int64_t oldest_received_ = 0;  // the earliest received_at of the load being staged
  std::map<std::string, const SourceConfig*> sources_;  // collecting sources by name
};

}  // namespace zcdp::serve
