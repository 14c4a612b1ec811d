#include <regex>

#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kSourceKeys = {
    "name",       "table", "kind",        "identifiers", "timestamp", "event_name",
    "attributes", "pii",   "primary_key", "description", "read",      "collect"};

const std::vector<std::string> kReadKeys = {"header",  "delimiter",   "quote",
                                            "escape",  "null_text",   "skip",
                                            "columns", "date_format", "timestamp_format"};

// A SQL type name as a CSV column's type: words, optionally with numeric arguments and
// array brackets ("VARCHAR", "DOUBLE PRECISION", "DECIMAL(10,2)", "INTEGER[]").
bool LooksLikeSqlType(const std::string& type) {
  static const std::regex kType(R"(^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*)"
                                R"(( ?\( ?[0-9]+ ?(, ?[0-9]+ ?)?\))?(\[\])*$)");
  return type.size() <= 64 && std::regex_match(type, kType);
}

// A string option of at most `max_bytes` bytes (at least one).
std::optional<std::string> ReadChars(const Fields& f, YamlReader& r, std::string_view key,
                                     size_t max_bytes, const char* what) {
  auto v = r.String(f, key);
  if (!v) return std::nullopt;
  if (v->value.size() > max_bytes) {
    r.Error(v->pos, f.context,
            std::string(key) + ": expected " + what + ", got " + Quote(v->value));
    return std::nullopt;
  }
  return v->value;
}

void ReadColumns(const Fields& f, YamlReader& r, CsvReadOptions& o) {
  const Entry* e = f.Find("columns");
  if (e == nullptr) return;
  const std::string context = f.context + ": columns";
  auto map =
      r.OpenMap(e->value, e->pos, context, "a mapping of column name to SQL type, in file order");
  if (!map) return;
  if (map->entries.empty()) r.Error(e->pos, context, "expected at least one column");
  for (const auto& c : map->entries) {
    auto type = r.String(c.value, c.pos, context, c.key);
    if (!type) continue;
    if (!LooksLikeSqlType(type->value)) {
      r.Error(type->pos, context,
              c.key +
                  ": expected a SQL type such as VARCHAR, BIGINT, DOUBLE, DECIMAL(10,2), "
                  "DATE or TIMESTAMP, got " +
                  Quote(type->value));
      continue;
    }
    o.columns.emplace_back(c.key, type->value);
  }
}

// `read:`, the options of a CSV file source.
void ReadOptions(const Fields& f, ParseContext& ctx, SourceConfig& s) {
  const Entry* e = f.Find("read");
  if (e == nullptr) return;
  YamlReader& r = ctx.reader;
  const std::string context = f.context + ": read";
  auto m = r.Map(e->value, e->pos, context, kReadKeys, "a mapping of CSV read options");
  if (!m) return;
  Result<FileFormat> format = FileFormatOfPath(s.table.value);
  if (!s.table.value.empty() && (!s.is_file || !format.ok() || *format != FileFormat::kCsv)) {
    r.Error(e->key_pos, f.context,
            "read: options apply to CSV files only (a table: ending in .csv or .tsv), not to " +
                Quote(s.table.value));
    return;
  }
  CsvReadOptions& o = s.read;
  if (auto header = r.Enum(*m, "header", {"true", "false"})) o.header = header->value == "true";
  o.delimiter = ReadChars(*m, r, "delimiter", 4, "a delimiter of 1 to 4 bytes");
  o.quote = ReadChars(*m, r, "quote", 1, "one character");
  o.escape = ReadChars(*m, r, "escape", 1, "one character");
  if (auto null = r.String(*m, "null_text")) o.null_text = null->value;
  if (auto skip = r.PositiveInt(*m, "skip")) o.skip = skip->value;
  if (auto v = r.String(*m, "date_format")) o.date_format = v->value;
  if (auto v = r.String(*m, "timestamp_format")) o.timestamp_format = v->value;
  ReadColumns(*m, r, o);
}

constexpr const char* kTableForms =
    "expected 'schema.table', 'table', 'catalog.schema.table', or a file path or glob ending in "
    ".parquet, .csv, "
    ".tsv, .json, .jsonl or .ndjson (optionally .gz)";

// Splits "catalog.schema.table" / "schema.table" / "table" into the source; false when the
// text is none of them (an empty part, more than three, or characters of a path or glob).
bool SplitTableName(const std::string& text, SourceConfig& s) {
  if (text.find_first_of("/*?[\\ \t") != std::string::npos) return false;
  std::vector<std::string> parts;
  size_t from = 0;
  for (size_t dot = text.find('.'); dot != std::string::npos; dot = text.find('.', from)) {
    parts.push_back(text.substr(from, dot - from));
    from = dot + 1;
  }
  parts.push_back(text.substr(from));
  if (parts.size() > 3) return false;
  for (const auto& p : parts) {
    if (p.empty()) return false;
  }
  s.table_name = parts.back();
  if (parts.size() >= 2) s.table_schema = parts[parts.size() - 2];
  if (parts.size() == 3) s.table_catalog = parts[0];
  return true;
}

void ReadTable(const Fields& f, ParseContext& ctx, SourceConfig& s) {
  auto table = ctx.reader.String(f, "table");
  if (!table) return;
  s.table = *table;
  if (FileFormatOfPath(table->value).ok()) {
    s.is_file = true;
    // URLs are read by the engine as written; local paths are relative to the project.
    const bool url = table->value.find("://") != std::string::npos;
    s.file_glob = url ? table->value : AbsolutePath(ctx.dir, table->value);
    return;
  }
  if (!SplitTableName(table->value, s)) {
    ctx.reader.Error(table->pos, f.context,
                     "table: " + std::string(kTableForms) + ", got " + Quote(table->value));
  }
}

void ReadIdentifiers(const Fields& f, YamlReader& r, SourceConfig& s) {
  const Entry* e = f.Find("identifiers");
  if (e == nullptr) return;
  const std::string context = f.context + ": identifiers";
  auto map = r.OpenMap(e->value, e->pos, context, "a mapping of id type to column");
  if (!map) return;
  if (map->entries.empty()) {
    r.Error(e->pos, context, "expected at least one id type mapped to a column");
  }
  for (const auto& id : map->entries) {
    auto column = r.String(id.value, id.pos, context, id.key);
    if (column) s.identifiers.push_back({{id.key, id.key_pos}, *column});
  }
}

void CheckPii(const Fields& f, YamlReader& r, const SourceConfig& s) {
  std::vector<std::string> mapped;
  for (const auto& id : s.identifiers) mapped.push_back(id.column.value);
  for (const auto& a : s.attributes) mapped.push_back(a.value);
  for (const auto& p : s.pii) {
    if (std::find(mapped.begin(), mapped.end(), p.value) != mapped.end()) continue;
    r.Error(p.pos, f.context,
            "pii: column " + Quote(p.value) +
                " is not mapped as an identifier or attribute of this source" +
                DidYouMean(p.value, mapped));
  }
}

// A collecting source holds events: `kind` defaults to events, and `timestamp` and
// `event_name` to the collect table's `timestamp` and `event` columns.
void ReadCollect(const Entry& e, const Fields& f, YamlReader& r, SourceConfig& s) {
  if (f.Find("kind") != nullptr && s.kind != SourceKind::kEvents) {
    r.Error(s.kind_pos, f.context,
            "kind: a source with `collect:` holds events: expected 'events'");
  }
  s.kind = SourceKind::kEvents;
  ParseCollect(e, r, f.context, s);
  if (f.Find("timestamp") == nullptr) s.timestamp = LocatedString{"timestamp", e.pos};
  if (f.Find("event_name") == nullptr) s.event_name = LocatedString{"event", e.pos};
}

void ParseSource(const Fields& f, ParseContext& ctx, SourceConfig& s) {
  YamlReader& r = ctx.reader;
  const Entry* collect = f.Find("collect");
  // A collecting source reads the table it collects into: `table:` may be left out.
  r.Require(f, collect != nullptr ? std::vector<std::string>{"identifiers"}
                                  : std::vector<std::string>{"table", "identifiers"});
  ReadTable(f, ctx, s);
  ReadOptions(f, ctx, s);
  if (auto kind = r.Enum(f, "kind", {"entity", "events"})) {
    s.kind = kind->value == "events" ? SourceKind::kEvents : SourceKind::kEntity;
    s.kind_pos = kind->pos;
  }
  if (collect != nullptr) ReadCollect(*collect, f, r, s);
  ReadIdentifiers(f, r, s);
  if (f.Find("timestamp") != nullptr) s.timestamp = r.String(f, "timestamp");
  if (s.kind == SourceKind::kEvents && f.Find("timestamp") == nullptr && collect == nullptr) {
    r.Error(f.pos, f.context,
            "missing required key 'timestamp' (an events source needs the column that holds "
            "when each event happened)");
  }
  if (f.Find("event_name") != nullptr) s.event_name = r.String(f, "event_name");
  s.primary_key = r.String(f, "primary_key");
  s.attributes = r.StringList(f, "attributes", "a list of column names");
  s.pii = r.StringList(f, "pii", "a list of column names");
  CheckPii(f, r, s);
}

}  // namespace

void ParseSources(const Entry& e, ParseContext& ctx, std::vector<SourceConfig>& out) {
  ParseNamedList(e, ctx, "source", kSourceKeys, out,
                 [&](const Fields& f, SourceConfig& s) { ParseSource(f, ctx, s); });
}

}  // namespace zcdp::model_detail
