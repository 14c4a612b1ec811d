#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp {

// File formats zcdp reads in place (sources) and writes (file drops). kJson is one JSON
// document a line (JSONL).
enum class FileFormat { kParquet, kCsv, kJson };

// Returns the format a path or glob names by its extension (".parquet", ".csv", ".json",
// ".jsonl", ".ndjson", optionally followed by ".gz"), or NotFound when it names none.
Result<FileFormat> FileFormatOfPath(std::string_view path);

// How CSV files are read: a file source's `read:` in the project file (docs/project-file.md).
// An unset option is left to the engine's detection.
struct CsvReadOptions {
  std::optional<bool> header;                   // the first line names the columns
  std::optional<std::string> delimiter;         // between fields (1 to 4 bytes)
  std::optional<std::string> quote;             // one byte
  std::optional<std::string> escape;            // one byte, inside quoted fields
  std::optional<std::string> null_text;         // the text that reads as NULL
  std::optional<int64_t> skip;                  // lines skipped before the header or first row
  std::optional<std::string> date_format;       // strftime-style, e.g. "%d/%m/%Y"
  std::optional<std::string> timestamp_format;  // strftime-style
  // Every column, in file order, with its SQL type as written ("DECIMAL(10,2)"); empty:
  // names from the header and types detected.
  std::vector<std::pair<std::string, std::string>> columns;

  bool empty() const {
    return !header && !delimiter && !quote && !escape && !null_text && !skip && !date_format &&
           !timestamp_format && columns.empty();
  }
};

}  // namespace zcdp
