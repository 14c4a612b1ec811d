#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "zcdp/common/status.h"

namespace zcdp {

// Where the generated shop is written.
enum class GeneratorFormat {
  kDuckDb,    // OUT/warehouse.duckdb with schemas crm, web, shop, marketing
  kParquet,   // OUT/lake/<table>/part-NNNNN.parquet, read in place by the project file
  kPostgres,  // the schemas crm, web, shop, marketing of a PostgreSQL database (`dsn`)
};

struct GeneratorOptions {
  int64_t profiles = 10000;  // true persons; REQUIRES: 1 <= profiles <= 100'000'000
  uint64_t seed = 42;
  std::string out_dir;  // created if missing
  GeneratorFormat format = GeneratorFormat::kDuckDb;
  // The "today" of the generated shop (days since epoch, UTC). Events fall in the 2 years
  // before it. The same (seed, as_of_days, profiles) always gives the same data, for any
  // `threads` and `batch_persons`. 0 means 2026-01-01 (fixed, so that defaults reproduce).
  int32_t as_of_days = 0;
  int threads = 0;  // 0: all cores (postgres: at most 8, one connection each)
  // Persons per unit of work (and per Parquet part file); 0: the default (16384). Memory
  // grows with threads x batch_persons, never with profiles.
  int64_t batch_persons = 0;
  // kPostgres: the libpq connection string, secrets resolved (never printed or stored), and
  // the one written into the demo project file, with its ${ENV_VAR} references kept (empty:
  // `dsn`). REQUIRES for kPostgres: dsn is not empty.
  std::string dsn;
  std::string project_dsn;
  // kPostgres: drop the generator's five tables (CASCADE: views reading them too) in the
  // transaction that installs the new ones. Without it, existing tables are an error.
  bool replace = false;
  // Called from the generating thread with a fraction in [0, 1]; may be empty.
  std::function<void(double)> progress;
};

// What was generated: rows per table ("crm.customers", "web.events", ...) and counts of the
// traps, as also written to OUT/truth/stats.json.
struct GeneratorStats {
  std::map<std::string, int64_t> rows;
  std::map<std::string, int64_t> traps;
  int64_t persons = 0;
  int64_t truth_rows = 0;
  double seconds = 0;
};

// Generates the synthetic shop and its ground truth (OUT/truth/persons.csv,
// OUT/truth/shared.csv, OUT/truth/stats.json) in bounded memory.
// Fails with InvalidArgument on bad options and IoError/WarehouseError on write failures;
// on failure nothing half-written is left claiming to be complete (stats.json is written last).
// kPostgres loads staging tables and installs them in one transaction at the end: after a
// failure the target schemas are as they were (AlreadyExists when they hold the tables and
// `replace` is false).
Result<GeneratorStats> Generate(const GeneratorOptions& options);

// A zcdp.yaml describing the generated data (sources, identity, traits, audiences, consent),
// with paths relative to OUT. Contains no customer values; for kPostgres its warehouse block
// is {type: postgres, dsn: <project_dsn>}.
std::string DemoProjectYaml(const GeneratorOptions& options);

}  // namespace zcdp
