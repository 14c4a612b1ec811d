#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "zcdp/common/status.h"

#include "generate/rows.h"

namespace zcdp::synth {

// One thread's writer into the output. Persons are generated in numbered batches; a target
// may cut files at batch ends. Not thread-safe: used by one thread.
class BatchTarget {
 public:
  virtual ~BatchTarget() = default;
  // Where the rows of the current batch go.
  virtual RowSink& sink() = 0;
  // Ends batch `batch`: every row added since the previous EndBatch belongs to it.
  virtual Status EndBatch(int64_t batch) = 0;
  // Makes every row durable. REQUIRES: called once, after the last EndBatch.
  virtual Status Finish() = 0;
};

// Where the generated tables go: a DuckDB file or a folder of Parquet files.
class Output {
 public:
  virtual ~Output() = default;
  // A target for one more thread. Called from the generating thread before the workers run.
  virtual Result<std::unique_ptr<BatchTarget>> OpenTarget() = 0;
  // Called after every target finished.
  virtual Status Finish() = 0;
};

// OUT/warehouse.duckdb with the schemas crm, web, shop and marketing.
// REQUIRES: the file does not exist yet.
Result<std::unique_ptr<Output>> OpenDuckDbOutput(const std::string& out_dir);
// OUT/lake/<table>/part-NNNNN.parquet, one file per table and batch.
Result<std::unique_ptr<Output>> OpenParquetOutput(const std::string& out_dir);

}  // namespace zcdp::synth
