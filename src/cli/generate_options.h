#pragma once

#include <CLI/CLI.hpp>

#include "zcdp/common/status.h"
#include "zcdp/generate/generator.h"

namespace zcdp::cli {

// Generator flags shared by `generate` and `demo`.
struct GeneratorCliOptions {
  GeneratorOptions generator;
  std::string as_of;  // YYYY-MM-DD, empty for today
};

// Adds --profiles, --seed, --format, --as-of and --threads. `with_postgres` offers
// `--format postgres` (the command then adds --dsn).
void AddGeneratorOptions(CLI::App& cmd, GeneratorCliOptions& o, bool with_postgres = false);
// Turns --as-of into options.generator.as_of_days.
Status ResolveAsOf(GeneratorCliOptions& o);
// Runs the generator with a progress line on terminals.
Result<GeneratorStats> GenerateWithProgress(GeneratorOptions options);
void PrintGeneratorStats(const GeneratorStats& stats);

}  // namespace zcdp::cli
