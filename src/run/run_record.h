#pragma once

#include "zcdp/run/pipeline.h"

namespace zcdp {

// Reads and writes <output_schema>.runs and .run_steps: the run record in the warehouse.
class RunRecord {
 public:
  RunRecord(const Project& project, Warehouse& wh) : project_(project), wh_(wh) {}

  // Allocates the next run id and inserts the run as running.
  Result<int64_t> Start(int64_t started_micros);
  Status SaveStep(int64_t run_id, int position, const StepOutcome& step);
  Status Finish(const RunSummary& summary);

 private:
  std::string Table(std::string_view name) const;
  const Project& project_;
  Warehouse& wh_;
};

}  // namespace zcdp
