#pragma once

#include <string>

#include "zcdp/common/status.h"
#include "zcdp/generate/generator.h"

namespace zcdp::synth {

constexpr int64_t kMaxProfiles = 100'000'000;
constexpr int64_t kDefaultBatchPersons = 16384;
// Threads (one connection each) when the postgres format runs with threads = 0.
constexpr int kMaxDefaultPostgresThreads = 8;

// InvalidArgument, with a message naming the option, when `options` cannot be generated.
Status ValidateOptions(const GeneratorOptions& options);

// Creates OUT and OUT/truth. Refuses (AlreadyExists) when OUT already holds a generated
// warehouse or lake, so that no existing data is overwritten; removes a stale
// truth/stats.json so that a failed run never looks complete.
Status PrepareOutDir(const GeneratorOptions& options);

// The effective as_of day, thread count and batch size.
int32_t AsOfDays(const GeneratorOptions& options);
int ThreadCount(const GeneratorOptions& options, int64_t batches);
int64_t BatchPersons(const GeneratorOptions& options);
std::string FormatName(GeneratorFormat format);

}  // namespace zcdp::synth
