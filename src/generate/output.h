#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "zcdp/common/status.h"
#include "zcdp/generate/generator.h"

#include "generate/rows.h"

namespace zcdp {
class Warehouse;
}  // namespace zcdp

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

// A target that appends through `conn`, its own connection, into the tables
// AppenderSink::Open(*conn, staging_schema) names; Finish() closes the appenders.
Result<std::unique_ptr<BatchTarget>> OpenAppenderTarget(std::unique_ptr<Warehouse> conn,
                                                        std::string_view staging_schema = {});

// Where the generated tables go: a DuckDB file, a folder of Parquet files or a PostgreSQL
// database.
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
// The schemas crm, web, shop and marketing of the PostgreSQL database `options.dsn`, loaded
// through staging tables that Finish() installs in one transaction. AlreadyExists when a
// target table exists and `options.replace` is false.
Result<std::unique_ptr<Output>> OpenPostgresOutput(const GeneratorOptions& options);

}  // namespace zcdp::synth
