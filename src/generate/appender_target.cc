// A BatchTarget over one warehouse connection, shared by the DuckDB and PostgreSQL formats.
#include <utility>

#include "zcdp/warehouse/warehouse.h"

#include "generate/output.h"
#include "generate/tables.h"

namespace zcdp::synth {
namespace {

class AppenderTarget final : public BatchTarget {
 public:
  AppenderTarget(std::unique_ptr<Warehouse> conn, std::unique_ptr<AppenderSink> sink)
      : conn_(std::move(conn)), sink_(std::move(sink)) {}
  ~AppenderTarget() override { sink_.reset(); }  // appenders before their connection

  RowSink& sink() override { return *sink_; }
  Status EndBatch(int64_t) override { return Status::Ok(); }
  Status Finish() override { return sink_->Close(); }

 private:
  std::unique_ptr<Warehouse> conn_;
  std::unique_ptr<AppenderSink> sink_;
};

}  // namespace

Result<std::unique_ptr<BatchTarget>> OpenAppenderTarget(std::unique_ptr<Warehouse> conn,
                                                        std::string_view staging_schema) {
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<AppenderSink> sink,
                        AppenderSink::Open(*conn, staging_schema));
  return std::unique_ptr<BatchTarget>(new AppenderTarget(std::move(conn), std::move(sink)));
}

}  // namespace zcdp::synth
