#include "model/parse_internal.h"
#include "model/suggest.h"

namespace zcdp::model_detail {
namespace {

// Connection settings kept as plain strings in WarehouseConfig::options.
const std::vector<std::string> kOptionKeys = {"host",    "port",   "user",    "database",
                                              "catalog", "schema", "threads", "read_only"};

std::vector<std::string> AllowedKeys() {
  std::vector<std::string> keys = {"type", "path", "output_schema", "password", "options"};
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
  ReadOptions(*f, r, out);
}

}  // namespace zcdp::model_detail
