#pragma once

#include <string_view>

#include "zcdp/common/status.h"

namespace zcdp {

// File formats zcdp reads in place (sources) and writes (file drops). kJson is one JSON
// document a line (JSONL).
enum class FileFormat { kParquet, kCsv, kJson };

// Returns the format a path or glob names by its extension (".parquet", ".csv", ".json",
// ".jsonl", ".ndjson", optionally followed by ".gz"), or NotFound when it names none.
Result<FileFormat> FileFormatOfPath(std::string_view path);

}  // namespace zcdp
