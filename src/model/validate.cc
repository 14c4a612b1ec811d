#include "zcdp/model/validate.h"

#include <map>

#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

#include "model/file_glob.h"
#include "model/validate_internal.h"

namespace zcdp {
namespace model_detail {
namespace {

constexpr size_t kMaxEngineMessage = 160;
constexpr size_t kMaxListedTables = 10;
constexpr size_t kMaxSchemasSearched = 50;

std::string SourceContext(const SourceConfig& s) { return "source " + Quote(s.name.value); }

bool IsUrl(const std::string& path) { return path.find("://") != std::string::npos; }

std::string TableList(const std::vector<TableInfo>& tables) {
  std::string out;
  for (size_t i = 0; i < tables.size() && i < kMaxListedTables; ++i) {
    out += (i ? ", " : "") + tables[i].name;
  }
  if (tables.size() > kMaxListedTables) out += ", ...";
  return out;
}

}  // namespace

std::string EngineMessage(const Status& status) {
  std::string m = status.message().substr(0, status.message().find('\n'));
  if (m.size() > kMaxEngineMessage) m = m.substr(0, kMaxEngineMessage) + "...";
  return m;
}

void Validator::Error(SourcePos pos, const std::string& context, const std::string& message) {
  diags_.Error(pos, context + ": " + message);
}

void Validator::Run() {
  for (const auto& s : project_.sources) {
    if (s.name.value.empty() || described_.count(s.name.value)) continue;  // reported by parse
    if (auto d = Describe(s)) {
      CheckSourceColumns(s, *d);
      described_[s.name.value] = std::move(*d);
    }
  }
  CheckTraits();
  CheckConsent();
}

std::optional<DescribedSource> Validator::Describe(const SourceConfig& s) {
  if (s.table.value.empty()) return std::nullopt;  // missing `table:` is a parse error
  return s.is_file ? DescribeFiles(s) : DescribeTable(s);
}

std::optional<DescribedSource> Validator::DescribeTable(const SourceConfig& s) {
  if (s.table_name.empty()) return std::nullopt;  // a malformed name is a parse error
  if (!s.table_catalog.empty()) return DescribeCatalogTable(s);
  const std::string schema = s.table_schema.empty() ? DefaultSchema(wh_.dialect()) : s.table_schema;
  if (schema.empty()) {
    Error(s.table.pos, SourceContext(s),
          "table: expected 'schema.table': this engine has no default schema");
    return std::nullopt;
  }
  auto columns = wh_.DescribeTable(schema, s.table_name);
  if (columns.ok())
    return DescribedSource{std::move(*columns), "table " + schema + "." + s.table_name};
  if (columns.status().code() == StatusCode::kNotFound) {
    ReportMissingTable(s, schema);
  } else {
    Error(s.table.pos, SourceContext(s),
          "table: cannot read table " + Quote(schema + "." + s.table_name) + ": " +
              EngineMessage(columns.status()));
  }
  return std::nullopt;
}

void Validator::ReportMissingTable(const SourceConfig& s, const std::string& schema) {
  const std::string name = Quote(schema + "." + s.table_name);
  // A table of that name in another schema is what an unqualified name most likely meant.
  const std::string elsewhere = TableInOtherSchemas(s.table_name, schema);
  auto tables = wh_.ListTables(schema);
  if (tables.ok() && !tables->empty()) {
    std::vector<std::string> names;
    for (const auto& t : *tables) names.push_back(t.name);
    std::string hint = DidYouMean(s.table_name, names);
    if (hint.empty() || (s.table_schema.empty() && !elsewhere.empty())) hint = elsewhere;
    if (hint.empty()) hint = "; tables in schema " + Quote(schema) + ": " + TableList(*tables);
    Error(s.table.pos, SourceContext(s), "table: table " + name + " does not exist" + hint);
    return;
  }
  std::string hint = elsewhere;
  if (hint.empty()) {
    auto schemas = wh_.ListSchemas();
    hint = schemas.ok() ? DidYouMean(schema, *schemas) : "";
  }
  Error(s.table.pos, SourceContext(s),
        "table: table " + name + " does not exist: schema " + Quote(schema) + " has no tables" +
            hint);
}

std::string Validator::TableInOtherSchemas(const std::string& table, const std::string& schema) {
  auto schemas = wh_.ListSchemas();
  if (!schemas.ok()) return "";
  std::vector<std::string> exact;
  std::vector<std::string> names;                // every table name, for a close one
  std::map<std::string, std::string> qualified;  // table name -> first schema.table
  size_t looked = 0;
  for (const auto& other : *schemas) {
    if (other == schema || other == project_.warehouse.output_schema) continue;
    if (++looked > kMaxSchemasSearched) break;
    auto tables = wh_.ListTables(other);
    if (!tables.ok()) continue;
    for (const auto& t : *tables) {
      if (t.name == table) exact.push_back(other + "." + t.name);
      if (qualified.emplace(t.name, other + "." + t.name).second) names.push_back(t.name);
    }
  }
  if (exact.size() == 1) return " (did you mean " + Quote(exact.front()) + "?)";
  if (!exact.empty()) {
    std::string list;
    for (const auto& e : exact) list += (list.empty() ? "" : ", ") + Quote(e);
    return " (did you mean one of " + list + "?)";
  }
  const std::string close = DidYouMean(table, names);
  if (close.empty()) return "";
  for (const auto& [n, q] : qualified) {
    if (close == DidYouMean(table, {n})) return " (did you mean " + Quote(q) + "?)";
  }
  return "";
}

std::optional<DescribedSource> Validator::DescribeCatalogTable(const SourceConfig& s) {
  // The engine's catalog functions list the current catalog's schemas only: ask the engine.
  const std::string name = s.table_catalog + "." + s.table_schema + "." + s.table_name;
  auto relation = SourceRelation(s, wh_.dialect());
  Result<std::vector<ColumnInfo>> columns =
      relation.ok() ? wh_.DescribeQuery("SELECT * FROM " + *relation) : relation.status();
  if (columns.ok()) return DescribedSource{std::move(*columns), "table " + name};
  Error(s.table.pos, SourceContext(s),
        "table: cannot read table " + Quote(name) + ": " + EngineMessage(columns.status()) +
            " (expected catalog.schema.table naming a catalog the warehouse has attached, such "
            "as its own database)");
  return std::nullopt;
}

std::optional<DescribedSource> Validator::DescribeFiles(const SourceConfig& s) {
  const std::string where = "files " + Quote(s.table.value);
  if (!IsUrl(s.file_glob) && !GlobHasMatch(s.file_glob)) {
    Error(s.table.pos, SourceContext(s),
          "table: no files match " + Quote(s.table.value) + " (looked for " + Quote(s.file_glob) +
              ")");
    return std::nullopt;
  }
  auto relation = SourceRelation(s, wh_.dialect());
  Result<std::vector<ColumnInfo>> columns =
      relation.ok() ? wh_.DescribeQuery("SELECT * FROM " + *relation) : relation.status();
  if (!columns.ok()) {
    Error(s.table.pos, SourceContext(s),
          "table: cannot read " + where + ": " + EngineMessage(columns.status()));
    return std::nullopt;
  }
  return DescribedSource{std::move(*columns), where};
}

}  // namespace model_detail

std::string DefaultSchema(const Dialect& dialect) { return dialect.DefaultSchema(); }

void ValidateAgainstWarehouse(const Project& project, Warehouse& wh, Diagnostics& diags) {
  try {
    model_detail::Validator(project, wh, diags).Run();
  } catch (const std::exception& e) {
    diags.Error({}, std::string("validation stopped: ") + e.what());
  }
}

Result<std::string> SourceRelation(const SourceConfig& source, const Dialect& dialect) {
  if (source.is_file) {
    ZCDP_ASSIGN_OR_RETURN(FileFormat format, FileFormatOfPath(source.file_glob));
    return dialect.FileRelation(format, source.file_glob, source.read);
  }
  if (source.table_name.empty()) {
    return Status::Invalid("source '" + source.name.value + "' has no valid table");
  }
  const std::string schema =
      source.table_schema.empty() ? DefaultSchema(dialect) : source.table_schema;
  if (!source.table_catalog.empty()) {
    return dialect.QuoteIdentifier(source.table_catalog) + "." +
           dialect.QualifiedName(schema, source.table_name);
  }
  if (schema.empty()) return dialect.QuoteIdentifier(source.table_name);
  return dialect.QualifiedName(schema, source.table_name);
}

}  // namespace zcdp
