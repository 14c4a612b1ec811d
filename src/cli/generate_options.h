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

void AddGeneratorOptions(CLI::App& cmd, GeneratorCliOptions& o);
// Turns --as-of into options.generator.as_of_days.
Status ResolveAsOf(GeneratorCliOptions& o);
// Runs the generator with a progress line on terminals.
Result<GeneratorStats> GenerateWithProgress(GeneratorOptions options);
void PrintGeneratorStats(const GeneratorStats& stats);

}  // namespace zcdp::cli
