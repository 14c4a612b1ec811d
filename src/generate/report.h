#pragma once

#include <string>

#include "zcdp/common/status.h"
#include "zcdp/generate/generator.h"

#include "generate/tally.h"

namespace zcdp::synth {

// The public statistics of a finished run.
GeneratorStats ToStats(const Tally& tally, double seconds);

// OUT/truth/shared.csv: the shared and placeholder values with the number of persons using
// each (only values that occur in the data).
Status WriteSharedCsv(const std::string& path, const Tally& tally);

// OUT/truth/stats.json, written last: its presence marks a complete run.
Status WriteStatsJson(const std::string& path, const GeneratorOptions& options,
                      const GeneratorStats& stats);

}  // namespace zcdp::synth
