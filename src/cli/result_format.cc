#include "cli/result_format.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "zcdp/warehouse/json_cell.h"

#include "cli/flags.h"

namespace zcdp::cli {
namespace {

constexpr size_t kMaxCellWidth = 48;

// Display width in code points (close enough for aligned tables of UTF-8 text).
size_t Width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string Cell(const Value& v) {
  std::string s = v.is_null() ? "NULL" : v.ToString();
  std::replace(s.begin(), s.end(), '\n', ' ');
  if (Width(s) > kMaxCellWidth) {
    size_t cut = 0, n = 0;
    while (cut < s.size() && n < kMaxCellWidth - 1) {
      ++cut;
      while (cut < s.size() && (s[cut] & 0xC0) == 0x80) ++cut;
      ++n;
    }
    s = s.substr(0, cut) + "…";
  }
  return s;
}

void PrintRow(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
              std::FILE* out) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += (i == 0 ? "" : " | ") + cells[i];
    if (i + 1 < cells.size()) line += std::string(widths[i] - Width(cells[i]), ' ');
  }
  std::fprintf(out, "%s\n", line.c_str());
}

Result<int64_t> WriteTable(QueryStream& stream, int64_t max_rows, std::FILE* out) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  for (const auto& c : stream.columns()) header.push_back(c.name);
  int64_t total = 0;
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream.Next());
    if (chunk == nullptr) break;
    for (size_t r = 0; r < chunk->row_count(); ++r, ++total) {
      if (total >= max_rows) continue;
      std::vector<std::string>& row = rows.emplace_back();
      for (size_t c = 0; c < chunk->column_count(); ++c) row.push_back(Cell(chunk->Get(c, r)));
    }
  }
  std::vector<size_t> widths(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    widths[i] = Width(header[i]);
    for (const auto& row : rows) widths[i] = std::max(widths[i], Width(row[i]));
  }
  PrintRow(header, widths, out);
  std::string rule;
  for (size_t i = 0; i < widths.size(); ++i) rule += (i ? "-+-" : "") + std::string(widths[i], '-');
  std::fprintf(out, "%s\n", rule.c_str());
  for (const auto& row : rows) PrintRow(row, widths, out);
  std::fprintf(out, "(%lld row%s%s)\n", static_cast<long long>(total), total == 1 ? "" : "s",
               total > max_rows ? (", first " + std::to_string(max_rows) + " shown").c_str() : "");
  return total;
}

Result<int64_t> WriteCsv(QueryStream& stream, std::FILE* out) {
  std::string line;
  for (const auto& c : stream.columns()) line += (line.empty() ? "" : ",") + CsvField(c.name);
  std::fprintf(out, "%s\n", line.c_str());
  int64_t total = 0;
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream.Next());
    if (chunk == nullptr) break;
    for (size_t r = 0; r < chunk->row_count(); ++r, ++total) {
      line.clear();
      for (size_t c = 0; c < chunk->column_count(); ++c) {
        line += (c ? "," : "") + CsvField(chunk->Get(c, r).ToString());
      }
      std::fprintf(out, "%s\n", line.c_str());
    }
  }
  return total;
}

// One object per row, keyed by column name, each cell as the engine writes it exactly
// (zcdp/warehouse/json_cell.h; docs/cli.md, "JSON values").
Result<int64_t> WriteJson(QueryStream& stream, std::FILE* out) {
  int64_t total = 0;
  std::fputs("[", out);
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream.Next());
    if (chunk == nullptr) break;
    for (size_t r = 0; r < chunk->row_count(); ++r, ++total) {
      JsonCellWriter row;
      row.BeginObject();
      for (size_t c = 0; c < chunk->column_count(); ++c) {
        row.Key(stream.columns()[c].name);
        chunk->WriteJson(c, r, row);
      }
      row.EndObject();
      std::fprintf(out, "%s\n  %s", total ? "," : "", row.text().c_str());
    }
  }
  std::fputs(total ? "\n]\n" : "]\n", out);
  return total;
}

}  // namespace

nlohmann::json ValueToJson(const Value& v) {
  const auto& s = v.storage();
  if (v.is_null()) return nullptr;
  if (const bool* b = std::get_if<bool>(&s)) return *b;
  if (const int64_t* i = std::get_if<int64_t>(&s)) return *i;
  if (const double* d = std::get_if<double>(&s)) {
    // JSON has no infinity or NaN; null would lose them, so they are strings.
    if (std::isnan(*d)) return "NaN";
    if (std::isinf(*d)) return *d > 0 ? "Infinity" : "-Infinity";
    return *d;
  }
  return v.ToString();
}

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<int64_t> WriteResult(QueryStream& stream, OutputFormat format, int64_t max_rows,
                            std::FILE* out) {
  switch (format) {
    case OutputFormat::kTable:
      return WriteTable(stream, max_rows, out);
    case OutputFormat::kCsv:
      return WriteCsv(stream, out);
    case OutputFormat::kJson:
      return WriteJson(stream, out);
  }
  return Status::Internal("unknown output format");
}

void AddFormatOption(CLI::App& cmd, OutputFormat& format) {
  AddEnumOption<OutputFormat>(
      cmd, "-f,--format", &format,
      {{"table", OutputFormat::kTable}, {"csv", OutputFormat::kCsv}, {"json", OutputFormat::kJson}},
      "output format (default table)")
      ->type_name("table|csv|json");
}

}  // namespace zcdp::cli
