// The Parquet format: every thread stages a batch in its own in-memory DuckDB, then copies
// each table to lake/<table>/part-<batch>.parquet and starts afresh, so memory stays bounded.
#include <filesystem>
#include <string>
#include <utility>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "generate/format.h"
#include "generate/output.h"
#include "generate/tables.h"

namespace zcdp::synth {
namespace {

std::string DropTablesSql() {
  std::string sql;
  for (const TableDef& d : Tables()) sql += "DROP TABLE " + QualifiedTableName(d.table) + ";\n";
  return sql;
}

class ParquetTarget final : public BatchTarget {
 public:
  ParquetTarget(std::string lake_dir, std::unique_ptr<Warehouse> db)
      : lake_dir_(std::move(lake_dir)), db_(std::move(db)) {}
  ~ParquetTarget() override { sink_.reset(); }

  Status Start() {
    ZCDP_RETURN_IF_ERROR(db_->Execute(CreateTablesSql()));
    ZCDP_ASSIGN_OR_RETURN(sink_, AppenderSink::Open(*db_));
    return Status::Ok();
  }
  RowSink& sink() override { return *sink_; }
  Status EndBatch(int64_t batch) override;
  Status Finish() override { return sink_->Close(); }

 private:
  std::string PartPath(const TableDef& d, int64_t batch) const {
    std::string path = lake_dir_ + "/" + std::string(d.lake_name) + "/part-";
    AppendDigits(batch, batch < 100000 ? 5 : 8, path);
    return path + ".parquet";
  }

  std::string lake_dir_;
  std::unique_ptr<Warehouse> db_;
  std::unique_ptr<AppenderSink> sink_;
};

Status ParquetTarget::EndBatch(int64_t batch) {
  ZCDP_RETURN_IF_ERROR(sink_->Close());
  sink_.reset();
  for (const TableDef& d : Tables()) {
    const std::string sql = "COPY " + QualifiedTableName(d.table) + " TO " +
                            db_->dialect().QuoteString(PartPath(d, batch)) +
                            " (FORMAT parquet, COMPRESSION zstd)";
    ZCDP_RETURN_IF_ERROR(db_->Execute(sql));
  }
  // Dropping (rather than deleting rows) hands the batch's memory back at once.
  ZCDP_RETURN_IF_ERROR(db_->Execute(DropTablesSql()));
  return Start();
}

class ParquetOutput final : public Output {
 public:
  explicit ParquetOutput(std::string lake_dir) : lake_dir_(std::move(lake_dir)) {}

  Result<std::unique_ptr<BatchTarget>> OpenTarget() override {
    WarehouseOptions options;
    options.path = ":memory:";
    options.threads = 1;  // the generator's threads are the parallelism
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> db, OpenWarehouse(options));
    auto target = std::make_unique<ParquetTarget>(lake_dir_, std::move(db));
    ZCDP_RETURN_IF_ERROR(target->Start());
    return std::unique_ptr<BatchTarget>(std::move(target));
  }
  Status Finish() override { return Status::Ok(); }

 private:
  std::string lake_dir_;
};

}  // namespace

Result<std::unique_ptr<Output>> OpenParquetOutput(const std::string& out_dir) {
  const std::string lake = out_dir + "/lake";
  for (const TableDef& d : Tables()) {
    std::error_code ec;
    std::filesystem::create_directories(lake + "/" + std::string(d.lake_name), ec);
    if (ec) return Status::IoError("cannot create '" + lake + "': " + ec.message());
  }
  return std::unique_ptr<Output>(new ParquetOutput(lake));
}

}  // namespace zcdp::synth
