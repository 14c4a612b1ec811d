#include "zcdp/common/suggest.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

// Connection settings kept as plain strings in WarehouseConfig::options.
const std::vector<std::string> kOptionKeys = {"host",     "port",      "user",
                                              "database", "catalog",   "schema",
                                              "threads",  "read_only", "statement_timeout"};

std::vector<std::string> AllowedKeys() {
  std::vector<std::string> keys = {"type", "path", "output_schema", "password", "dsn", "options"};
  keys.insert(keys.end(), kOptionKeys.begin(), kOptionKeys.end());
  return keys;
}

void ReadOption(const Entry& e, const std::string& context, YamlReader& r, WarehouseConfig& out) {
  if (!e.value.IsScalar()) {
    r.Error(e.pos, context, e.key + ": expected a string or number, got " + ShapeOf(e.value));
    return;
  }
  out.options[e.key] = e.value.Scalar();
}

void ReadOptions(const Fields& f, YamlReader& r, WarehouseConfig& out) {
  for (const auto& e : f.entries) {
    if (std::find(kOptionKeys.begin(), kOptionKeys.end(), e.key) != kOptionKeys.end()) {
      ReadOption(e, f.context, r, out);
    }
  }
  const Entry* options = f.Find("options");
  if (options == nullptr) return;
  auto map = r.OpenMap(options->value, options->pos, f.context + ": options",
                       "a mapping of engine setting to value");
  if (!map) return;
  for (const auto& e : map->entries) ReadOption(e, map->context, r, out);
}

void ReadPath(const Fields& f, ParseContext& ctx, WarehouseConfig& out) {
  auto path = ctx.reader.String(f, "path");
  if (!path) {
    if (out.type == "duckdb" && f.Find("path") == nullptr) {
      ctx.reader.Error(f.pos, f.context,
                       "missing required key 'path' (the DuckDB database file, or ':memory:')");
    }
    return;
  }
  out.path_pos = path->pos;
  out.path = path->value == ":memory:" ? path->value : AbsolutePath(ctx.dir, path->value);
}

// The DSN may embed ${ENV} references (checked here, expanded when the warehouse opens); a
// literal password in it is refused like any literal secret.
void ReadDsn(const Fields& f, YamlReader& r, WarehouseConfig& out) {
  auto dsn = r.String(f, "dsn");
  if (!dsn) {
    if (out.type == "postgres" && f.Find("dsn") == nullptr && f.Find("host") == nullptr &&
        f.Find("database") == nullptr) {
      r.Error(f.pos, f.context,
              "missing required key 'dsn' (a libpq connection string such as \"host=127.0.0.1 "
              "port=5432 dbname=shop user=zcdp\"; secrets as ${ENV_VAR})");
    }
    return;
  }
  out.dsn = dsn->value;
  out.dsn_pos = dsn->pos;
  const std::string lower = [&] {
    std::string l = dsn->value;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  }();
  const size_t at = lower.find("password=");
  if (at != std::string::npos && lower.compare(at + 9, 2, "${") != 0) {
    r.Error(dsn->pos, f.context,
            "dsn: write the password as password=${ENV_VAR} or use the 'password' key; zcdp "
            "never stores secret values");
  }
  if (lower.find("://") != std::string::npos && lower.find('@') != std::string::npos &&
      lower.find(":${") == std::string::npos && lower.find("@${") == std::string::npos) {
    const size_t scheme = lower.find("://") + 3, user_end = lower.find('@');
    if (lower.substr(scheme, user_end - scheme).find(':') != std::string::npos) {
      r.Error(dsn->pos, f.context,
              "dsn: write the password in a URI as ${ENV_VAR} or use the 'password' key; zcdp "
              "never stores secret values");
    }
  }
}

}  // namespace

void ParseWarehouse(const Entry& e, ParseContext& ctx, WarehouseConfig& out) {
  YamlReader& r = ctx.reader;
  auto f = r.Map(e.value, e.pos, "warehouse", AllowedKeys(), "a mapping of warehouse settings");
  if (!f) return;
  out.pos = f->pos;
  if (auto type = r.Enum(*f, "type", {"duckdb", "postgres", "trino"})) {
    out.type = type->value;
    out.type_pos = type->pos;
  }
  ReadPath(*f, ctx, out);
  if (auto schema = r.String(*f, "output_schema")) {
    out.output_schema = schema->value;
    out.output_schema_pos = schema->pos;
    if (!IsValidName(schema->value)) {
      r.Error(schema->pos, f->context,
              "output_schema: " + Quote(schema->value) + " is not a valid name: " + kValidNameRule);
    }
  }
  out.password = ParseSecret(*f, "password", r);
  ReadDsn(*f, r, out);
  ReadOptions(*f, r, out);
}

}  // namespace zcdp::model_detail
