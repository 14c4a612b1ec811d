// The DuckDB format: every thread appends through its own connection to one database file.
#include <utility>

#include "zcdp/warehouse/warehouse.h"

#include "generate/output.h"
#include "generate/tables.h"

namespace zcdp::synth {
namespace {

class DuckDbOutput final : public Output {
 public:
  explicit DuckDbOutput(std::unique_ptr<Warehouse> wh) : wh_(std::move(wh)) {}

  Result<std::unique_ptr<BatchTarget>> OpenTarget() override {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> conn, wh_->OpenAnother());
    return OpenAppenderTarget(std::move(conn));
  }
  // A checkpoint folds the write-ahead log into the file, so that readers open it quickly.
  Status Finish() override { return wh_->Execute("CHECKPOINT"); }

 private:
  std::unique_ptr<Warehouse> wh_;
};

}  // namespace

Result<std::unique_ptr<Output>> OpenDuckDbOutput(const std::string& out_dir) {
  WarehouseOptions options;
  options.path = out_dir + "/warehouse.duckdb";
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh, OpenWarehouse(options));
  // Without a limit DuckDB keeps every written block cached (up to 80% of RAM), so memory
  // would grow with the number of profiles; written blocks are cheap to evict.
  ZCDP_RETURN_IF_ERROR(wh->Execute("SET memory_limit = '256MB'"));
  ZCDP_RETURN_IF_ERROR(wh->Execute(CreateTablesSql()));
  return std::unique_ptr<Output>(new DuckDbOutput(std::move(wh)));
}

}  // namespace zcdp::synth
