#include "generate/options.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "zcdp/warehouse/value.h"

namespace zcdp::synth {
namespace {

namespace fs = std::filesystem;

bool IsNonEmptyDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && !fs::is_empty(p, ec);
}

Status ValidatePostgresOptions(const GeneratorOptions& o) {
  const bool postgres = o.format == GeneratorFormat::kPostgres;
  if (postgres && o.dsn.empty()) {
    return Status::Invalid(
        "the postgres format needs a connection string (--dsn \"host=... port=... dbname=... "
        "user=...\")");
  }
  if (!postgres && (!o.dsn.empty() || !o.project_dsn.empty())) {
    return Status::Invalid("a connection string (--dsn) is only used with the postgres format");
  }
  if (!postgres && o.replace) {
    return Status::Invalid("replace (--replace) is only used with the postgres format");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateOptions(const GeneratorOptions& o) {
  if (o.profiles < 1 || o.profiles > kMaxProfiles) {
    return Status::Invalid("profiles must be between 1 and 100000000, got " +
                           std::to_string(o.profiles));
  }
  if (o.out_dir.empty()) {
    return Status::Invalid("no output directory given: say where to write the generated shop");
  }
  if (o.threads < 0 || o.threads > 1024) {
    return Status::Invalid("threads must be between 0 (all cores) and 1024, got " +
                           std::to_string(o.threads));
  }
  if (o.batch_persons < 0) {
    return Status::Invalid("batch_persons must be 0 (default) or positive, got " +
                           std::to_string(o.batch_persons));
  }
  ZCDP_RETURN_IF_ERROR(ValidatePostgresOptions(o));
  if (o.as_of_days < 0 || o.as_of_days > DaysFromCivil(9999, 1, 1)) {
    return Status::Invalid("as_of_days must be a day between 1970-01-01 and 9999-01-01, got " +
                           std::to_string(o.as_of_days));
  }
  return Status::Ok();
}

Status PrepareOutDir(const GeneratorOptions& o) {
  const fs::path out(o.out_dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    return Status::Invalid("output path '" + o.out_dir + "' exists and is not a directory");
  }
  if (fs::exists(out / "warehouse.duckdb", ec) || IsNonEmptyDir(out / "lake")) {
    return Status::AlreadyExists(
        "output directory '" + o.out_dir +
        "' already contains a generated shop (warehouse.duckdb or lake/); choose an empty "
        "directory or remove them first, nothing was overwritten");
  }
  fs::create_directories(out / "truth", ec);
  if (ec) return Status::IoError("cannot create '" + o.out_dir + "/truth': " + ec.message());
  fs::remove(out / "truth" / "stats.json", ec);
  if (ec) return Status::IoError("cannot remove stale truth/stats.json: " + ec.message());
  return Status::Ok();
}

int32_t AsOfDays(const GeneratorOptions& o) {
  return o.as_of_days != 0 ? o.as_of_days : DaysFromCivil(2026, 1, 1);
}

int ThreadCount(const GeneratorOptions& o, int64_t batches) {
  int n = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  // Each PostgreSQL thread holds a server connection, and COPY is bound by the server.
  if (o.format == GeneratorFormat::kPostgres && o.threads == 0) {
    n = std::min(n, kMaxDefaultPostgresThreads);
  }
  return static_cast<int>(std::clamp<int64_t>(n, 1, std::max<int64_t>(batches, 1)));
}

int64_t BatchPersons(const GeneratorOptions& o) {
  return o.batch_persons > 0 ? o.batch_persons : kDefaultBatchPersons;
}

std::string FormatName(GeneratorFormat format) {
  switch (format) {
    case GeneratorFormat::kParquet:
      return "parquet";
    case GeneratorFormat::kPostgres:
      return "postgres";
    case GeneratorFormat::kDuckDb:
      break;
  }
  return "duckdb";
}

}  // namespace zcdp::synth
