// A source's `collect:` block: the write keys `zcdp serve` accepts for it and the table its
// events are loaded into.

#include <map>

#include "zcdp/common/suggest.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kCollectKeys = {"write_keys", "table"};

// True for "schema.table" with two non-empty parts made of letters, digits and '_'.
bool SplitCollectTable(const std::string& text, CollectConfig& c) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    const bool word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '_';
    if (!word && i != dot) return false;
  }
  c.table_schema = text.substr(0, dot);
  c.table_name = text.substr(dot + 1);
  return true;
}

void ReadWriteKeys(const Fields& f, YamlReader& r, CollectConfig& c) {
  const Entry* e = f.Find("write_keys");
  if (e == nullptr) return;
  auto items = r.List(*e, f.context, "a list of ${ENV_VAR} references to write keys");
  if (!items) return;
  if (items->empty()) {
    r.Error(e->pos, f.context, "write_keys: expected at least one ${ENV_VAR} reference");
  }
  for (size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    auto ref = ParseSecretValue(item, PosOf(item), f.context,
                                "write_keys[" + std::to_string(i + 1) + "]", r);
    if (ref) c.write_keys.push_back(*ref);
  }
}

void ReadCollectTable(const Fields& f, YamlReader& r, CollectConfig& c) {
  auto table = r.String(f, "table");
  if (!table) return;
  c.table = *table;
  if (!SplitCollectTable(table->value, c)) {
    r.Error(table->pos, f.context,
            "table: expected 'schema.table' (letters, digits and '_'), the table zcdp creates "
            "for the collected events, got " +
                Quote(table->value));
  }
}

// The source's own `table:` is the collect table: the same when both are written.
void ReconcileSourceTable(const Fields& source, YamlReader& r, SourceConfig& s) {
  const CollectConfig& c = *s.collect;
  if (c.table_name.empty()) return;
  if (!s.table.value.empty()) {
    if (s.table.value != c.table.value) {
      r.Error(s.table.pos, source.context,
              "table: " + Quote(s.table.value) + " differs from collect.table " +
                  Quote(c.table.value) +
                  "; a collecting source reads the table it collects into "
                  "(leave `table:` out)");
    }
    return;
  }
  s.table = c.table;
  s.table_schema = c.table_schema;
  s.table_name = c.table_name;
}

}  // namespace

void ParseCollect(const Entry& e, YamlReader& r, const std::string& context, SourceConfig& s) {
  auto fields = r.Map(e.value, e.pos, context + ": collect", kCollectKeys,
                      "a mapping with write_keys and table");
  if (!fields) return;
  r.Require(*fields, {"write_keys", "table"});
  CollectConfig c;
  c.pos = fields->pos;
  ReadWriteKeys(*fields, r, c);
  ReadCollectTable(*fields, r, c);
  s.collect = std::move(c);
  Fields source;
  source.context = context;
  ReconcileSourceTable(source, r, s);
}

void CheckCollect(const Project& project, Diagnostics& diags) {
  std::map<std::string, std::string> key_owner, table_owner;  // -> the first source's name
  for (const auto& s : project.sources) {
    if (!s.collect) continue;
    const std::string context = "source " + Quote(s.name.value) + ": collect: ";
    const CollectConfig& c = *s.collect;
    for (const auto& key : c.write_keys) {
      auto [it, fresh] = key_owner.emplace(key.env_var, s.name.value);
      if (!fresh && it->second != s.name.value) {
        diags.Error(key.pos, context + "write key ${" + key.env_var + "} is already source " +
                                 Quote(it->second) + "'s; a write key names one source");
      }
    }
    if (c.table_name.empty()) continue;
    if (c.table_schema == project.warehouse.output_schema) {
      diags.Error(c.table.pos, context + "table: " + Quote(c.table.value) +
                                   " is in the output schema; collect into a schema of its own "
                                   "(the output schema is rebuilt by runs)");
    }
    auto [it, fresh] = table_owner.emplace(c.table.value, s.name.value);
    if (!fresh) {
      diags.Error(c.table.pos, context + "table: " + Quote(c.table.value) +
                                   " is already collected by source " + Quote(it->second));
    }
  }
}

}  // namespace zcdp::model_detail
