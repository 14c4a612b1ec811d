#pragma once

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp::cli {

enum class OutputFormat { kTable, kCsv, kJson };

// Adds `-f/--format table|csv|json` (default table) to `cmd`, read into `format`.
void AddFormatOption(CLI::App& cmd, OutputFormat& format);

// Streams a query result to `out` in `format`. Table output is aligned and shows at most
// `max_rows` rows (with a note when more exist); CSV and JSON stream every row.
// Returns the number of rows read, or the stream's error.
Result<int64_t> WriteResult(QueryStream& stream, OutputFormat format, int64_t max_rows,
                            std::FILE* out);

// A value as JSON: null, a boolean, an integer, a double ("Infinity", "-Infinity" and "NaN" as
// strings), or text (timestamps as ISO-8601; integers beyond 64 bits as exact digits).
nlohmann::json ValueToJson(const Value& v);

// RFC 4180 quoting: quotes a field when it holds a comma, quote, CR or LF.
std::string CsvField(std::string_view value);

}  // namespace zcdp::cli
