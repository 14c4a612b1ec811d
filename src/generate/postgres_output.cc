// The PostgreSQL format: every thread COPYs through its own connection into staging tables of
// one schema; Finish() moves them into crm, web, shop and marketing in one transaction, so that
// a failed or interrupted run never leaves the target schemas half-loaded.
#include <string>
#include <utility>
#include <vector>

#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "generate/output.h"
#include "generate/tables.h"

namespace zcdp::synth {
namespace {

// Where rows are staged, one table per TableDef named by its lake_name. A run that was killed
// leaves it behind; the next run drops it (two runs into one database at once cannot both
// succeed anyway: the second finds the tables of the first).
constexpr std::string_view kStagingSchema = "zcdp_generate_staging";

// The generator's tables that already exist in their target schemas.
Result<std::vector<std::string>> ExistingTables(Warehouse& wh) {
  std::vector<std::string> found;
  for (const TableDef& d : Tables()) {
    Result<std::vector<ColumnInfo>> columns = wh.DescribeTable(d.schema, d.name);
    if (columns.ok()) {
      found.push_back(QualifiedTableName(d.table));
    } else if (columns.status().code() != StatusCode::kNotFound) {
      return columns.status();
    }
  }
  return found;
}

std::string StagingSql(const Dialect& sql) {
  std::vector<std::string> statements = {
      "DROP SCHEMA IF EXISTS " + sql.QuoteIdentifier(kStagingSchema) + " CASCADE",
      "CREATE SCHEMA " + sql.QuoteIdentifier(kStagingSchema)};
  for (const TableDef& d : Tables()) {
    statements.push_back(CreateTableSql(sql, d, kStagingSchema, d.lake_name));
  }
  return JoinStatements(statements);
}

// Moves every staging table to its target (dropping an existing one first with `replace`),
// then drops the empty staging schema. Renaming is cheap: no row is copied again.
std::string InstallSql(const Dialect& sql, bool replace) {
  std::vector<std::string> statements;
  for (const TableDef& d : Tables()) {
    statements.push_back(sql.CreateSchemaIfNotExists(d.schema));
    if (replace) {
      statements.push_back("DROP TABLE IF EXISTS " + sql.QualifiedName(d.schema, d.name) +
                           " CASCADE");
    }
    if (d.lake_name != d.name) {
      statements.push_back("ALTER TABLE " + sql.QualifiedName(kStagingSchema, d.lake_name) +
                           " RENAME TO " + sql.QuoteIdentifier(d.name));
    }
    statements.push_back("ALTER TABLE " + sql.QualifiedName(kStagingSchema, d.name) +
                         " SET SCHEMA " + sql.QuoteIdentifier(d.schema));
  }
  statements.push_back("DROP SCHEMA " + sql.QuoteIdentifier(kStagingSchema));
  return JoinStatements(statements);
}

class PostgresOutput final : public Output {
 public:
  PostgresOutput(std::unique_ptr<Warehouse> wh, bool replace)
      : wh_(std::move(wh)), replace_(replace) {}
  // Without a successful Finish() the staged rows are dropped; the targets were never touched.
  ~PostgresOutput() override {
    if (!installed_) {
      (void)wh_->Execute("DROP SCHEMA IF EXISTS " + wh_->dialect().QuoteIdentifier(kStagingSchema) +
                         " CASCADE");
    }
  }
  PostgresOutput(const PostgresOutput&) = delete;
  PostgresOutput& operator=(const PostgresOutput&) = delete;

  Status Stage() { return wh_->Execute(StagingSql(wh_->dialect())); }

  Result<std::unique_ptr<BatchTarget>> OpenTarget() override {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> conn, wh_->OpenAnother());
    return OpenAppenderTarget(std::move(conn), kStagingSchema);
  }

  Status Finish() override {
    // Fresh statistics, so that the first `zcdp run` plans well (autovacuum comes later).
    for (const TableDef& d : Tables()) {
      for (const auto& sql : wh_->dialect().RefreshStatistics(kStagingSchema, d.lake_name)) {
        ZCDP_RETURN_IF_ERROR(wh_->Execute(sql));
      }
    }
    Transaction tx(*wh_);
    ZCDP_RETURN_IF_ERROR(tx.Begin());
    ZCDP_RETURN_IF_ERROR(wh_->Execute(InstallSql(wh_->dialect(), replace_)));
    ZCDP_RETURN_IF_ERROR(tx.Commit());
    installed_ = true;
    return Status::Ok();
  }

 private:
  std::unique_ptr<Warehouse> wh_;
  const bool replace_;
  bool installed_ = false;
};

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

Result<std::unique_ptr<Output>> OpenPostgresOutput(const GeneratorOptions& options) {
  WarehouseOptions connect;
  connect.type = "postgres";
  connect.dsn = options.dsn;
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh, OpenWarehouse(connect));
  ZCDP_ASSIGN_OR_RETURN(std::vector<std::string> existing, ExistingTables(*wh));
  if (!existing.empty() && !options.replace) {
    return Status::AlreadyExists(
        "the PostgreSQL database already holds " + Joined(existing) +
        "; drop them first, or replace them with --replace (dropped with the views that read "
        "them, in the transaction that installs the new rows); nothing was changed");
  }
  auto output = std::make_unique<PostgresOutput>(std::move(wh), options.replace);
  ZCDP_RETURN_IF_ERROR(output->Stage());
  return std::unique_ptr<Output>(std::move(output));
}

}  // namespace zcdp::synth
