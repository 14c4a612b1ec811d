#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

#include "zcdp/generate/generator.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/generate_options.h"
#include "cli/progress.h"

namespace zcdp::cli {

int32_t TodayDays() { return static_cast<int32_t>(std::time(nullptr) / 86400); }

namespace fs = std::filesystem;

void AddGeneratorOptions(CLI::App& cmd, GeneratorCliOptions& o, bool with_postgres) {
  cmd.add_option("-n,--profiles", o.generator.profiles,
                 "number of true persons to generate (1 to 100000000)")
      ->type_name("N")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}).description(""));
  cmd.add_option("-s,--seed", o.generator.seed, "random seed; the same seed gives the same data")
      ->type_name("N");
  std::vector<std::pair<std::string, GeneratorFormat>> formats = {
      {"duckdb", GeneratorFormat::kDuckDb}, {"parquet", GeneratorFormat::kParquet}};
  std::string help = "duckdb (default): one warehouse.duckdb file; parquet: lake/<table>/*.parquet";
  if (with_postgres) {
    formats.emplace_back("postgres", GeneratorFormat::kPostgres);
    help += "; postgres: the schemas crm, web, shop and marketing of the database --dsn names";
  }
  std::string names;
  for (const auto& f : formats) names += (names.empty() ? "" : "|") + f.first;
  AddEnumOption(cmd, "--format", &o.generator.format, formats, help)->type_name(names);
  cmd.add_option("--as-of", o.as_of,
                 "the shop's 'today' (default: today, UTC); events fall in the two years "
                 "before it")
      ->type_name("YYYY-MM-DD")
      ->check(CalendarDate());
  cmd.add_option("--threads", o.generator.threads,
                 with_postgres ? "generator threads (default: all cores; postgres: at most 8, "
                                 "one connection each)"
                               : "generator threads (default: all cores)")
      ->type_name("N")
      ->check(CLI::Validator(CLI::NonNegativeNumber).description(""));
}

Status ResolveAsOf(GeneratorCliOptions& o) {
  if (o.as_of.empty()) {
    o.generator.as_of_days = TodayDays();
    return Status::Ok();
  }
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(o.as_of.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
      d < 1 || d > 31 || y < 1971 || y > 9999) {
    return Status::Invalid("--as-of: expected a date as YYYY-MM-DD, got '" + o.as_of + "'");
  }
  o.generator.as_of_days = DaysFromCivil(y, m, d);
  return Status::Ok();
}

Result<GeneratorStats> GenerateWithProgress(GeneratorOptions options) {
  Progress progress;
  options.progress = [&progress](double f) { progress.Update("generating", f); };
  Result<GeneratorStats> stats = Generate(options);
  progress.Done();
  return stats;
}

void PrintGeneratorStats(const GeneratorStats& stats) {
  std::printf("generated %lld persons in %.1fs:\n", static_cast<long long>(stats.persons),
              stats.seconds);
  for (const auto& [table, rows] : stats.rows) {
    std::printf("  %-26s %12lld rows\n", table.c_str(), static_cast<long long>(rows));
  }
}

// Checks --dsn and --replace against --format. --dsn as given goes into the project file, so
// the written project must load: a literal password is refused there. The generator connects
// with its ${ENV} references expanded (RunGenerate).
Status ResolveDsn(GeneratorCliOptions& o) {
  GeneratorOptions& g = o.generator;
  if (g.format != GeneratorFormat::kPostgres) {
    if (!g.project_dsn.empty()) return Status::Invalid("--dsn is only used with --format postgres");
    if (g.replace) return Status::Invalid("--replace is only used with --format postgres");
    return Status::Ok();
  }
  if (g.project_dsn.empty()) {
    return Status::Invalid(
        "--format postgres needs --dsn, a libpq connection string such as \"host=127.0.0.1 "
        "port=5432 dbname=shop user=zcdp\" (secrets as ${ENV_VAR})");
  }
  Diagnostics diags("zcdp.yaml");
  (void)ParseProject(DemoProjectYaml(g), "zcdp.yaml", g.out_dir, diags);
  std::string problems;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity == Diagnostic::Severity::kError) problems += "; " + d.message;
  }
  if (!problems.empty()) {
    return Status::Invalid("--dsn cannot be written into the project file" + problems +
                           " (or let libpq read it from PGPASSWORD or ~/.pgpass)");
  }
  return Status::Ok();
}

Status WriteDemoProjectFile(const GeneratorOptions& options) {
  const fs::path path = fs::path(options.out_dir) / "zcdp.yaml";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << DemoProjectYaml(options);
  out.close();
  return out ? Status::Ok() : Status::IoError("cannot write " + path.string());
}

// Writes OUT/zcdp.yaml unless the user already has one there (--replace overwrites it).
Status WriteProjectFileOnce(const GeneratorOptions& options) {
  const std::string path = (fs::path(options.out_dir) / "zcdp.yaml").string();
  std::error_code ec;
  if (fs::exists(path, ec) && !options.replace) {
    std::printf("project file: %s exists and was left unchanged\n", path.c_str());
    return Status::Ok();
  }
  ZCDP_RETURN_IF_ERROR(WriteDemoProjectFile(options));
  std::printf("project file: %s (next: zcdp run -p %s)\n", path.c_str(), options.out_dir.c_str());
  return Status::Ok();
}

int RunGenerate(GeneratorCliOptions& o) {
  Status resolved = ResolveAsOf(o);
  if (resolved.ok()) resolved = ResolveDsn(o);
  if (!resolved.ok()) return FailUsage(resolved);  // flags that do not go together
  if (o.generator.format == GeneratorFormat::kPostgres) {
    // An unset ${ENV_VAR} is the environment's, not the command line's, mistake.
    Result<std::string> dsn = ExpandEnvReferences(o.generator.project_dsn, "--dsn");
    if (!dsn.ok()) return Fail(dsn.status());
    o.generator.dsn = std::move(dsn).value();
  }
  Result<GeneratorStats> stats = GenerateWithProgress(o.generator);
  if (!stats.ok()) return Fail(stats.status());
  PrintGeneratorStats(*stats);
  std::printf("ground truth: %s/truth/persons.csv (%lld identifiers)\n",
              o.generator.out_dir.c_str(), static_cast<long long>(stats->truth_rows));
  Status written = WriteProjectFileOnce(o.generator);
  return written.ok() ? kExitOk : Fail(written);
}

void AddGenerateCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto o = std::make_shared<GeneratorCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Generate a synthetic shop (CRM, web events, orders, email engagement, consents, with "
      "identity traps) into a DuckDB file, Parquet files or PostgreSQL, its ground truth in "
      "OUT/truth/ and its project file OUT/zcdp.yaml.");
  AddGeneratorOptions(*cmd, *o, /*with_postgres=*/true);
  cmd->add_option("-o,--out", o->generator.out_dir,
                  "output directory: the DuckDB file or Parquet lake, truth/ and zcdp.yaml")
      ->type_name("DIR")
      ->required();
  cmd->add_option("--dsn", o->generator.project_dsn,
                  "with --format postgres: the libpq connection string (\"host=... port=... "
                  "dbname=... user=...\" or a postgresql:// URI); ${ENV_VAR} references are "
                  "expanded to connect and kept as written in zcdp.yaml, so write a password "
                  "as password=${ENV_VAR} (or use PGPASSWORD or ~/.pgpass)");
  cmd->add_flag("--replace", o->generator.replace,
                "with --format postgres: replace the tables crm.customers, crm.consents, "
                "web.events, shop.orders and marketing.email_events if they exist (dropped with "
                "the views that read them, in the transaction that installs the new rows) and "
                "overwrite OUT/zcdp.yaml; without it existing tables are an error");
  cmd->callback([action, o] { *action = [o] { return RunGenerate(*o); }; });
}

}  // namespace zcdp::cli
