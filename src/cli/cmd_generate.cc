#include <cstdio>
#include <ctime>
#include <map>

#include "zcdp/generate/generator.h"

#include "cli/cli.h"
#include "cli/generate_options.h"
#include "cli/progress.h"

namespace zcdp::cli {

int32_t TodayDays() { return static_cast<int32_t>(std::time(nullptr) / 86400); }

void AddGeneratorOptions(CLI::App& cmd, GeneratorCliOptions& o) {
  cmd.add_option("-n,--profiles", o.generator.profiles,
                 "number of true persons to generate (1 to 100000000)")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  cmd.add_option("-s,--seed", o.generator.seed, "random seed; the same seed gives the same data");
  const std::map<std::string, GeneratorFormat> formats = {{"duckdb", GeneratorFormat::kDuckDb},
                                                          {"parquet", GeneratorFormat::kParquet}};
  cmd.add_option("--format", o.generator.format,
                 "duckdb: one warehouse.duckdb file; parquet: lake/<table>/*.parquet")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("duckdb");
  cmd.add_option("--as-of", o.as_of,
                 "the shop's 'today' as YYYY-MM-DD (default: today, UTC); events fall in the "
                 "two years before it");
  cmd.add_option("--threads", o.generator.threads, "generator threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
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

void AddGenerateCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto o = std::make_shared<GeneratorCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Generate a synthetic shop (CRM, web events, orders, email engagement, consents, with "
      "identity traps) and its ground truth in OUT/truth/.");
  AddGeneratorOptions(*cmd, *o);
  cmd->add_option("-o,--out", o->generator.out_dir, "output directory")->required();
  cmd->callback([action, o] {
    *action = [o] {
      Status as_of = ResolveAsOf(*o);
      if (!as_of.ok()) return Fail(as_of);
      Result<GeneratorStats> stats = GenerateWithProgress(o->generator);
      if (!stats.ok()) return Fail(stats.status());
      PrintGeneratorStats(*stats);
      std::printf("ground truth: %s/truth/persons.csv (%lld identifiers)\n",
                  o->generator.out_dir.c_str(), static_cast<long long>(stats->truth_rows));
      return kExitOk;
    };
  });
}

}  // namespace zcdp::cli
