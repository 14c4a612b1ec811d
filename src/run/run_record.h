#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zcdp/run/pipeline.h"

namespace zcdp {

// The lease namespace of the runs of `output_schema` (Warehouse::TryLease; the key is the
// run id): a hash, so that the runs of two projects sharing a database do not collide.
int32_t RunLeaseSpace(const std::string& output_schema);

// Reads and writes <output_schema>.runs and .run_steps: the run record in the warehouse.
class RunRecord {
 public:
  RunRecord(const Project& project, Warehouse& wh) : project_(project), wh_(wh) {}

  // Records as abandoned every run still `running` whose lease nobody holds (its process is
  // gone), noting which of its steps had committed. Returns their ids, oldest first.
  Result<std::vector<int64_t>> AbandonDeadRuns();
  // Allocates the next run id, takes the run's lease (held until Finish) and inserts the run
  // as running. Unavailable when another run starting at the same time took that id.
  Result<int64_t> Start(int64_t started_micros);
  Status SaveStep(int64_t run_id, int position, const StepOutcome& step);
  // Records the run's end and releases its lease.
  Status Finish(const RunSummary& summary);

 private:
  std::string Table(std::string_view name) const;
  int32_t LeaseSpace() const { return RunLeaseSpace(project_.warehouse.output_schema); }
  // "committed: sources, identity; ..." for an abandoned run.
  Result<std::string> AbandonedNote(int64_t run_id);
  const Project& project_;
  Warehouse& wh_;
};

}  // namespace zcdp
